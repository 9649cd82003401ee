"""The bot's own SQLite database (`bot.db`): questions, feedback, escalations, outbox, dedupe,
and who opened App Home.

Kept apart from the index database so rebuilding the index never touches people's records.
WAL mode and a busy timeout let Bolt's listener threads and the delivery worker write at once;
each thread has its own connection, and every multi-row change is one `BEGIN IMMEDIATE`
transaction so no reader-turned-writer can deadlock.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from index.database import ThreadLocalDatabase

DB_NAME = "bot.db"
DAY = 86_400.0
OPEN_STATES = ("open", "claimed")
STARTED, DONE = "started", "done"  # states of a Slack delivery in processed_events
NEW, RESUMED, DUPLICATE = "new", "resumed", "duplicate"  # claim_delivery verdicts
CLOSED_STATES = ("resolved", "cancelled")

Row = dict[str, Any]


def new_id() -> str:
    return uuid.uuid4().hex


class Storage(ThreadLocalDatabase):
    """Thread-safe access to `bot.db`; all times are Unix seconds (float)."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / DB_NAME)
        self._create()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction; takes the write lock up front (sqlite-utils calls nest)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()  # also after a failed COMMIT, so the connection stays usable
            raise

    def _create(self) -> None:
        db = self.db
        db["questions"].create(
            {
                "id": str,
                "user_id": str,
                "channel_id": str,
                "source": str,  # "dm" or "command"
                "text": str,
                "confident": int,
                "urgent": int,
                "citations": str,  # JSON list of "doc > section"
                "created_at": float,
            },
            pk="id",
            if_not_exists=True,
        )
        db["feedback"].create(
            {
                "subject": str,  # "answer" (a question id) or "resolution" (an escalation id)
                "subject_id": str,
                "user_id": str,
                "helpful": int,
                "created_at": float,
            },
            pk=("subject", "subject_id", "user_id"),
            if_not_exists=True,
        )
        db["escalations"].create(
            {
                "id": str,
                "dedupe_key": str,
                "question_id": str,
                "asker": str,
                "question": str,
                "kind": str,  # question / handover / urgent
                "citations": str,
                "state": str,  # open / claimed / resolved / cancelled
                "claimed_by": str,
                "closed_by": str,
                "details": str,  # JSON list of texts the asker added later
                "created_at": float,
                "claimed_at": float,
                "closed_at": float,
                "reminded": int,
                "card_channel": str,
                "card_ts": str,
            },
            pk="id",
            if_not_exists=True,
            not_null={"dedupe_key", "asker", "question", "kind", "state", "created_at"},
            defaults={"reminded": 0, "details": "[]", "citations": "[]"},
        )
        db["escalations"].create_index(["dedupe_key"], unique=True, if_not_exists=True)
        db["escalations"].create_index(["state"], if_not_exists=True)
        db["escalation_events"].create(
            {
                "id": int,
                "escalation_id": str,
                "event": str,
                "actor": str,
                "at": float,
            },
            pk="id",
            if_not_exists=True,
        )
        db["outbox"].create(
            {
                "id": int,
                "escalation_id": str,
                "job": str,  # card / card_update / reminder / claimed / group_dm / resolved
                "created_at": float,
                "attempts": int,
                "attempted_at": float,  # set before each Slack call: a crash leaves it behind
                "next_attempt_at": float,
                "delivered_at": float,
                "last_error": str,
            },
            pk="id",
            if_not_exists=True,
            defaults={"attempts": 0},
        )
        db["outbox"].create_index(["delivered_at", "next_attempt_at"], if_not_exists=True)
        db["processed_events"].create({"key": str, "at": float}, pk="key", if_not_exists=True)
        columns = db["processed_events"].columns_dict
        if "state" not in columns:  # databases from before deliveries had a state
            db["processed_events"].add_column("state", str, not_null_default=DONE)
        if "owner" not in columns:
            db["processed_events"].add_column("owner", str, not_null_default="")
        if "body" not in columns:  # the delivery itself, kept only while it is `started`
            db["processed_events"].add_column("body", str)
        if "replays" not in columns:
            db["processed_events"].add_column("replays", int, not_null_default=0)
        # Who has an App Home view to keep current (a new table: older databases just gain it).
        db["home_views"].create(
            {"user_id": str, "opened_at": float}, pk="user_id", if_not_exists=True
        )

    # --- dedupe ---------------------------------------------------------------------------
    def first_time(self, key: str) -> bool:
        """True exactly once per key, across threads and restarts (Slack retries, replays)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO processed_events (key, at, state, owner) VALUES (?, ?, ?, '')",
            [key, time.time(), DONE],
        )
        return cursor.rowcount == 1

    def claim_delivery(self, key: str, owner: str, now: float, body: str | None = None) -> str:
        """Claim one Slack delivery for handling by process run `owner`.

        NEW: first sight; handle it. RESUMED: a previous run started it and died before
        finishing (its owner differs and the state is still `started`); handle it again.
        DUPLICATE: done already, or being handled by this run right now; skip it.
        One bot process per `bot.db` is assumed, so another run's unfinished key is a dead one.
        `body` (the delivery as JSON) is kept until it is done, for `unfinished_deliveries`.
        """
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO processed_events (key, at, state, owner, body) "
                "VALUES (?, ?, ?, ?, ?)",
                [key, now, STARTED, owner, body],
            ).rowcount
            if inserted:
                return NEW
            taken = db.execute(
                "UPDATE processed_events SET owner = ?, at = ? "
                "WHERE key = ? AND state = ? AND owner != ?",
                [owner, now, key, STARTED, owner],
            ).rowcount
            return RESUMED if taken else DUPLICATE

    def finish_delivery(self, key: str) -> None:
        """The listener for this delivery has finished (answered, or apologised)."""
        self.db.execute(
            "UPDATE processed_events SET state = ?, body = NULL WHERE key = ?", [DONE, key]
        )

    def unfinished_deliveries(self, owner: str, since: float, max_replays: int) -> list[str]:
        """Bodies of deliveries another (dead) run started after `since` and never finished,
        each at most `max_replays` times (a delivery that kills the process is not retried
        forever). Counts this replay."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT key, body FROM processed_events WHERE state = ? AND owner != ? "
                "AND body IS NOT NULL AND at >= ? AND replays < ? ORDER BY at",
                [STARTED, owner, since, max_replays],
            ).fetchall()
            for key, _ in rows:
                db.execute("UPDATE processed_events SET replays = replays + 1 WHERE key = ?", [key])
        return [body for _, body in rows]

    def delivery_state(self, key: str) -> str | None:
        row = self.db.execute("SELECT state FROM processed_events WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    # --- App Home ---------------------------------------------------------------------------
    def record_home_opened(self, user_id: str, now: float) -> None:
        """`user_id` opened their Home tab: from now on it has a view worth refreshing."""
        self.db["home_views"].upsert({"user_id": user_id, "opened_at": now}, pk="user_id")

    def home_viewers(self, since: float) -> set[str]:
        """Users who opened their Home tab at or after `since`."""
        rows = self.db.execute("SELECT user_id FROM home_views WHERE opened_at >= ?", [since])
        return {r[0] for r in rows.fetchall()}

    # --- questions and feedback -----------------------------------------------------------
    def record_question(self, user_id: str, channel_id: str, source: str, text: str) -> str:
        """Store the question before answering, so a failure still leaves a record."""
        question_id = new_id()
        self.db["questions"].insert(
            {
                "id": question_id,
                "user_id": user_id,
                "channel_id": channel_id,
                "source": source,
                "text": text,
                "created_at": time.time(),
            }
        )
        return question_id

    def record_answer(
        self, question_id: str, *, confident: bool, urgent: bool, citations: Sequence[str]
    ) -> None:
        self.db["questions"].update(
            question_id,
            {
                "confident": int(confident),
                "urgent": int(urgent),
                "citations": json.dumps(citations),
            },
        )

    def question(self, question_id: str) -> Row | None:
        return _one(self.db, "SELECT * FROM questions WHERE id = ?", [question_id])

    def record_feedback(self, subject: str, subject_id: str, user_id: str, helpful: bool) -> None:
        """One vote per person and subject; a second click changes the vote, never adds one."""
        self.db["feedback"].upsert(
            {
                "subject": subject,
                "subject_id": subject_id,
                "user_id": user_id,
                "helpful": int(helpful),
                "created_at": time.time(),
            },
            pk=("subject", "subject_id", "user_id"),
        )

    # --- escalations ----------------------------------------------------------------------
    def create_escalation(
        self,
        *,
        dedupe_key: str,
        question_id: str,
        asker: str,
        question: str,
        kind: str,
        citations: Sequence[str],
    ) -> tuple[Row, bool]:
        """The escalation and its card delivery, committed together before any Slack call.

        Returns (escalation, created); a repeated `dedupe_key` returns the existing one.
        """
        now = time.time()
        with self.transaction() as db:
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
                    "kind": kind,
                    "citations": json.dumps(list(citations)),
                    "state": "open",
                    "details": "[]",
                    "created_at": now,
                    "reminded": 0,
                }
            )
            _event(db, escalation_id, "created", asker, now)
            _enqueue(db, escalation_id, ["card"], now)
            row = _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])
        assert row is not None
        return row, True

    def escalation(self, escalation_id: str) -> Row | None:
        return _one(self.db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])

    def open_escalation_for(self, question_id: str) -> Row | None:
        """An open or claimed escalation already raised about this question, if any."""
        return _one(
            self.db,
            "SELECT * FROM escalations WHERE question_id = ? AND state IN ('open', 'claimed') "
            "ORDER BY created_at LIMIT 1",
            [question_id],
        )

    def open_escalation_like(self, asker: str, question: str, kind: str) -> Row | None:
        """An open or claimed escalation of this kind by this asker about the same text."""
        return _one(
            self.db,
            "SELECT * FROM escalations WHERE asker = ? AND kind = ? AND question = ? "
            "AND state IN ('open', 'claimed') ORDER BY created_at LIMIT 1",
            [asker, kind, question],
        )

    def transition(
        self,
        escalation_id: str,
        *,
        to: str,
        actor: str,
        allowed_from: Sequence[str],
        jobs: Sequence[str],
    ) -> Row | None:
        """Move to state `to` only from `allowed_from`, atomically, with its event and jobs.

        Returns the updated escalation, or None when the state did not allow it (so a
        repeated or racing click changes nothing).
        """
        now = time.time()
        column = {"claimed": "claimed_by = ?, claimed_at = ?"}.get(
            to, "closed_by = ?, closed_at = ?"
        )
        marks = ",".join("?" * len(allowed_from))
        with self.transaction() as db:
            cursor = db.execute(
                f"UPDATE escalations SET state = ?, {column} WHERE id = ? AND state IN ({marks})",
                [to, actor, now, escalation_id, *allowed_from],
            )
            if cursor.rowcount != 1:
                return None
            _event(db, escalation_id, to, actor, now)
            _enqueue(db, escalation_id, jobs, now)
            return _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])

    def add_details(self, escalation_id: str, actor: str, text: str) -> Row | None:
        """Append the asker's details and queue a card update; None if it is closed."""
        now = time.time()
        with self.transaction() as db:
            row = _one(db, "SELECT * FROM escalations WHERE id = ?", [escalation_id])
            if row is None or row["state"] not in OPEN_STATES:
                return None
            details = [*json.loads(row["details"] or "[]"), text]
            db.execute(
                "UPDATE escalations SET details = ? WHERE id = ?",
                [json.dumps(details), escalation_id],
            )
            _event(db, escalation_id, "details", actor, now)
            _enqueue(db, escalation_id, ["card_update"], now)
            return {**row, "details": json.dumps(details)}

    def set_card(self, escalation_id: str, channel: str, ts: str) -> None:
        self.db.execute(
            "UPDATE escalations SET card_channel = ?, card_ts = ? WHERE id = ?",
            [channel, ts, escalation_id],
        )

    def escalations_of(self, asker: str, limit: int) -> list[Row]:
        return list(
            self.db.query(
                "SELECT * FROM escalations WHERE asker = ? ORDER BY created_at DESC LIMIT ?",
                [asker, limit],
            )
        )

    def queue(self, limit: int) -> list[Row]:
        """Open and claimed escalations, oldest first: the supervisors' work list."""
        return list(
            self.db.query(
                "SELECT * FROM escalations WHERE state IN ('open', 'claimed') "
                "ORDER BY created_at LIMIT ?",
                [limit],
            )
        )

    def queue_reminders(self, now: float, after: float, urgent_after: float) -> list[str]:
        """Mark open escalations past their reminder time as reminded and queue one ping each."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT id FROM escalations WHERE state = 'open' AND reminded = 0 AND "
                "created_at <= ? - CASE kind WHEN 'urgent' THEN ? ELSE ? END",
                [now, urgent_after, after],
            ).fetchall()
            ids = [r[0] for r in rows]
            for escalation_id in ids:
                db.execute("UPDATE escalations SET reminded = 1 WHERE id = ?", [escalation_id])
                _event(db, escalation_id, "reminded", "", now)
                _enqueue(db, escalation_id, ["reminder"], now)
        return ids

    def events(self, escalation_id: str) -> list[Row]:
        return list(
            self.db.query(
                "SELECT * FROM escalation_events WHERE escalation_id = ? ORDER BY id",
                [escalation_id],
            )
        )

    # --- outbox ---------------------------------------------------------------------------
    def due_jobs(self, now: float, limit: int = 20) -> list[Row]:
        """Undelivered jobs that are due, each only once every earlier job of its
        escalation is delivered (a card update never overtakes the card)."""
        return list(
            self.db.query(
                "SELECT * FROM outbox o WHERE delivered_at IS NULL AND "
                "coalesce(next_attempt_at, 0) <= ? AND NOT EXISTS (SELECT 1 FROM outbox p "
                "WHERE p.escalation_id = o.escalation_id AND p.delivered_at IS NULL "
                "AND p.id < o.id) ORDER BY id LIMIT ?",
                [now, limit],
            )
        )

    def pending_jobs(self) -> int:
        return self.db.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[
            0
        ]

    def mark_attempt(self, job_id: int, now: float) -> None:
        """Committed before the Slack call, so after a crash the job knows it may have landed."""
        self.db.execute(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
            [now, job_id],
        )

    def mark_delivered(self, job_id: int, now: float, card: tuple[str, str] | None = None) -> None:
        """The job is done; for a card, its (channel, ts) is recorded in the same commit."""
        with self.transaction() as db:
            db.execute("UPDATE outbox SET delivered_at = ? WHERE id = ?", [now, job_id])
            if card:
                db.execute(
                    "UPDATE escalations SET card_channel = ?, card_ts = ? WHERE id = "
                    "(SELECT escalation_id FROM outbox WHERE id = ?)",
                    [card[0], card[1], job_id],
                )

    def resume_pending(self, now: float) -> int:
        """At startup: every undelivered job is due now, whatever backoff it was in."""
        return self.db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE delivered_at IS NULL", [now]
        ).rowcount

    def reschedule(self, job_id: int, at: float, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            [at, error[:500], job_id],
        )

    # --- retention ------------------------------------------------------------------------
    def purge_older_than(self, days: float) -> dict[str, int]:
        """`purge` with a retention period, as `purge --older-than` and RETENTION_DAYS give it."""
        return self.purge(time.time() - days * DAY)

    def purge(self, cutoff: float) -> dict[str, int]:
        """Delete records older than `cutoff`; open and claimed escalations always stay."""
        with self.transaction() as db:
            closed = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM escalations WHERE state IN ('resolved', 'cancelled') "
                    "AND coalesce(closed_at, created_at) < ?",
                    [cutoff],
                ).fetchall()
            ]
            counts = {"escalations": len(closed)}
            for escalation_id in closed:
                for table in ("escalation_events", "outbox"):
                    db.execute(f"DELETE FROM {table} WHERE escalation_id = ?", [escalation_id])
                db.execute(
                    "DELETE FROM feedback WHERE subject = 'resolution' AND subject_id = ?",
                    [escalation_id],
                )
                db.execute("DELETE FROM escalations WHERE id = ?", [escalation_id])
            counts["feedback"] = db.execute(
                "DELETE FROM feedback WHERE created_at < ?", [cutoff]
            ).rowcount
            counts["questions"] = db.execute(
                "DELETE FROM questions WHERE created_at < ? AND id NOT IN (SELECT question_id "
                "FROM escalations WHERE question_id IS NOT NULL)",
                [cutoff],
            ).rowcount
            db.execute("DELETE FROM processed_events WHERE at < ?", [cutoff])
            db.execute("DELETE FROM home_views WHERE opened_at < ?", [cutoff])
        return counts


def _one(db: sqlite_utils.Database, sql: str, params: Sequence[Any]) -> Row | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def _event(
    db: sqlite_utils.Database, escalation_id: str, event: str, actor: str, at: float
) -> None:
    db.execute(
        "INSERT INTO escalation_events (escalation_id, event, actor, at) VALUES (?, ?, ?, ?)",
        [escalation_id, event, actor, at],
    )


def _enqueue(
    db: sqlite_utils.Database, escalation_id: str, jobs: Sequence[str], now: float
) -> None:
    for job in jobs:
        db.execute(
            "INSERT INTO outbox (escalation_id, job, created_at, next_attempt_at, attempts) "
            "VALUES (?, ?, ?, ?, 0)",
            [escalation_id, job, now, now],
        )
