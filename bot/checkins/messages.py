"""Block Kit for check-ins: the confirmation, "Are you OK?", the replies to each answer, the
"Start a check-in" modal, and what a raised escalation says about its check-in.

The worker's words come from `bot.checkins.strings`; the note is the worker's own text and
goes through `bot.slack.text.safe`. Button values and `private_metadata` carry ids only.
"""

from __future__ import annotations

from typing import Any

from bot.checkins import actions as ids
from bot.checkins import strings
from bot.checkins.command import EXTEND_MINUTES, MAX_MINUTES, MAX_NOTE
from bot.checkins.service import Outcome, Result
from bot.checkins.states import Move
from bot.checkins.store import Checkin
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
def started(checkin: Checkin, replaced: bool, grace_minutes: float) -> Message:
    """The confirmation of a new check-in, with its End button."""
    text = strings.STARTED.format(due=slack_date(checkin.due_at), grace=grace_minutes)
    if replaced:
        text += " " + strings.REPLACED
    blocks: list[Block] = [section(text)]
    if checkin.note:
        blocks.append(section(strings.NOTE.format(note=safe(checkin.note, MAX_NOTE + 50))))
    blocks.append(actions(button(strings.END_BUTTON, ids.END, checkin.id)))
    return Message(text, blocks)


def prompt(checkin: Checkin, grace_minutes: float) -> Message:
    """ "Are you OK?" at the due time, with the three answers."""
    blocks: list[Block] = [section(strings.PROMPT)]
    if checkin.note:
        blocks.append(section(strings.NOTE.format(note=safe(checkin.note, MAX_NOTE + 50))))
    blocks += [
        actions(*answer_buttons(checkin, ok=True)),
        context(strings.PROMPT_GRACE.format(grace=grace_minutes)),
    ]
    return Message(strings.PROMPT_FALLBACK, blocks)


def answer_buttons(checkin: Checkin, *, ok: bool) -> list[Block]:
    """I'm OK (on the prompt only), Add 30 minutes, I need help now."""
    buttons = [
        button(strings.EXTEND_BUTTON.format(minutes=EXTEND_MINUTES), ids.EXTEND, checkin.id),
        button(strings.HELP_BUTTON, ids.HELP, checkin.id, "danger"),
    ]
    if ok:
        buttons.insert(0, button(strings.OK_BUTTON, ids.OK, checkin.id, "primary"))
    return buttons


def reply(outcome: Outcome, number: str, grace_minutes: float) -> Message:
    """What to tell the worker whose command or click led to `outcome`."""
    checkin = outcome.checkin
    if outcome.result is Result.STARTED:
        assert checkin is not None
        return started(checkin, outcome.replaced, grace_minutes)
    if outcome.result is Result.INVALID:
        return notice(outcome.reason)
    if outcome.result is Result.DONE:
        assert checkin is not None
        return notice(_done(outcome.move, checkin, number))
    if outcome.result is Result.NOT_YET:
        assert checkin is not None
        return notice(strings.NOT_YET.format(due=slack_date(checkin.due_at)))
    return notice(
        {
            Result.OVER: strings.ALREADY_OVER,
            Result.ALREADY_ALERTED: strings.ALREADY_ALERTED.format(number=number),
            Result.LATE_OK: strings.LATE_OK,
            Result.NOT_YOURS: strings.NOT_YOURS,
            Result.GONE: strings.ALREADY_OVER,
            Result.NOTHING_RUNNING: strings.NOTHING_RUNNING,
        }[outcome.result]
    )


def _done(move: Move | None, checkin: Checkin, number: str) -> str:
    if move is Move.EXTEND:
        return strings.EXTENDED.format(due=slack_date(checkin.due_at))
    if move is Move.HELP:
        return strings.HELP_SENT.format(number=number)
    return strings.OK_DONE if move is Move.OK else strings.ENDED


def start_modal() -> dict[str, Any]:
    """The App Home's "Start a check-in" modal: minutes and an optional note."""
    minutes = {
        "type": "input",
        "block_id": ids.MINUTES_BLOCK,
        "label": {"type": "plain_text", "text": strings.MODAL_MINUTES},
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
        "label": {"type": "plain_text", "text": strings.MODAL_NOTE},
        "hint": {"type": "plain_text", "text": strings.MODAL_NOTE_HINT},
        "element": {
            "type": "plain_text_input",
            "action_id": ids.NOTE_INPUT,
            "max_length": MAX_NOTE,
        },
    }
    return modal(
        ids.MODAL_CALLBACK,
        strings.MODAL_TITLE,
        strings.MODAL_SUBMIT,
        strings.MODAL_CLOSE,
        [minutes, note],
    )
