"""Escalations in `bot.db`: raised, moved through the states of `bot.escalation.states`, listed.

Every change is one transaction that also records an event and queues the Slack deliveries
it implies (`bot.escalation.outbox_store`), so nothing is lost if Slack or the process fails
midway. Rows leave this module as `Escalation` records, never as dicts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import sqlite_utils

from bot.escalation.jobs import Job
from bot.escalation.ladder import Ladder
from bot.escalation.outbox_store import enqueue
from bot.escalation.states import (
    ACTIVE,
    TRANSITIONS,
    URGENT_KINDS,
    WAITING,
    Kind,
    Move,
    State,
    guarded_climb,
    guarded_update,
    state_in,
)
from bot.storage import Database, new_id


class Event(StrEnum):
    """What `escalation_events` records besides moves (a move records its target state, and
    its actor: a claim is the acknowledgement)."""

    CREATED = "created"
    DETAILS = "details"
    REMINDED = "reminded"  # a round of the ladder was taken (detail: which)
    NOTIFIED = "notified"  # a delivery reached Slack (detail: what, which round, where)


@dataclass(frozen=True)
class Escalation:
    id: str
    asker: str
    question: str  # the question's text as asked (or a note, when the bot failed first)
    kind: Kind
    state: State
    created_at: float
    question_id: str = ""  # empty when raised from an apology, with no question on record
    dedupe_key: str = ""
    citations: tuple[str, ...] = ()  # what the bot answered from, "doc > section"
    details: tuple[str, ...] = ()  # what the asker added afterwards
    claimed_by: str | None = None
    claimed_at: float | None = None
    closed_by: str | None = None
    closed_at: float | None = None
    reminders: int = 0  # rounds of the ladder taken so far
    reminded_at: float | None = None
    card_channel: str | None = None  # where its card is, once posted
    card_ts: str | None = None
    advice: str = ""  # what the supervisor who resolved it advised, if they said
    language: str = ""  # its question's language ("en", "es"); "" with no question on record

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Escalation:
        return cls(
            id=row["id"],
            asker=row["asker"],
            question=row["question"],
            kind=Kind(row["kind"]),
            state=State(row["state"]),
            created_at=row["created_at"],
            question_id=row["question_id"] or "",
            dedupe_key=row["dedupe_key"],
            citations=tuple(json.loads(row["citations"] or "[]")),
            details=tuple(json.loads(row["details"] or "[]")),
            claimed_by=row["claimed_by"],
            claimed_at=row["claimed_at"],
            closed_by=row["closed_by"],
            closed_at=row["closed_at"],
            reminders=row["reminded"] or 0,
            reminded_at=row["reminded_at"],
            card_channel=row["card_channel"],
            card_ts=row["card_ts"],
            advice=row.get("advice") or "",
            language=row.get("language") or "",
        )


class EscalationStore:
    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock  # injectable, so tests move time instead of sleeping

    def create(self, **fields: Any) -> tuple[Escalation, bool]:
        """The escalation and its card delivery, committed together before any Slack call;
        `fields` are `insert`'s (dedupe_key, question_id, asker, question, kind, citations,
        language).

        Returns (escalation, created); a repeated `dedupe_key` returns the existing one.
        """
        with self.database.transaction() as db:
            return insert(db, self.clock(), **fields)

    def get(self, escalation_id: str) -> Escalation | None:
        return _one(self.database.db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])

    def active_for_question(self, question_id: str) -> Escalation | None:
        """An escalation still open or claimed that was raised about this question, if any."""
        condition, states = state_in(ACTIVE)
        return _one(
            self.database.db,
            f"SELECT * FROM escalations WHERE question_id = ? AND {condition} "
            "ORDER BY created_at LIMIT 1",
            [question_id, *states],
        )

    def active_like(self, asker: str, question: str, kind: Kind) -> Escalation | None:
        """An escalation still open or claimed of this kind by this asker about the same text."""
        condition, states = state_in(ACTIVE)
        return _one(
            self.database.db,
            f"SELECT * FROM escalations WHERE asker = ? AND kind = ? AND question = ? "
            f"AND {condition} ORDER BY created_at LIMIT 1",
            [asker, kind.value, question, *states],
        )

    def move(
        self, escalation_id: str, move: Move, actor: str, advice: str = ""
    ) -> Escalation | None:
        """Make `move` if the escalation's state allows it, atomically, with its event and
        deliveries (and the `advice` given, if any, which they quote). Returns the moved
        escalation, or None when the state did not allow it (so a repeated or racing click
        changes nothing)."""
        now = self.clock()
        sql, params = guarded_update(move, escalation_id, actor, now)
        with self.database.transaction() as db:
            if db.execute(sql, params).rowcount != 1:
                return None
            if advice:
                db.execute(
                    "UPDATE escalations SET advice = ? WHERE id = ?", [advice, escalation_id]
                )
            moved = _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])
            assert moved is not None
            _event(db, escalation_id, moved.state, actor, now)
            enqueue(db, escalation_id, TRANSITIONS[move].jobs, now)
        return moved

    def add_details(self, escalation_id: str, actor: str, text: str) -> Escalation | None:
        """Append the asker's details and queue a card update; None if it is closed (or gone)."""
        now = self.clock()
        with self.database.transaction() as db:
            current = _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])
            if current is None or current.state not in ACTIVE:
                return None
            details = [*current.details, text]
            db.execute(
                "UPDATE escalations SET details = ? WHERE id = ?",
                [json.dumps(details), escalation_id],
            )
            _event(db, escalation_id, Event.DETAILS, actor, now)
            enqueue(db, escalation_id, [Job.CARD_UPDATE], now)
        return replace(current, details=tuple(details))

    def of_asker(self, asker: str, limit: int) -> list[Escalation]:
        """The asker's own escalations, newest first."""
        return _all(
            self.database.db,
            "SELECT * FROM escalations WHERE asker = ? ORDER BY created_at DESC LIMIT ?",
            [asker, limit],
        )

    def queue(self, limit: int) -> list[Escalation]:
        """Open and claimed escalations, oldest first: the supervisors' work list."""
        condition, states = state_in(ACTIVE)
        return _all(
            self.database.db,
            f"SELECT * FROM escalations WHERE {condition} ORDER BY created_at LIMIT ?",
            [*states, limit],
        )

    def climb(self, now: float, ladder: Ladder) -> list[tuple[str, int]]:
        """Take the next round of the ladder for every escalation still waiting for a
        supervisor whose round is due, with its deliveries; returns (id, round) of each.

        A round is due `ladder.every(kind)` after the previous one (or the escalation), so
        after downtime the ladder goes on from now rather than catching up in a burst.
        Ordinary kinds have one round only.
        """
        waiting, states = state_in(WAITING)
        urgent = ", ".join("?" * len(URGENT_KINDS))
        kinds = [k.value for k in URGENT_KINDS]
        with self.database.transaction() as db:
            rows = db.execute(
                f"SELECT id, kind, reminded FROM escalations WHERE {waiting} "
                f"AND (reminded = 0 OR kind IN ({urgent})) AND coalesce(reminded_at, created_at) "
                f"<= ? - CASE WHEN kind IN ({urgent}) THEN ? ELSE ? END ORDER BY created_at",
                [*states, *kinds, now, *kinds, ladder.urgent_every, ladder.remind_after],
            ).fetchall()
            taken = []
            for escalation_id, kind, reminded in rows:
                step = (reminded or 0) + 1
                if db.execute(*guarded_climb(escalation_id, step, now)).rowcount != 1:
                    continue
                _event(db, escalation_id, Event.REMINDED, "", now, f"round {step}")
                for job, target in ladder.deliveries(Kind(kind), step):
                    enqueue(db, escalation_id, [job], now, target=target, step=step)
                taken.append((escalation_id, step))
        return taken

    # --- for `boundary-bot report` --------------------------------------------------------
    def count_by_state(self) -> dict[State, int]:
        rows = self.database.db.execute("SELECT state, count(*) FROM escalations GROUP BY state")
        return {State(state): n for state, n in rows.fetchall()}

    def raised_since(self, since: float) -> list[Escalation]:
        """Every escalation raised at or after `since`, oldest first."""
        return _all(
            self.database.db,
            "SELECT * FROM escalations WHERE created_at >= ? ORDER BY created_at",
            [since],
        )

    def seconds_to_claim(self) -> list[float]:
        """How long each claimed escalation waited for its supervisor."""
        rows = self.database.db.execute(
            "SELECT claimed_at - created_at FROM escalations WHERE claimed_at NOT NULL"
        )
        return [r[0] for r in rows.fetchall()]

    def acknowledgements(self, kinds: Iterable[Kind] = URGENT_KINDS) -> list[float | None]:
        """For each escalation of these kinds that the asker did not withdraw: seconds until a
        supervisor acknowledged it (claimed it, or resolved it unclaimed), None while nobody
        has."""
        kinds = [k.value for k in kinds]
        rows = self.database.db.execute(
            "SELECT coalesce(claimed_at, CASE state WHEN ? THEN closed_at END) - created_at "
            f"FROM escalations WHERE kind IN ({', '.join('?' * len(kinds))}) AND state != ?",
            [State.RESOLVED.value, *kinds, State.CANCELLED.value],
        )
        return [r[0] for r in rows.fetchall()]


