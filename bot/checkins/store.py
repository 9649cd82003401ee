"""Check-ins in `bot.db`: started, moved through the states of `bot.checkins.states`, listed.

Every change is one transaction that also queues the Slack deliveries it implies and, for a
missed check-in or a call for help, raises the escalation (`bot.escalation.store.insert`), so
a kill at any moment leaves either nothing done or everything queued. Rows leave this module
as `Checkin` records.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import sqlite_utils

from bot.checkins.states import RUNNING, TRANSITIONS, Move, State, guarded_update
from bot.escalation.jobs import Job
from bot.escalation.outbox_store import enqueue
from bot.escalation.states import ACTIVE, Kind, state_in
from bot.escalation.store import Escalation, insert
from bot.storage import Database, new_id

# What a raised escalation queues besides its card: the worker who missed a check-in is told
# supervisors know (a worker who asked for help is told in the reply to the click).
ALERT_JOBS: Mapping[Kind, tuple[Job, ...]] = {
    Kind.MISSED_CHECKIN: (Job.CARD, Job.ALERTED),
    Kind.URGENT: (Job.CARD,),
}


@dataclass(frozen=True)
class Checkin:
    id: str
    user_id: str
    note: str  # never logged; shown to the worker, and to supervisors once missed
    minutes: int
    state: State
    created_at: float
    due_at: float
    prompts: int = 0  # "Are you OK?" messages queued so far
    prompted_at: float | None = None
    closed_at: float | None = None
    escalation_id: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Checkin:
        values = {f.name: row[f.name] for f in fields(cls)}
        return cls(**{**values, "state": State(row["state"]), "prompts": row["prompts"] or 0})


AlertText = Callable[[Checkin, Kind], str]  # what the escalation's card says about it


class CheckinStore:
    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock  # injectable, so tests move time instead of sleeping

    def start(self, user_id: str, minutes: int, note: str) -> tuple[Checkin, Checkin | None]:
        """A new check-in due in `minutes`; one running already is ended in the same commit.
        Returns (the new one, the one it replaced)."""
        now = self.clock()
        with self.database.transaction() as db:
            replaced = self._running(db, user_id)
            if replaced:
                db.execute(*guarded_update(Move.END, replaced.id, now))
            checkin_id = new_id()
            db["checkins"].insert(
                {
                    "id": checkin_id,
                    "user_id": user_id,
                    "note": note,
                    "minutes": minutes,
                    "state": State.ACTIVE.value,
                    "created_at": now,
                    "due_at": now + minutes * 60,
                    "prompts": 0,
                }
            )
            started = _one(db, "SELECT * FROM checkins WHERE id = ?", [checkin_id])
        assert started is not None
        return started, replaced

    def get(self, checkin_id: str) -> Checkin | None:
        return _one(self.database.db, "SELECT * FROM checkins WHERE id = ?", [checkin_id])

    def running_for(self, user_id: str) -> Checkin | None:
        """The user's check-in still running (at most one), if any."""
        return self._running(self.database.db, user_id)

    def move(self, checkin_id: str, move: Move, *, extra: float = 0.0) -> Checkin | None:
        """Make `move` (I'm OK, add `extra` seconds, end) if the check-in's state allows it;
        None when it did not (a late or repeated click changes nothing)."""
        with self.database.transaction() as db:
            sql, params = guarded_update(move, checkin_id, self.clock(), extra=extra)
            if db.execute(sql, params).rowcount != 1:
                return None
            return _one(db, "SELECT * FROM checkins WHERE id = ?", [checkin_id])

    def ask_for_help(self, checkin_id: str, text: AlertText) -> tuple[Escalation, bool] | None:
        """ "I need help now": a running check-in ends and an urgent escalation is raised, in
        one commit. A call for help is never refused: a finished check-in raises one too,
        unless it already has one. Returns (escalation, newly raised), None if it is gone."""
        now = self.clock()
        with self.database.transaction() as db:
            alert = self._alert(db, checkin_id, Move.HELP, now, text)
            if alert:
                return alert[1], True
            checkin = _one(db, "SELECT * FROM checkins WHERE id = ?", [checkin_id])
            if checkin is None:
                return None
            return self._raise(db, checkin, Kind.URGENT, now, text)

    def fire_due(self, now: float) -> list[Checkin]:
        """Every running check-in whose time has come moves to `due` and queues its "Are you
        OK?", in one commit; each at most once however many passes race for it."""
        with self.database.transaction() as db:
            due = _all(
                db,
                "SELECT * FROM checkins WHERE state = ? AND due_at <= ? ORDER BY due_at",
                [State.ACTIVE.value, now],
            )
            fired = []
            for checkin in due:
                sql, params = guarded_update(Move.FIRE, checkin.id, now, when="due_at <= :at")
                if db.execute(sql, params).rowcount != 1:
                    continue
                step = checkin.prompts + 1
                enqueue(db, checkin.id, TRANSITIONS[Move.FIRE].jobs, now, step=step)
                fired.append(_one(db, "SELECT * FROM checkins WHERE id = ?", [checkin.id]))
        return [c for c in fired if c]

    def miss_overdue(
        self, now: float, grace: float, text: AlertText
    ) -> list[tuple[Checkin, Escalation]]:
        """Every check-in asked "Are you OK?" more than `grace` seconds ago without an answer
        is missed: its escalation is raised in the same commit."""
        with self.database.transaction() as db:
            overdue = db.execute(
                "SELECT id FROM checkins WHERE state = ? AND prompted_at <= ?",
                [State.DUE.value, now - grace],
            ).fetchall()
            missed = []
            for (checkin_id,) in overdue:
                when = "prompted_at <= :at - :grace"
                alert = self._alert(db, checkin_id, Move.MISS, now, text, when=when, grace=grace)
                if alert:
                    missed.append(alert)
        return missed

    def overdue(self, limit: int) -> list[Checkin]:
        """What supervisors should see: check-ins waiting for their answer, and missed ones
        whose escalation nobody has closed yet; the longest overdue first."""
        condition, states = state_in(ACTIVE)
        return _all(
            self.database.db,
            "SELECT c.* FROM checkins c LEFT JOIN escalations e ON e.id = c.escalation_id "
            f"WHERE c.state = ? OR (c.state = ? AND e.{condition}) ORDER BY c.due_at LIMIT ?",
            [State.DUE.value, State.MISSED.value, *states, limit],
        )

    def count_by_state(self) -> dict[State, int]:
        rows = self.database.db.execute("SELECT state, count(*) FROM checkins GROUP BY state")
        return {State(state): n for state, n in rows.fetchall()}

    # --- inside a transaction -------------------------------------------------------------
    def _alert(
        self,
        db: sqlite_utils.Database,
        checkin_id: str,
        move: Move,
        now: float,
        text: AlertText,
        *,
        when: str = "",
        **values: float,
    ) -> tuple[Checkin, Escalation] | None:
        """Make `move` and raise the escalation it calls for, in the caller's transaction."""
        sql, params = guarded_update(move, checkin_id, now, when=when, **values)
        if db.execute(sql, params).rowcount != 1:
            return None
        checkin = _one(db, "SELECT * FROM checkins WHERE id = ?", [checkin_id])
        kind = TRANSITIONS[move].raises
        assert checkin is not None and kind is not None
        escalation, _ = self._raise(db, checkin, kind, now, text)
        return replace(checkin, escalation_id=escalation.id), escalation

    @staticmethod
    def _raise(
        db: sqlite_utils.Database, checkin: Checkin, kind: Kind, now: float, text: AlertText
    ) -> tuple[Escalation, bool]:
        """The check-in's escalation (one per check-in), linked to it."""
        escalation, created = insert(
            db,
            now,
            dedupe_key=f"checkin:{checkin.id}",
            question_id="",
            asker=checkin.user_id,
            question=text(checkin, kind),
            kind=kind,
            citations=(),
            jobs=ALERT_JOBS[kind],
        )
        db.execute(
            "UPDATE checkins SET escalation_id = ? WHERE id = ?", [escalation.id, checkin.id]
        )
        return escalation, created

    @staticmethod
    def _running(db: sqlite_utils.Database, user_id: str) -> Checkin | None:
        condition, states = state_in(RUNNING)
        return _one(
            db,
            f"SELECT * FROM checkins WHERE user_id = ? AND {condition} "
            "ORDER BY created_at DESC LIMIT 1",
            [user_id, *states],
        )


def _one(db: sqlite_utils.Database, sql: str, params: Sequence[Any]) -> Checkin | None:
    rows = _all(db, sql, params)
    return rows[0] if rows else None


def _all(db: sqlite_utils.Database, sql: str, params: Sequence[Any]) -> list[Checkin]:
    return [Checkin.from_row(row) for row in db.query(sql, params)]
