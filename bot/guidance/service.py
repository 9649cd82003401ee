"""Supervisors' answers become guidance: suggest, review (approve, edit, discard), write from a
gap, retract. Each request returns an outcome the listeners render.

Only supervisors (members of the supervisor channel) review. A suggestion is never published
straight away: it waits in the review queue until a supervisor approves it, after editing the
question so that nothing identifies the asker or the client. Approving writes one Markdown
file to the knowledge folder (`bot.guidance.folder`), which the engine indexes within seconds
like any edit; retracting removes it. File and record change under one lock, and a record
whose status moved meanwhile (another supervisor's click) takes back the file just written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.asking.store import QuestionStore
from bot.escalation.store import Escalation
from bot.escalation.supervisors import Supervisors
from bot.guidance.draft import Draft, Field
from bot.guidance.folder import GuidanceFolder, HandEdited, digest
from bot.guidance.gaps import Gap, Gaps
from bot.guidance.markdown import render
from bot.guidance.status import Status
from bot.guidance.store import Entry, GuidanceStore

log = logging.getLogger(__name__)

PENDING_SHOWN = 5  # in the App Home; the rest wait their turn
APPROVED_SHOWN = 5
GAPS_SHOWN = 6
NOT_SUPERVISOR = (
    "Only supervisors (members of the supervisor channel) can review and write guidance. "
    "Nothing was changed."
)


class Mode(StrEnum):
    """What the review modal does on submit."""

    APPROVE = "approve"  # a suggestion, written to the knowledge
    SAVE = "save"  # a suggestion, edited and still waiting for approval
    EDIT = "edit"  # approved guidance, its file rewritten
    WRITE = "write"  # guidance for a gap, written and approved in one go


@dataclass(frozen=True)
class Review:
    """The review modal to open: for `ref` (an entry's id; a question's for a gap)."""

    mode: Mode
    ref: str
    draft: Draft


@dataclass(frozen=True)
class Done:
    entry: Entry


@dataclass(frozen=True)
class Invalid:
    problems: dict[Field, str]  # shown beside the fields of the modal


@dataclass(frozen=True)
class Refused:
    reason: str  # for the person who clicked


Outcome = Done | Invalid | Refused


@dataclass(frozen=True)
class Overview:
    """The supervisors' part of the App Home."""

    pending: list[Entry]
    pending_total: int
    gaps: list[Gap] | None  # None: the gaps could not be worked out just now
    approved: list[Entry]
    approved_total: int


