"""The check-in service: start, answer (I'm OK, add 30 minutes, end, I need help now), and the
two timed steps the check-in worker takes (ask when due, alert when unanswered). Each request
returns an `Outcome` that the listeners render (`bot.checkins.messages.reply`).

Changes are committed by the store before anyone is told; the service then wakes the delivery
worker, announces raised escalations (`Escalations.announce`) and refreshes App Homes. Notes
never reach the log: only ids do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto
from typing import Protocol

from bot.asking.locale import Languages, NoHints
from bot.asking.store import QuestionStore
from bot.asking.strings import ENGLISH
from bot.checkins import alerts
from bot.checkins.command import EXTEND_MINUTES, End, Invalid, Start, parse
from bot.checkins.states import Move, State
from bot.checkins.store import Checkin, CheckinStore
from bot.escalation.service import Escalations

log = logging.getLogger(__name__)


class Result(Enum):
    STARTED = auto()  # a new check-in (perhaps replacing the one running)
    DONE = auto()  # answered, extended, ended or help raised, as asked
    OVER = auto()  # the check-in had already finished (a late or repeated click)
    NOT_YET = auto()  # "I'm OK" while the check-in is running and not due (a stale button)
    ALREADY_ALERTED = auto()  # supervisors already have its escalation
    LATE_OK = auto()  # "I'm OK" after it was missed: supervisors were told
    NOT_YOURS = auto()  # only the worker whose check-in it is may answer it
    GONE = auto()  # no such check-in (purged)
    NOTHING_RUNNING = auto()  # "end" with no check-in running
    INVALID = auto()  # bad input; nothing was created


@dataclass(frozen=True)
class Outcome:
    result: Result
    move: Move | None = None  # what was asked; None for a start
    checkin: Checkin | None = None  # as it is now, if known
    replaced: bool = False  # a start that ended the check-in running before
    reason: str = ""  # for INVALID: one line for the worker


class TextLanguage(Protocol):
    """What check-ins need of `index.Engine`: the language of a note, "" when unsure."""

    def language_of(self, text: str) -> str: ...


class WorkerLanguage:
    """The language check-ins speak to a worker in: a note's own, as a question's wins for its
    answer ("checkin 45 casa de la señora López"); else their Slack language (as their App
    Home), else the language of their latest question, else English. `cached`: without asking
    Slack (before an ack or a modal's 3 seconds)."""

    def __init__(
        self,
        languages: Languages,
        questions: QuestionStore | None = None,
        texts: TextLanguage | None = None,
    ) -> None:
        self.languages = languages
        self.questions = questions
        self.texts = texts

    def __call__(self, user_id: str, *, cached: bool = False, note: str = "") -> str:
        own = self.texts.language_of(note) if self.texts and note.strip() else ""
        if own:
            return own
        hint = self.languages.cached(user_id) if cached else self.languages.language(user_id)
        if hint:
            return hint
        latest = self.questions.latest(user_id) if self.questions else None
        return (latest.language if latest else "") or ENGLISH


class Checkins:
    def __init__(
        self,
        store: CheckinStore,
        escalations: Escalations,
        wake: Callable[[], None],
        on_change: Callable[[str], None],
        grace_minutes: float,
        language: WorkerLanguage | None = None,
    ) -> None:
        self.store = store
        self.escalations = escalations
        self.wake = wake  # nudges the delivery worker so "Are you OK?" goes out at once
        self.on_change = on_change  # a user's check-in changed (App Home refresh); no blocking
        self.grace_minutes = grace_minutes
        self.language = language or WorkerLanguage(NoHints())  # the worker's, for replies

    # --- the worker's requests ------------------------------------------------------------
    def command(self, user_id: str, text: str, language: str = ENGLISH) -> Outcome:
        """`/boundary checkin ...` as Slack sent its text; `language`: the worker's, for the
        reason why not."""
        parsed = parse(text, language)
        if isinstance(parsed, Invalid):
            return Outcome(Result.INVALID, reason=parsed.reason)
        if isinstance(parsed, End):
            running = self.store.running_for(user_id)
            if running is None:
                return Outcome(Result.NOTHING_RUNNING, Move.END)
            return self.answer(running.id, user_id, Move.END)
        return self.start(user_id, parsed)

    def start(self, user_id: str, start: Start) -> Outcome:
        checkin, replaced = self.store.start(user_id, start.minutes, start.note)
        log.info("check-in %s started (%d min)", checkin.id, start.minutes)
        self.on_change(user_id)
        return Outcome(Result.STARTED, checkin=checkin, replaced=replaced is not None)

    def answer(self, checkin_id: str, user_id: str, move: Move) -> Outcome:
        """I'm OK, add 30 minutes, end, or I need help now, by the check-in's own worker."""
        checkin = self.store.get(checkin_id)
        if checkin is None:
            return Outcome(Result.GONE, move)
        if checkin.user_id != user_id:
            log.info("refused %s of check-in %s by %s", move, checkin_id, user_id)
            return Outcome(Result.NOT_YOURS, move, checkin)
        if move is Move.HELP:
            return self._help(checkin)
        moved = self.store.move(checkin_id, move, extra=EXTEND_MINUTES * 60)
        if moved is None:
            return self._late(move, self.store.get(checkin_id) or checkin)
        log.info("check-in %s: %s", checkin_id, moved.state)
        self.on_change(user_id)
        return Outcome(Result.DONE, move, moved)

    def _help(self, checkin: Checkin) -> Outcome:
        raised = self.store.ask_for_help(checkin.id, alerts.alert_text)
        if raised is None:
            return Outcome(Result.GONE, Move.HELP)
        escalation, created = raised
        current = self.store.get(checkin.id) or checkin
        if not created:  # it already went up: tell the supervisors they asked for help too
            self.escalations.add_details(escalation.id, checkin.user_id, alerts.HELP_DETAIL)
            return Outcome(Result.ALREADY_ALERTED, Move.HELP, current)
        log.warning("check-in %s: help asked for, escalation %s", checkin.id, escalation.id)
        self.escalations.announce(escalation)
        self.on_change(checkin.user_id)
        return Outcome(Result.DONE, Move.HELP, current)

    def _late(self, move: Move, checkin: Checkin) -> Outcome:
        """A move the check-in's state no longer allows: say why, and if it was missed and
        the worker now says they're OK, tell the supervisors."""
        if checkin.state is State.ACTIVE:
            return Outcome(Result.NOT_YET, move, checkin)
        if checkin.state is not State.MISSED or not checkin.escalation_id:
            return Outcome(Result.OVER, move, checkin)
        if move is not Move.OK:
            return Outcome(Result.ALREADY_ALERTED, move, checkin)
        told = self.escalations.add_details(
            checkin.escalation_id, checkin.user_id, alerts.LATE_OK_DETAIL
        )
        return Outcome(Result.LATE_OK if told.changed else Result.OVER, move, checkin)

    # --- the check-in worker's timed steps ------------------------------------------------
    def fire_due(self, now: float) -> int:
        """Ask "Are you OK?" of every check-in now due; returns how many."""
        fired = self.store.fire_due(now)
        for checkin in fired:
            log.info("check-in %s due: asking", checkin.id)
            self.on_change(checkin.user_id)
        if fired:
            self.wake()
        return len(fired)

    def miss_overdue(self, now: float) -> int:
        """Alert the supervisors of every check-in unanswered past the grace period."""
        missed = self.store.miss_overdue(now, self.grace_minutes * 60, alerts.alert_text)
        for checkin, escalation in missed:
            log.warning("check-in %s missed: escalation %s", checkin.id, escalation.id)
            self.escalations.announce(escalation)
            self.on_change(checkin.user_id)
        return len(missed)
