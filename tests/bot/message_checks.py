"""Assertions shared by the message tests of every feature: what a payload says, its buttons,
Slack's Block Kit limits, and each feature's texts in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from string import Formatter
from typing import Any

from bot.asking.strings import ENGLISH, SPANISH
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


def check_translated(strings: Callable[[str], Any], modal_texts: Iterable[str] = ()) -> None:
    """A feature's `strings`: every Spanish text translated, with the English one's
    placeholders; the `modal_texts` fields within Slack's 24 characters for a modal's title
    and buttons; English for any other language."""
    english, spanish = strings(ENGLISH), strings(SPANISH)
    for field in fields(english):
        en, es = getattr(english, field.name), getattr(spanish, field.name)
        assert es and es != en, field.name  # every text translated
        en_texts, es_texts = _texts(en), _texts(es)
        assert len(es_texts) == len(en_texts), field.name
        for en_text, es_text in zip(en_texts, es_texts, strict=True):
            assert _placeholders(es_text) == _placeholders(en_text), field.name
    for name in modal_texts:
        assert len(getattr(spanish, name)) <= 24, name
    assert strings("fr") is english and strings("") is english


def _texts(value: str | Iterable[str] | Mapping[str, str]) -> list[str]:
    """A field's texts: itself, a tuple's items, or a mapping's values by key."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [value[key] for key in sorted(value)]
    return list(value)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}