def insert(
    db: sqlite_utils.Database,
    now: float,
    *,
    dedupe_key: str,
    question_id: str,
    asker: str,
    question: str,
    kind: Kind,
    citations: Sequence[str],
    jobs: Sequence[Job] = (Job.CARD,),
    language: str = "",
) -> tuple[Escalation, bool]:
    """Create an escalation with its event and deliveries inside the caller's transaction (so
    another feature can raise one in the same commit as its own change); returns
    (escalation, created), the existing one for a repeated `dedupe_key`. `language` is its
    question's, which the notices to the asker follow ("": the asker's Slack language)."""
    existing = _one(db, "SELECT * FROM escalations WHERE dedupe_key = ?", [dedupe_key])
    if existing:
        return existing, False
    escalation_id = new_id()
    db["escalations"].insert(
        {
            "id": escalation_id,
            "dedupe_key": dedupe_key,
            "question_id": question_id,
            "asker": asker,
            "question": question,
            "kind": kind.value,
            "citations": json.dumps(list(citations)),
            "state": State.OPEN.value,
            "details": "[]",
            "created_at": now,
            "reminded": 0,
            "language": language,
        }
    )
    _event(db, escalation_id, Event.CREATED, asker, now)
    enqueue(db, escalation_id, jobs, now)
    created = _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])
    assert created is not None
    return created, True


def _one(db: sqlite_utils.Database, sql: str, params: Sequence[Any]) -> Escalation | None:
    rows = _all(db, sql, params)
    return rows[0] if rows else None


def _all(db: sqlite_utils.Database, sql: str, params: Sequence[Any]) -> list[Escalation]:
    return [Escalation.from_row(row) for row in db.query(sql, params)]


def _event(
    db: sqlite_utils.Database,
    escalation_id: str,
    event: str,
    actor: str,
    at: float,
    detail: str = "",
) -> None:
    db.execute(
        "INSERT INTO escalation_events (escalation_id, event, actor, at, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        [escalation_id, str(event), actor, at, detail],
    )
