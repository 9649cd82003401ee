"""Block Kit primitives and `Message`: the pieces every feature's messages are built from.

Callers pass text that is already safe (`bot.slack.text.safe`); these only clip to Slack's
limits, so a long text can never make Slack refuse a whole message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.slack.text import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_CONTEXT_TEXT,
    MAX_FALLBACK_TEXT,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    clip,
)

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """What chat.postMessage, respond() and say() take: fallback text plus blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        return {"text": clip(self.text, MAX_FALLBACK_TEXT), "blocks": self.blocks[:MAX_BLOCKS]}

    def marked(self, block_id: str) -> Message:
        """The same message with `block_id` on its first block: the marker by which a sender
        finds a message it may already have posted (`bot.escalation.outbox.PostOnce`)."""
        first, *rest = self.blocks
        return Message(self.text, [{**first, "block_id": block_id}, *rest])


def section(mrkdwn: str, block_id: str | None = None) -> Block:
    """A section of already-safe mrkdwn, clipped to the section limit."""
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(mrkdwn, MAX_SECTION_TEXT)},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT), "emoji": True},
    }


def context(mrkdwn: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(mrkdwn, MAX_CONTEXT_TEXT)}],
    }


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
    }
    if value:  # Slack rejects an empty value; an absent one is fine
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*buttons: Block) -> Block:
    return {"type": "actions", "elements": list(buttons)}


def divider() -> Block:
    return {"type": "divider"}


def modal(
    callback_id: str,
    title: str,
    submit: str,
    close: str,
    blocks: list[Block],
    private_metadata: str = "",
) -> dict[str, Any]:
    """A modal view; `private_metadata` carries an id at most, never user text."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": close},
        "blocks": blocks,
    }
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view


def notice(text: str) -> Message:
    """A one-section message of already-safe mrkdwn."""
    return Message(text, [section(text)])


def slack_date(epoch: float, at: str = "at") -> str:
    """A date Slack shows in each reader's time zone, with a plain UTC fallback; `at` joins
    the day to the time in the text's language ("a las" in Spanish)."""
    utc = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch))
    return f"<!date^{int(epoch)}^{{date_short_pretty}} {at} {{time}}|{utc}>"


def quote(escaped: str) -> str:
    """Already-escaped text as a mrkdwn block quote, line by line."""
    return "\n".join(f">{line}" for line in escaped.split("\n"))
