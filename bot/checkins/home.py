"""Check-ins on the App Home: the worker's own (running, or a button to start one), and for
supervisors everyone's overdue ones. The note shows on the worker's own Home, and on the
supervisors' list only once the check-in was missed. The worker's part is in the Home's
language (the worker's Slack language); the supervisors' list stays in English."""

from __future__ import annotations

from collections.abc import Sequence

from bot.asking.strings import ENGLISH
from bot.checkins import actions as ids
from bot.checkins.command import MAX_NOTE
from bot.checkins.messages import answer_buttons, due, note
from bot.checkins.states import State
from bot.checkins.store import Checkin, CheckinStore
from bot.checkins.strings import strings
from bot.slack.blocks import Block, actions, button, context, header, quote, section, slack_date
from bot.slack.text import safe

OVERDUE_LIMIT = 8  # one block each: the Home stays well under its 100 blocks
OVERDUE_HEADER = "Overdue check-ins ({count})"
OVERDUE_NONE = "No overdue check-ins."
WAITING = "_due, waiting for their answer_"
MISSED = "*missed: supervisors alerted*"


class CheckinPanel:
    """The check-in blocks of someone's Home (`bot.home.refresher` asks for them)."""

    def __init__(self, store: CheckinStore) -> None:
        self.store = store

    def __call__(self, user_id: str, supervisor: bool, language: str = ENGLISH) -> list[Block]:
        blocks = own_panel(self.store.running_for(user_id), language)
        if supervisor:
            blocks += overdue_panel(self.store.overdue(OVERDUE_LIMIT))
        return blocks


def own_panel(running: Checkin | None, language: str = ENGLISH) -> list[Block]:
    words = strings(language)
    blocks: list[Block] = [header(words.home_header)]
    if running is None:
        return [
            *blocks,
            section(words.home_none),
            actions(button(words.start_button, ids.START, "start", "primary")),
        ]
    is_due = running.state is State.DUE
    line = words.home_due if is_due else words.home_running.format(due=due(running, words))
    blocks.append(section(line))
    if running.note:
        blocks.append(section(note(running, words)))
    buttons = answer_buttons(running, ok=is_due, language=language)
    blocks.append(actions(*buttons, button(words.end_button, ids.END, running.id)))
    return blocks


def overdue_panel(overdue: Sequence[Checkin]) -> list[Block]:
    """Supervisor-facing: who is overdue, since when, and for a missed one its note."""
    blocks: list[Block] = [header(OVERDUE_HEADER.format(count=len(overdue)))]
    if not overdue:
        return [*blocks, context(OVERDUE_NONE)]
    for checkin in overdue:
        missed = checkin.state is State.MISSED
        line = (
            f"<@{checkin.user_id}> \u00b7 due {slack_date(checkin.due_at)} \u00b7 "
            f"{MISSED if missed else WAITING}"
        )
        if missed and checkin.note:
            line += "\n" + quote(safe(checkin.note, MAX_NOTE + 50))
        blocks.append(section(line))
    return blocks
