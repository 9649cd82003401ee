"""Telling the person who clicked: ephemerally where Slack allows it, else in their DM.

Buttons in messages come with a `response_url`; buttons in App Home do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.slack.blocks import Message


def user_of(body: dict[str, Any]) -> str:
    """The user behind any Slack payload: an action, a command or an event."""
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id", "")
    return body.get("user_id") or (body.get("event") or {}).get("user", "")


def tell(
    body: dict[str, Any], client: WebClient, respond: Respond | None, message: Message
) -> None:
    if respond is not None and body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message.kwargs())
        return
    direct_message(client, [user_of(body)], message)


def direct_message(client: WebClient, users: Sequence[str], message: Message) -> tuple[str, str]:
    """Post to the DM (one user) or group DM (several) of these users and the bot; returns
    where it posted (channel, ts)."""
    opened = client.conversations_open(users=",".join(dict.fromkeys(users)))
    posted = client.chat_postMessage(channel=opened["channel"]["id"], **message.kwargs())
    return posted["channel"], posted["ts"]
