"""Block Kit for check-ins: the confirmation, "Are you OK?", the replies to each answer, the
"Start a check-in" modal, and what a raised escalation says about its check-in.

The worker's words come from `bot.checkins.strings`, in the worker's `language` (their Slack
language, else their latest question's, else English: `bot.checkins.service.WorkerLanguage`).
The note is the worker's own text and goes through `bot.slack.text.safe`. Button values and
`private_metadata` carry ids only."""

from __future__ import annotations

from typing import Any

from bot.asking.strings import ENGLISH
from bot.checkins import actions as ids
from bot.checkins.command import EXTEND_MINUTES, MAX_MINUTES, MAX_NOTE
from bot.checkins.service import Outcome, Result
from bot.checkins.states import Move
from bot.checkins.store import Checkin
from bot.checkins.strings import Strings, strings
from bot.slack.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    modal,
    notice,
    section,
    slack_date,
)
from bot.slack.text import safe


# --- for the worker -------------------------------------------------------------------------
def due(checkin: Checkin, words: Strings) -> str:
    """When the check-in is due, as Slack shows it to each reader, in `words`' language."""
    return slack_date(checkin.due_at, words.date_at)


def note(checkin: Checkin, words: Strings) -> str:
    return words.note.format(note=safe(checkin.note, MAX_NOTE + 50))


def started(
    checkin: Checkin, replaced: bool, grace_minutes: float, language: str = ENGLISH
) -> Message:
    """The confirmation of a new check-in, with its End button."""
    words = strings(language)
    text = words.started.format(due=due(checkin, words), grace=grace_minutes)
    if replaced:
        text += " " + words.replaced
    blocks: list[Block] = [section(text)]
    if checkin.note:
        blocks.append(section(note(checkin, words)))
    blocks.append(actions(button(words.end_button, ids.END, checkin.id)))
    return Message(text, blocks)


def prompt(checkin: Checkin, grace_minutes: float, language: str = ENGLISH) -> Message:
    """ "Are you OK?" at the due time, with the three answers."""
    words = strings(language)
    blocks: list[Block] = [section(words.prompt)]
    if checkin.note:
        blocks.append(section(note(checkin, words)))
    blocks += [
        actions(*answer_buttons(checkin, ok=True, language=language)),
        context(words.prompt_grace.format(grace=grace_minutes)),
    ]
    return Message(words.prompt_fallback, blocks)


def answer_buttons(checkin: Checkin, *, ok: bool, language: str = ENGLISH) -> list[Block]:
    """I'm OK (on the prompt only), Add 30 minutes, I need help now."""
    words = strings(language)
    buttons = [
        button(words.extend_button.format(minutes=EXTEND_MINUTES), ids.EXTEND, checkin.id),
        button(words.help_button, ids.HELP, checkin.id, "danger"),
    ]
    if ok:
        buttons.insert(0, button(words.ok_button, ids.OK, checkin.id, "primary"))
    return buttons


def reply(outcome: Outcome, number: str, grace_minutes: float, language: str = ENGLISH) -> Message:
    """What to tell the worker whose command or click led to `outcome`, in their language
    (an INVALID outcome's reason is already in it: `bot.checkins.command.parse`)."""
    words = strings(language)
    checkin = outcome.checkin
    if outcome.result is Result.STARTED:
        assert checkin is not None
        return started(checkin, outcome.replaced, grace_minutes, language)
    if outcome.result is Result.INVALID:
        return notice(outcome.reason)
    if outcome.result is Result.DONE:
        assert checkin is not None
        return notice(_done(outcome.move, checkin, number, words))
    if outcome.result is Result.NOT_YET:
        assert checkin is not None
        return notice(words.not_yet.format(due=due(checkin, words)))
    return notice(
        {
            Result.OVER: words.already_over,
            Result.ALREADY_ALERTED: words.already_alerted.format(number=number),
            Result.LATE_OK: words.late_ok,
            Result.NOT_YOURS: words.not_yours,
            Result.GONE: words.already_over,
            Result.NOTHING_RUNNING: words.nothing_running,
        }[outcome.result]
    )


def _done(move: Move | None, checkin: Checkin, number: str, words: Strings) -> str:
    if move is Move.EXTEND:
        return words.extended.format(due=due(checkin, words))
    if move is Move.HELP:
        return words.help_sent.format(number=number)
    return words.ok_done if move is Move.OK else words.ended


def start_modal(language: str = ENGLISH) -> dict[str, Any]:
    """The App Home's "Start a check-in" modal: minutes and an optional note."""
    words = strings(language)
    minutes = {
        "type": "input",
        "block_id": ids.MINUTES_BLOCK,
        "label": {"type": "plain_text", "text": words.modal_minutes},
        "element": {
            "type": "number_input",
            "action_id": ids.MINUTES_INPUT,
            "is_decimal_allowed": False,
            "min_value": "1",
            "max_value": str(MAX_MINUTES),
            "initial_value": "90",
        },
    }
    note = {
        "type": "input",
        "block_id": ids.NOTE_BLOCK,
        "optional": True,
        "label": {"type": "plain_text", "text": words.modal_note},
        "hint": {"type": "plain_text", "text": words.modal_note_hint},
        "element": {
            "type": "plain_text_input",
            "action_id": ids.NOTE_INPUT,
            "max_length": MAX_NOTE,
        },
    }
    return modal(
        ids.MODAL_CALLBACK,
        words.modal_title,
        words.modal_submit,
        words.modal_close,
        [minutes, note],
    )
