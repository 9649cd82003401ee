"""The bot's own SQLite database (`bot.db`): its schema, its migrations and retention.

Each feature keeps its queries with itself (`bot.asking.store`, `bot.escalation.store`, ...)
and decodes rows into typed records there; this module only owns the file and the tables.

Kept apart from the index database so rebuilding the index never touches people's records.
WAL mode and a busy timeout let Bolt's listener threads and the delivery worker write at once;
each thread has its own connection, and every multi-row change is one `BEGIN IMMEDIATE`
transaction so no reader-turned-writer can deadlock.

Why not `index.database.ThreadLocalDatabase`, which does the connection part too: `bot/`
reaches `index/` only through `index.Engine` (data flows one way, and `index/` changes on its
own schedule), and the bot's needs differ (write transactions, people's records under
retention). The shared part is a dozen lines, so the bot keeps its own here rather than
coupling the two packages through a third one.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from bot.asking.feedback import Subject
from bot.checkins.states import FINISHED
from bot.escalation.states import CLOSED, state_in
from bot.guidance.status import CLOSED as GUIDANCE_CLOSED
from bot.guidance.status import status_in

log = logging.getLogger(__name__)

DB_NAME = "bot.db"
DAY = 86_400.0
LOCK_WAIT_SECONDS = 30.0  # how long a writer waits for another's lock before "database is locked"


def new_id() -> str:
    """A fresh record id: 32 hex digits, fine in a button value or a block_id."""
    return uuid.uuid4().hex


class Database:
    """`bot.db` under `data_dir`, created and migrated on opening; all times are Unix seconds."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self._local = threading.local()
        self.db.enable_wal()  # a property of the file: set once, kept by every connection
        migrate(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (SQLite connections must not cross threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS))
            db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
            self._local.db = db
        return db

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


