"""Questions sent to the bot in its DM (with a photo too: its text is answered). Also the
catch-all for every other `message` event, so that edits, deletions and bot messages are
acknowledged (and ignored) in Socket Mode too."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.asking.messages import render
from bot.services import Services

QUESTION_SUBTYPES = (None, "file_share")  # a plain message, or one with files attached


def is_question(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's new message in a DM with the bot: no edit, no bot, not ourselves."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in QUESTION_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def register(app: App, services: Services) -> None:
    @app.event("message")
    def message_im(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id):
            return
        thread = event.get("thread_ts") or ""
        outcome = services.advisor.ask(
            event["user"],
            event["channel"],
            "dm",
            event.get("text") or "",
            thread=thread,
            attachment=event.get("subtype") == "file_share",
        )
        message = render(outcome, services.settings.emergency_number)
        # Posted with the client, not `say`: for a DM in a thread Bolt's `say` is its AI
        # assistant's, which reads the thread back (conversations.replies) before each post.
        client.chat_postMessage(
            channel=event["channel"], thread_ts=thread or None, **message.kwargs()
        )
