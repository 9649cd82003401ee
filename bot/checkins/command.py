"""`/boundary checkin ...` and the modal's fields, parsed: start (minutes and a note), end, or
a one-line reason why not. Nothing is created for input that does not parse."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.asking.strings import ENGLISH
from bot.checkins.strings import strings
from bot.slack.text import unescape

WORDS = ("checkin", "check-in")
END_WORDS = ("end", "stop", "cancel", "done", "off")
MAX_MINUTES = 12 * 60
MAX_NOTE = 300
EXTEND_MINUTES = 30  # what "Add 30 minutes" adds


@dataclass(frozen=True)
class Start:
    minutes: int
    note: str


@dataclass(frozen=True)
class End:
    """End the running check-in early."""


@dataclass(frozen=True)
class Invalid:
    reason: str  # one line for the worker
    field: str = ""  # "minutes" or "note": which one was wrong


Command = Start | End | Invalid


def is_checkin(text: str) -> bool:
    """Whether `/boundary` text is a check-in subcommand rather than a question."""
    words = text.split(maxsplit=1)
    return bool(words) and words[0].lower() in WORDS


def words_of(text: str) -> str:
    """What the worker typed after the subcommand ("30 casa de la señora"): the language the
    reply should speak, when it tells."""
    words = text.split(maxsplit=1)
    return unescape(words[1]) if len(words) > 1 else ""


def parse(text: str, language: str = ENGLISH) -> Command:
    """The check-in subcommand in `/boundary` text (as Slack sent it, entities and all);
    `language`: the worker's, for the reasons why not."""
    words = text.split(maxsplit=2)[1:]
    if not words:
        return Invalid(usage(language))
    if words[0].lower() in END_WORDS and len(words) == 1:
        return End()
    return start(words[0], unescape(words[1]) if len(words) > 1 else "", language)


def start(minutes: str, note: str, language: str = ENGLISH) -> Start | Invalid:
    """A check-in of `minutes` (1 to 12 hours, whole) with `note` (as typed), or why not."""
    words = strings(language)
    minutes = minutes.strip()
    if not re.fullmatch(r"[0-9]{1,5}", minutes) or not 1 <= int(minutes) <= MAX_MINUTES:
        return Invalid(words.bad_minutes.format(max_minutes=MAX_MINUTES), "minutes")
    note = note.strip()
    if len(note) > MAX_NOTE:
        return Invalid(words.note_too_long.format(max_note=MAX_NOTE), "note")
    return Start(int(minutes), note)


def usage(language: str = ENGLISH) -> str:
    return strings(language).usage.format(max_minutes=MAX_MINUTES)