# --- schema and migrations -------------------------------------------------------------------
def migrate(db: sqlite_utils.Database) -> None:
    """Create what is missing; older databases gain later columns and tables in place."""
    db["questions"].create(
        {
            "id": str,
            "user_id": str,
            "channel_id": str,
            "source": str,  # "dm", "command" or "help"
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
            "subject": str,  # bot.asking.feedback.Subject: a question's answer, or a resolution
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
            "kind": str,  # bot.escalation.states.Kind
            "citations": str,
            "state": str,  # bot.escalation.states.State
            "claimed_by": str,
            "closed_by": str,
            "details": str,  # JSON list of texts the asker added later
            "created_at": float,
            "claimed_at": float,
            "closed_at": float,
            "reminded": int,  # rounds of the ladder taken (bot.escalation.states.climb)
            "reminded_at": float,  # when the last round was taken
            "card_channel": str,
            "card_ts": str,
        },
        pk="id",
        if_not_exists=True,
        not_null={"dedupe_key", "asker", "question", "kind", "state", "created_at"},
        defaults={"reminded": 0, "details": "[]", "citations": "[]"},
    )
    if "advice" not in db["escalations"].columns_dict:  # what the supervisor advised, on resolving
        db["escalations"].add_column("advice", str)
    if "reminded_at" not in db["escalations"].columns_dict:  # from before the ladder
        db["escalations"].add_column("reminded_at", float)
    if "language" not in db["escalations"].columns_dict:  # its question's; "" with none
        db["escalations"].add_column("language", str, not_null_default="")
    db["escalations"].create_index(["dedupe_key"], unique=True, if_not_exists=True)
    db["escalations"].create_index(["state"], if_not_exists=True)
    db["escalation_events"].create(
        {
            "id": int,
            "escalation_id": str,
            "event": str,
            "actor": str,
            "at": float,
            "detail": str,  # what was sent where, for a notification
        },
        pk="id",
        if_not_exists=True,
    )
    if "detail" not in db["escalation_events"].columns_dict:
        db["escalation_events"].add_column("detail", str, not_null_default="")
    db["outbox"].create(
        {
            "id": int,
            "escalation_id": str,  # the subject: an escalation, or a check-in for its jobs
            "job": str,  # bot.escalation.jobs.Job or bot.checkins.jobs.CheckinJob
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
    outbox = db["outbox"].columns_dict
    if "target" not in outbox:  # a channel or user beside the usual one; its own delivery order
        db["outbox"].add_column("target", str, not_null_default="")
    if "step" not in outbox:  # the ladder's round, or the check-in's prompt number
        db["outbox"].add_column("step", int, not_null_default=0)
    if "channel" not in outbox:  # where the job posted, once delivered
        db["outbox"].add_column("channel", str)
    if "ts" not in outbox:
        db["outbox"].add_column("ts", str)
    db["outbox"].create_index(["delivered_at", "next_attempt_at"], if_not_exists=True)
    db["processed_events"].create({"key": str, "at": float}, pk="key", if_not_exists=True)
    columns = db["processed_events"].columns_dict
    if "state" not in columns:  # from before deliveries had a state: all were DeliveryState.DONE
        db["processed_events"].add_column("state", str, not_null_default="done")
    if "owner" not in columns:
        db["processed_events"].add_column("owner", str, not_null_default="")
    if "body" not in columns:  # the delivery itself, kept only while it is `started`
        db["processed_events"].add_column("body", str)
    if "replays" not in columns:
        db["processed_events"].add_column("replays", int, not_null_default=0)
    if "language" not in db["questions"].columns_dict:  # the answer's language ("en", "es")
        db["questions"].add_column("language", str)
    # Who has an App Home view to keep current (a new table: older databases just gain it).
    db["home_views"].create({"user_id": str, "opened_at": float}, pk="user_id", if_not_exists=True)
    # Supervisors' answers on their way to guidance (bot.guidance.store), and the approved ones.
    db["guidance"].create(
        {
            "id": str,
            "status": str,  # bot.guidance.status.Status
            "escalation_id": str,  # the resolved escalation it was suggested from, if any
            "question_ids": str,  # JSON list: the questions it answers (no longer gaps)
            "asked": str,  # the question as asked: cleared once approved or discarded
            "advice": str,  # the supervisor's advice, as written: cleared likewise
            "suggested_by": str,
            "created_at": float,
            "draft": str,  # JSON of bot.guidance.draft.Draft: what review made of it
            "reviewed_by": str,
            "reviewed_at": float,
            "path": str,  # the approved file, relative to the knowledge folder
            "digest": str,  # sha256 of what was written there (hand edits are kept)
        },
        pk="id",
        if_not_exists=True,
        not_null={"status", "created_at"},
        defaults={"question_ids": "[]", "asked": "", "advice": "", "draft": "{}"},
    )
    db["guidance"].create_index(["status"], if_not_exists=True)
    db["checkins"].create(
        {
            "id": str,
            "user_id": str,
            "note": str,  # shown to the worker, and to supervisors only once it is missed
            "minutes": int,
            "state": str,  # bot.checkins.states.State
            "created_at": float,
            "due_at": float,
            "prompts": int,  # "Are you OK?" messages queued so far
            "prompted_at": float,  # when the last one was queued
            "closed_at": float,
            "escalation_id": str,  # raised when missed or when the worker asked for help
        },
        pk="id",
        if_not_exists=True,
        not_null={"user_id", "note", "state", "created_at", "due_at"},
        defaults={"note": "", "prompts": 0},
    )
    db["checkins"].create_index(["state", "due_at"], if_not_exists=True)
    db["checkins"].create_index(["user_id"], if_not_exists=True)


# --- retention -------------------------------------------------------------------------------
def purge_older_than(database: Database, days: float) -> dict[str, int]:
    """`purge` with a retention period, as `purge --older-than` and RETENTION_DAYS give it."""
    return purge(database, time.time() - days * DAY)


def purge(database: Database, cutoff: float) -> dict[str, int]:
    """Delete records older than `cutoff`; escalations still open or claimed always stay."""
    closed_state, closed_states = state_in(CLOSED)
    with database.transaction() as db:
        closed = [
            r[0]
            for r in db.execute(
                f"SELECT id FROM escalations WHERE {closed_state} "
                "AND coalesce(closed_at, created_at) < ?",
                [*closed_states, cutoff],
            ).fetchall()
        ]
        counts = {"escalations": len(closed)}
        for escalation_id in closed:
            for table in ("escalation_events", "outbox"):
                db.execute(f"DELETE FROM {table} WHERE escalation_id = ?", [escalation_id])
            db.execute(
                "DELETE FROM feedback WHERE subject = ? AND subject_id = ?",
                [Subject.RESOLUTION, escalation_id],
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
        closed_status, closed_statuses = status_in(GUIDANCE_CLOSED)  # discarded or retracted
        counts["guidance suggestions"] = db.execute(
            f"DELETE FROM guidance WHERE {closed_status} AND coalesce(reviewed_at, created_at) < ?",
            [*closed_statuses, cutoff],
        ).rowcount
        counts["checkins"] = _purge_checkins(db, cutoff)
        db.execute("DELETE FROM processed_events WHERE at < ?", [cutoff])
        db.execute("DELETE FROM home_views WHERE opened_at < ?", [cutoff])
    return counts


def _purge_checkins(db: sqlite_utils.Database, cutoff: float) -> int:
    """Finished check-ins (and their notes) older than `cutoff`; running ones always stay."""
    condition, states = state_in(FINISHED)
    rows = db.execute(
        f"SELECT id FROM checkins WHERE {condition} AND coalesce(closed_at, created_at) < ?",
        [*states, cutoff],
    ).fetchall()
    for (checkin_id,) in rows:
        db.execute("DELETE FROM outbox WHERE escalation_id = ?", [checkin_id])
        db.execute("DELETE FROM checkins WHERE id = ?", [checkin_id])
    return len(rows)


def apply_retention(database: Database, days: int, stop: threading.Event) -> None:
    """Apply RETENTION_DAYS at startup and then once a day, until `stop`."""
    while True:
        counts = purge_older_than(database, days)
        log.info("retention: purged %s", counts)
        if stop.wait(DAY):
            return
