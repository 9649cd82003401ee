"""The escalation service: raise, claim, resolve, cancel, add details; each returns an `Outcome`
saying what happened, which the listeners render (`bot.escalation.messages.reply`).

Every change is one SQLite transaction that also queues the Slack deliveries it implies
(`bot.escalation.outbox` posts them), so nothing here waits on Slack and nothing is lost if
Slack or the process fails midway. Which moves are legal is `bot.escalation.states`'s table:
a repeated or racing click finds the state already moved and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum, auto

from bot.asking.locale import Languages, NoHints, preferred
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind, Move, can
from bot.escalation.store import Escalation, EscalationStore
from bot.escalation.supervisors import Supervisors

log = logging.getLogger(__name__)

NO_QUESTION = "(The bot failed before it could answer; the asker asked to talk to a supervisor.)"


class Request(StrEnum):
    """What someone asked the service to do."""

    ESCALATE = "escalate"
    CLAIM = "claim"
    RESOLVE = "resolve"
    CANCEL = "cancel"
    ADD_DETAILS = "add details"


MOVES = {Request.CLAIM: Move.CLAIM, Request.RESOLVE: Move.RESOLVE, Request.CANCEL: Move.CANCEL}


class Result(Enum):
    RAISED = auto()  # a new escalation
    ALREADY_RAISED = auto()  # the same request is already with the supervisors
    DONE = auto()  # claimed, resolved, cancelled, or details added, as asked
    UNCHANGED = auto()  # its state had already moved on (a repeated or racing click)
    GONE = auto()  # no such escalation (any more)
    QUESTION_GONE = auto()  # no such question on record
    CLOSED = auto()  # details for a request that is closed
    NOT_ASKER = auto()  # only the person who asked may do this
    NOT_SUPERVISOR = auto()  # only a member of the supervisor channel may do this


@dataclass(frozen=True)
class Outcome:
    """What a request came to; `escalation` is the one concerned, as it is now, if known."""

    request: Request
    result: Result
    actor: str
    escalation: Escalation | None = None

    @property
    def changed(self) -> bool:
        return self.result in (Result.RAISED, Result.DONE)


class Escalations:
    def __init__(
        self,
        store: EscalationStore,
        questions: QuestionStore,
        supervisors: Supervisors,
        wake: Callable[[], None],
        on_change: Callable[[Escalation], None] = lambda escalation: None,
        languages: Languages | None = None,
    ) -> None:
        self.store = store
        self.questions = questions
        self.supervisors = supervisors
        self.wake = wake  # nudges the delivery worker so cards go out at once
        self.on_change = on_change  # told of each new state (App Home refresh); must not block
        self.languages = languages or NoHints()  # Slack languages, for escalations of no question

    def language(
        self, escalation: Escalation | str | None, user_id: str, *, cached: bool = False
    ) -> str:
        """The language to tell `user_id` about `escalation` (or its id) in: for its asker, the
        escalation's own (its question's), else their Slack language; for anyone else, theirs.
        English by default. `cached`: without asking Slack (before an ack)."""
        if isinstance(escalation, str):
            escalation = self.store.get(escalation) if escalation else None
        own = escalation.language if escalation and escalation.asker == user_id else ""
        return preferred(own, user_id, self.languages, cached=cached)

    def escalate(self, question_id: str, user_id: str, kind: Kind, origin: str) -> Outcome:
        """Raise an escalation about a question (or, with no question, about `origin`).

        One per question and kind: a second click returns the first. A question already
        escalated as urgent is not raised again as a plain question.
        """

        def outcome(result: Result, escalation: Escalation | None = None) -> Outcome:
            return Outcome(Request.ESCALATE, result, user_id, escalation)

        question = self.questions.question(question_id) if question_id else None
        if question_id and question is None:
            return outcome(Result.QUESTION_GONE)
        if question and question.user_id != user_id:
            return outcome(Result.NOT_ASKER)
        if question and kind == Kind.QUESTION:
            existing = self.store.active_for_question(question_id)
            if existing:
                return outcome(Result.ALREADY_RAISED, existing)
        if question and kind == Kind.URGENT:
            # The same urgent words from the same person while the first is still open: a
            # Slack redelivery handled again after a crash (a new question row), or the person
            # sending it twice. Supervisors already have it; one card is enough.
            existing = self.store.active_like(user_id, question.text, kind)
            if existing:
                return outcome(Result.ALREADY_RAISED, existing)
        escalation, created = self.store.create(
            dedupe_key=f"{question_id or origin}:{kind}",
            question_id=question_id or "",
            asker=user_id,
            question=question.text if question else NO_QUESTION,
            kind=kind,
            citations=question.citations if question else (),
            language=question.language if question else "",
        )
        if not created:
            return outcome(Result.ALREADY_RAISED, escalation)
        log.info("escalation %s raised (%s)", escalation.id, kind)
        self._moved(escalation)
        return outcome(Result.RAISED, escalation)

    def claim(self, escalation_id: str, user_id: str) -> Outcome:
        return self._supervise(Request.CLAIM, escalation_id, user_id)

    def resolve(self, escalation_id: str, user_id: str, advice: str = "") -> Outcome:
        """Resolve it; `advice`, what the supervisor advised, is kept and quoted to the asker."""
        return self._supervise(Request.RESOLVE, escalation_id, user_id, advice)

    def resolvable(self, escalation_id: str, user_id: str) -> Escalation | Outcome:
        """The escalation if `user_id` may resolve it now, else the refusal `resolve` would give:
        asked before the Resolve modal opens (and `resolve` checks again on submission)."""
        if not self.supervisors.is_supervisor(user_id):
            return Outcome(Request.RESOLVE, Result.NOT_SUPERVISOR, user_id)
        escalation = self.store.get(escalation_id)
        if escalation is None:
            return Outcome(Request.RESOLVE, Result.GONE, user_id)
        if not can(Move.RESOLVE, escalation.state):
            return Outcome(Request.RESOLVE, Result.UNCHANGED, user_id, escalation)
        return escalation

    def cancel(self, escalation_id: str, user_id: str) -> Outcome:
        """The asker withdraws their own request while nobody has picked it up yet."""
        if not self._asked_by(escalation_id, user_id):
            return Outcome(Request.CANCEL, Result.NOT_ASKER, user_id)
        return self._move(Request.CANCEL, escalation_id, user_id)

    def add_details(self, escalation_id: str, user_id: str, text: str) -> Outcome:
        if not self._asked_by(escalation_id, user_id):
            return Outcome(Request.ADD_DETAILS, Result.NOT_ASKER, user_id)
        escalation = self.store.add_details(escalation_id, user_id, text)
        if escalation is None:
            return Outcome(Request.ADD_DETAILS, Result.CLOSED, user_id)
        self.wake()  # only the card shows details; App Home does not, so no refresh
        return Outcome(Request.ADD_DETAILS, Result.DONE, user_id, escalation)

    def announce(self, escalation: Escalation) -> None:
        """An escalation another feature raised in its own commit (a missed check-in): deliver
        and show it as one raised here."""
        self._moved(escalation)

    def _supervise(
        self, request: Request, escalation_id: str, user_id: str, advice: str = ""
    ) -> Outcome:
        if not self.supervisors.is_supervisor(user_id):
            log.info(
                "refused %s of escalation %s by non-supervisor %s", request, escalation_id, user_id
            )
            return Outcome(request, Result.NOT_SUPERVISOR, user_id)
        return self._move(request, escalation_id, user_id, advice)

    def _move(
        self, request: Request, escalation_id: str, user_id: str, advice: str = ""
    ) -> Outcome:
        moved = self.store.move(escalation_id, MOVES[request], user_id, advice)
        if moved is None:  # the table did not allow it from the state it is in now
            current = self.store.get(escalation_id)
            result = Result.GONE if current is None else Result.UNCHANGED
            return Outcome(request, result, user_id, current)
        log.info("escalation %s %s", escalation_id, moved.state)
        self._moved(moved)
        return Outcome(request, Result.DONE, user_id, moved)

    def _asked_by(self, escalation_id: str, user_id: str) -> bool:
        escalation = self.store.get(escalation_id)
        return escalation is not None and escalation.asker == user_id

    def _moved(self, escalation: Escalation) -> None:
        """A committed change of state: deliver what it queued, and show it where it is seen."""
        self.wake()
        self.on_change(escalation)
