"""The outbox in `bot.db`: Slack deliveries queued with the change that implies them, and their
attempts, backoff and completion, as `OutboxJob` records.

A job belongs to a subject (an escalation, or a check-in for `bot.checkins.jobs`) and, for the
ladder's backup deliveries, to a target (the backup channel, an on-call person). Jobs of one
subject and target are delivered in the order they were queued; different targets do not wait
for each other, so one unreachable on-call person never holds up the asker's notices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.storage import Database

Posted = tuple[str, str]  # (channel, ts) of a message a job posted


@dataclass(frozen=True)
class OutboxJob:
    id: int
    escalation_id: str  # the subject: an escalation id, or a check-in id for check-in jobs
    job: str  # a bot.escalation.jobs.Job, or another feature's job name
    created_at: float
    attempts: int = 0
    attempted_at: float | None = None  # committed before each Slack call
    next_attempt_at: float | None = None
    delivered_at: float | None = None
    last_error: str | None = None
    target: str = ""  # a channel or user other than the job's usual one
    step: int = 0  # the ladder's round, or the check-in's prompt number
    channel: str | None = None  # where it posted, once delivered
    ts: str | None = None

    @property
    def ever_attempted(self) -> bool:
        """An earlier attempt may have reached Slack, even if it died before counting."""
        return bool(self.attempts or self.attempted_at)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OutboxJob:
        return cls(
            id=row["id"],
            escalation_id=row["escalation_id"],
            job=row["job"],
            created_at=row["created_at"],
            attempts=row["attempts"] or 0,
            attempted_at=row["attempted_at"],
            next_attempt_at=row["next_attempt_at"],
            delivered_at=row["delivered_at"],
            last_error=row["last_error"],
            target=row["target"] or "",
            step=row["step"] or 0,
            channel=row["channel"],
            ts=row["ts"],
        )


def enqueue(
    db: sqlite_utils.Database,
    subject_id: str,
    jobs: Iterable[str],
    now: float,
    *,
    target: str = "",
    step: int = 0,
) -> None:
    """Queue deliveries inside the caller's transaction, due at once."""
    for job in jobs:
        db.execute(
            "INSERT INTO outbox (escalation_id, job, created_at, next_attempt_at, attempts, "
            "target, step) VALUES (?, ?, ?, ?, 0, ?, ?)",
            [subject_id, str(job), now, now, target, step],
        )


class OutboxStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def due(self, now: float, limit: int = 20) -> list[OutboxJob]:
        """Undelivered jobs that are due, each only once every earlier job of its subject and
        target is delivered (a card update never overtakes the card)."""
        rows = self.database.db.query(
            "SELECT * FROM outbox o WHERE delivered_at IS NULL AND "
            "coalesce(next_attempt_at, 0) <= ? AND NOT EXISTS (SELECT 1 FROM outbox p "
            "WHERE p.escalation_id = o.escalation_id AND p.target = o.target "
            "AND p.delivered_at IS NULL AND p.id < o.id) ORDER BY id LIMIT ?",
            [now, limit],
        )
        return [OutboxJob.from_row(row) for row in rows]

    def mark_attempt(self, job_id: int, now: float) -> None:
        """Committed before the Slack call, so after a crash the job knows it may have landed."""
        self.database.db.execute(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
            [now, job_id],
        )

    def mark_delivered(
        self,
        job_id: int,
        now: float,
        posted: Posted | None = None,
        *,
        card: bool = False,
        event: tuple[str, str] | None = None,
    ) -> None:
        """The job is done, where it posted recorded in the same commit: on the escalation too
        for its `card`, and with `event` (name, detail) in the escalation's audit trail."""
        with self.database.transaction() as db:
            channel, ts = posted or (None, None)
            db.execute(
                "UPDATE outbox SET delivered_at = ?, channel = ?, ts = ? WHERE id = ?",
                [now, channel, ts, job_id],
            )
            if card and posted:
                db.execute(
                    "UPDATE escalations SET card_channel = ?, card_ts = ? WHERE id = "
                    "(SELECT escalation_id FROM outbox WHERE id = ?)",
                    [channel, ts, job_id],
                )
            if event and posted:
                db.execute(
                    "INSERT INTO escalation_events (escalation_id, event, actor, at, detail) "
                    "SELECT escalation_id, ?, '', ?, ? FROM outbox WHERE id = ?",
                    [event[0], now, event[1], job_id],
                )

    def posted(self, subject_id: str, jobs: Sequence[str]) -> list[OutboxJob]:
        """The delivered jobs of these kinds that posted a message, oldest first."""
        placeholders = ", ".join("?" * len(jobs))
        rows = self.database.db.query(
            f"SELECT * FROM outbox WHERE escalation_id = ? AND job IN ({placeholders}) "
            "AND delivered_at IS NOT NULL AND ts IS NOT NULL ORDER BY id",
            [subject_id, *map(str, jobs)],
        )
        return [OutboxJob.from_row(row) for row in rows]

    def resume_pending(self, now: float) -> int:
        """At startup: every undelivered job is due now, whatever backoff it was in."""
        return self.database.db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE delivered_at IS NULL", [now]
        ).rowcount

    def reschedule(self, job_id: int, at: float, error: str) -> None:
        self.database.db.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            [at, error[:500], job_id],
        )
