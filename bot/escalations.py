"""The escalation service: raise, claim, resolve, cancel, add details.

Every change is one SQLite transaction that also queues the Slack deliveries it implies
(`bot.outbox` posts them), so nothing here waits on Slack and nothing is lost if Slack or the
process fails midway. Transitions are conditional updates: a repeated or racing click finds
the state already moved and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot import blocks
from bot.slack.blocks import Message
from bot.storage import Row, Storage
from bot.supervisors import Supervisors

log = logging.getLogger(__name__)

NO_QUESTION = "(The bot failed before it could answer; the asker asked to talk to a supervisor.)"
NOT_SUPERVISOR = (
    "Only supervisors (members of the supervisor channel) can claim or resolve escalations. "
    "Nothing was changed."
)


@dataclass(frozen=True)
class Outcome:
    """What to tell the person who clicked; `changed` is False when nothing moved."""

    changed: bool
    message: Message
    escalation: Row | None = None


class Escalations:
    def __init__(
        self,
        storage: Storage,
        supervisors: Supervisors,
        wake: Callable[[], None],
        on_change: Callable[[Row], None] = lambda row: None,
    ) -> None:
        self.storage = storage
        self.supervisors = supervisors
        self.wake = wake  # nudges the delivery worker so cards go out at once
        self.on_change = on_change  # told of each new state (App Home refresh); must not block

    def _moved(self, row: Row) -> None:
        """A committed change of state: deliver what it queued, and show it where it is seen."""
        self.wake()
        self.on_change(row)

    def escalate(self, question_id: str, user_id: str, kind: str, origin: str) -> Outcome:
        """Raise an escalation about a question (or, with no question, about `origin`).

        One per question and kind: a second click returns the first. A question already
        escalated as urgent is not raised again as a plain question.
        """
        question = self.storage.question(question_id) if question_id else None
        if question_id and question is None:
            return Outcome(False, blocks.notice("That question is no longer on record."))
        if question and question["user_id"] != user_id:
            return Outcome(False, blocks.notice("Only the person who asked can escalate this."))
        if question and kind == "question":
            existing = self.storage.open_escalation_for(question_id)
            if existing:
                return Outcome(False, blocks.escalation_sent(existing), existing)
        if question and kind == "urgent":
            # The same urgent words from the same person while the first is still open: a
            # Slack redelivery handled again after a crash (a new question row), or the person
            # sending it twice. Supervisors already have it; one card is enough.
            existing = self.storage.open_escalation_like(user_id, question["text"], kind)
            if existing:
                return Outcome(False, blocks.escalation_sent(existing), existing)
        row, created = self.storage.create_escalation(
            dedupe_key=f"{question_id or origin}:{kind}",
            question_id=question_id or "",
            asker=user_id,
            question=question["text"] if question else NO_QUESTION,
            kind=kind,
            citations=blocks.citations_of(question) if question else [],
        )
        if created:
            log.info("escalation %s raised (%s)", row["id"], kind)
            self._moved(row)
        return Outcome(created, blocks.escalation_sent(row), row)

    def claim(self, escalation_id: str, user_id: str) -> Outcome:
        if not self.supervisors.is_supervisor(user_id):
            return self._refuse(escalation_id, user_id, "claim")
        row = self.storage.transition(
            escalation_id,
            to="claimed",
            actor=user_id,
            allowed_from=("open",),
            jobs=("card_update", "claimed", "group_dm"),
        )
        if row is None:
            return self._unchanged(escalation_id, user_id)
        log.info("escalation %s claimed", escalation_id)
        self._moved(row)
        return Outcome(
            True,
            blocks.notice(
                f"You've claimed it. I'm telling <@{row['asker']}> and opening a group DM "
                "with the two of you."
            ),
            row,
        )

    def resolve(self, escalation_id: str, user_id: str) -> Outcome:
        if not self.supervisors.is_supervisor(user_id):
            return self._refuse(escalation_id, user_id, "resolve")
        row = self.storage.transition(
            escalation_id,
            to="resolved",
            actor=user_id,
            allowed_from=("open", "claimed"),
            jobs=("card_update", "resolved"),
        )
        if row is None:
            return self._unchanged(escalation_id, user_id)
        log.info("escalation %s resolved", escalation_id)
        self._moved(row)
        return Outcome(True, blocks.notice("Marked as resolved; I've told the asker."), row)

    def cancel(self, escalation_id: str, user_id: str) -> Outcome:
        """The asker withdraws their own request while nobody has picked it up yet."""
        row = self.storage.escalation(escalation_id)
        if row is None or row["asker"] != user_id:
            return Outcome(False, blocks.notice("You can only cancel your own requests."))
        row = self.storage.transition(
            escalation_id,
            to="cancelled",
            actor=user_id,
            allowed_from=("open",),
            jobs=("card_update",),
        )
        if row is None:
            return self._unchanged(escalation_id, user_id)
        self._moved(row)
        return Outcome(
            True, blocks.notice("Cancelled. The supervisors can see you withdrew it."), row
        )

    def add_details(self, escalation_id: str, user_id: str, text: str) -> Outcome:
        row = self.storage.escalation(escalation_id)
        if row is None or row["asker"] != user_id:
            return Outcome(False, blocks.notice("You can only add details to your own requests."))
        row = self.storage.add_details(escalation_id, user_id, text)
        if row is None:
            return Outcome(False, blocks.notice("That request is already closed."))
        self.wake()  # only the card shows details; App Home does not, so no refresh
        return Outcome(True, blocks.notice("Thanks, I've added that for the supervisors."), row)

    def _refuse(self, escalation_id: str, user_id: str, verb: str) -> Outcome:
        log.info("refused %s of escalation %s by non-supervisor %s", verb, escalation_id, user_id)
        return Outcome(False, blocks.notice(NOT_SUPERVISOR))

    def _unchanged(self, escalation_id: str, user_id: str) -> Outcome:
        """Why a click changed nothing, in words for the person who clicked."""
        row = self.storage.escalation(escalation_id)
        if row is None:
            return Outcome(False, blocks.notice("That escalation no longer exists."))
        if row["state"] == "claimed" and row["claimed_by"] == user_id:
            text = "You've already claimed this one."
        elif row["state"] == "claimed":
            text = f"Already claimed by <@{row['claimed_by']}>."
        else:
            text = f"This request is already {row['state']}."
        return Outcome(False, blocks.notice(text), row)
