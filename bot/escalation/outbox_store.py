"""The outbox in `bot.db`: Slack deliveries queued with the change that implies them, and their
attempts, backoff and completion, as `OutboxJob` records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.escalation.jobs import Job
from bot.storage import Database


@dataclass(frozen=True)
class OutboxJob:
    id: int
    escalation_id: str
    job: Job
    created_at: float
    attempts: int = 0
    attempted_at: float | None = None  # committed before each Slack call
    next_attempt_at: float | None = None
    delivered_at: float | None = None
    last_error: str | None = None

    @property
    def ever_attempted(self) -> bool:
        """An earlier attempt may have reached Slack, even if it died before counting."""
        return bool(self.attempts or self.attempted_at)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OutboxJob:
        return cls(
            id=row["id"],
            escalation_id=row["escalation_id"],
            job=Job(row["job"]),
            created_at=row["created_at"],
            attempts=row["attempts"] or 0,
            attempted_at=row["attempted_at"],
            next_attempt_at=row["next_attempt_at"],
            delivered_at=row["delivered_at"],
            last_error=row["last_error"],
        )


def enqueue(db: sqlite_utils.Database, escalation_id: str, jobs: Iterable[Job], now: float) -> None:
    """Queue deliveries inside the caller's transaction, due at once."""
    for job in jobs:
        db.execute(
            "INSERT INTO outbox (escalation_id, job, created_at, next_attempt_at, attempts) "
            "VALUES (?, ?, ?, ?, 0)",
            [escalation_id, job.value, now, now],
        )


class OutboxStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def due(self, now: float, limit: int = 20) -> list[OutboxJob]:
        """Undelivered jobs that are due, each only once every earlier job of its
        escalation is delivered (a card update never overtakes the card)."""
        rows = self.database.db.query(
            "SELECT * FROM outbox o WHERE delivered_at IS NULL AND "
            "coalesce(next_attempt_at, 0) <= ? AND NOT EXISTS (SELECT 1 FROM outbox p "
            "WHERE p.escalation_id = o.escalation_id AND p.delivered_at IS NULL "
            "AND p.id < o.id) ORDER BY id LIMIT ?",
            [now, limit],
        )
        return [OutboxJob.from_row(row) for row in rows]

    def mark_attempt(self, job_id: int, now: float) -> None:
        """Committed before the Slack call, so after a crash the job knows it may have landed."""
        self.database.db.execute(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
            [now, job_id],
        )

    def mark_delivered(self, job_id: int, now: float, card: tuple[str, str] | None = None) -> None:
        """The job is done; for a card, its (channel, ts) is recorded in the same commit."""
        with self.database.transaction() as db:
            db.execute("UPDATE outbox SET delivered_at = ? WHERE id = ?", [now, job_id])
            if card:
                db.execute(
                    "UPDATE escalations SET card_channel = ?, card_ts = ? WHERE id = "
                    "(SELECT escalation_id FROM outbox WHERE id = ?)",
                    [card[0], card[1], job_id],
                )

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
