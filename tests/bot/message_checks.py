"""Assertions shared by the message tests of every feature: what a payload says, its buttons,
and Slack's Block Kit limits."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.blocks import Message
from bot.slack.text import MAX_BLOCKS, MAX_BUTTON_TEXT, MAX_HEADER_TEXT, MAX_SECTION_TEXT


def texts(message: Message) -> str:
    return json.dumps(message.kwargs())


def button_list(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def check_limits(message: Message) -> None:
    payload = message.kwargs()
    assert payload["text"]
    assert len(payload["blocks"]) <= MAX_BLOCKS
    for block in payload["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= MAX_BUTTON_TEXT
                assert len(element["value"]) <= 64 and " " not in element["value"]