class Guidance:
    def __init__(
        self,
        store: GuidanceStore,
        folder: GuidanceFolder,
        gaps: Gaps,
        questions: QuestionStore,
        supervisors: Supervisors,
        on_change: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.folder = folder
        self.gaps = gaps
        self.questions = questions
        self.supervisors = supervisors
        self.on_change = on_change  # the review lists changed (App Home refresh); must not block
        self.clock = clock
        self._lock = threading.Lock()

    # --- from the Resolve modal ---------------------------------------------------------------
    def suggest(self, escalation: Escalation, advice: str, by: str) -> Entry:
        """The advice `by` gave on resolving `escalation`, queued for review (never published)."""
        entry = self.store.suggest(
            escalation_id=escalation.id,
            question_ids=[escalation.question_id] if escalation.question_id else [],
            asked=escalation.question,
            advice=advice,
            suggested_by=by,
            now=self.clock(),
        )
        log.info("guidance suggested from escalation %s: %s", escalation.id, entry.id)
        self.on_change()
        return entry

    # --- review -------------------------------------------------------------------------------
    def review(self, mode: Mode, ref: str, user: str) -> Review | Refused:
        """The draft the review modal opens with, or why it cannot open."""
        if not self.supervisors.is_supervisor(user):
            return Refused(NOT_SUPERVISOR)
        if mode is Mode.WRITE:
            gap = self.gaps.cached(ref)
            question = self.questions.question(ref)
            wording = gap.wording if gap else question.text if question else None
            if wording is None:
                return Refused("That question is no longer on record.")
            return Review(mode, ref, Draft(question=wording))
        entry = self._entry(ref, Status.APPROVED if mode is Mode.EDIT else Status.PENDING)
        if isinstance(entry, Refused):
            return entry
        return Review(mode, ref, entry.current)

    def submit(self, mode: Mode, ref: str, user: str, draft: Draft) -> Outcome:
        """Save, approve, rewrite or write what the modal holds."""
        if not self.supervisors.is_supervisor(user):
            return Refused(NOT_SUPERVISOR)
        draft = draft.cleaned()
        problems = draft.problems()
        if problems:
            return Invalid(problems)
        with self._lock:
            try:
                outcome = self._submit(mode, ref, user, draft)
            except OSError as exc:
                log.error("guidance %s (%s) not written: %s", ref, mode, exc)
                return Refused(f"The knowledge folder could not be written ({exc.strerror}).")
        if isinstance(outcome, Done):
            log.info("guidance %s: %s by %s (%s)", outcome.entry.id, mode, user, outcome.entry.path)
            self.on_change()
        return outcome

    def _submit(self, mode: Mode, ref: str, user: str, draft: Draft) -> Outcome:
        now = self.clock()
        text = render(draft, date.fromtimestamp(now))
        if mode is Mode.WRITE:
            gap = self.gaps.cached(ref)
            path = self.folder.create(draft.title, text)
            return Done(
                self.store.add_approved(
                    draft,
                    question_ids=gap.question_ids if gap else (ref,),
                    by=user,
                    path=path,
                    digest=digest(text),
                    now=now,
                )
            )
        expected = Status.APPROVED if mode is Mode.EDIT else Status.PENDING
        entry = self._entry(ref, expected)
        if isinstance(entry, Refused):
            return entry
        if mode is Mode.SAVE:
            saved = self.store.save_draft(ref, draft, expected)
            return self._current(ref) if saved else self._moved_on(ref)
        if mode is Mode.EDIT:
            try:
                self.folder.rewrite(entry.path, text, entry.digest)
            except (HandEdited, FileNotFoundError):
                return Refused(f"{entry.path} was changed or removed by hand: edit that file.")
            self.store.rewrite(ref, draft, by=user, digest=digest(text), now=now)
            return self._current(ref)
        path = self.folder.create(draft.title, text)
        if not self.store.approve(ref, draft, by=user, path=path, digest=digest(text), now=now):
            self.folder.remove(path, digest(text))  # someone else got there first
            return self._moved_on(ref)
        return self._current(ref)

    def discard(self, entry_id: str, user: str) -> Outcome:
        """Turn a suggestion down: it is never published, and its question is a gap again."""
        return self._close(entry_id, user, Status.PENDING, Status.DISCARDED)

    def retract(self, entry_id: str, user: str) -> Outcome:
        """Take approved guidance out of the knowledge: its file goes, so the bot stops using it
        within seconds."""
        return self._close(entry_id, user, Status.APPROVED, Status.RETRACTED)

    def _close(self, entry_id: str, user: str, expected: Status, status: Status) -> Outcome:
        if not self.supervisors.is_supervisor(user):
            return Refused(NOT_SUPERVISOR)
        with self._lock:
            entry = self._entry(entry_id, expected)
            if isinstance(entry, Refused):
                return entry
            if entry.path:
                try:
                    self.folder.remove(entry.path, entry.digest)
                except HandEdited:
                    return Refused(
                        f"{entry.path} in the knowledge folder was changed by hand since it was "
                        "approved, so the bot leaves it alone: remove the file yourself, then "
                        "Retract here."
                    )
            self.store.close(entry_id, expected, status, by=user, now=self.clock())
        log.info("guidance %s %s by %s", entry_id, status, user)
        self.on_change()
        return self._current(entry_id)

    # --- the App Home -------------------------------------------------------------------------
    def overview(self) -> Overview:
        try:
            gaps: list[Gap] | None = self.gaps.groups()[:GAPS_SHOWN]
        except Exception:  # the engine failed: the rest of the Home still shows
            log.exception("the gaps could not be grouped")
            gaps = None
        return Overview(
            pending=self.store.listed(Status.PENDING, PENDING_SHOWN),
            pending_total=self.store.count(Status.PENDING),
            gaps=gaps,
            approved=self.store.listed(Status.APPROVED, APPROVED_SHOWN),
            approved_total=self.store.count(Status.APPROVED),
        )

    # --- helpers ------------------------------------------------------------------------------
    def _entry(self, entry_id: str, expected: Status) -> Entry | Refused:
        entry = self.store.get(entry_id)
        if entry is None:
            return Refused("That guidance is no longer on record.")
        if entry.status is not expected:
            return Refused(_already(entry))
        return entry

    def _current(self, entry_id: str) -> Done:
        entry = self.store.get(entry_id)
        assert entry is not None
        return Done(entry)

    def _moved_on(self, entry_id: str) -> Refused:
        entry = self.store.get(entry_id)
        return Refused(_already(entry) if entry else "That guidance is no longer on record.")


def _already(entry: Entry) -> str:
    return f"That guidance was already {entry.status}."
