"""Questions sent to the bot in its DM. Also the catch-all for every other `message` event,
so that edits, deletions and bot messages are acknowledged (and ignored) in Socket Mode too."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Say

from bot.asking.messages import render
from bot.services import Services


def is_question(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's new message in a DM with the bot: no subtype, no bot, not ourselves."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def register(app: App, services: Services) -> None:
    @app.event("message")
    def message_im(event: dict[str, Any], say: Say, context: BoltContext) -> None:
        if not is_question(event, context.bot_user_id):
            return
        outcome = services.advisor.ask(
            event["user"], event["channel"], "dm", event.get("text") or ""
        )
        say(channel=event["channel"], **render(outcome).kwargs())
