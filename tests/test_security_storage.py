"""SQLite under load and retention: concurrent listeners (16 threads, plus a second process)
on one bot.db lose and corrupt nothing; `boundary-bot purge --older-than DAYS` deletes what
is past retention and keeps every open or claimed escalation."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.storage import Database
from tests.bot_harness import ROOT, recorded_events, run_cli
from tests.fakes import FakeSupervisors

THREADS, OPS = 16, 50
SHARED = 20  # escalations every thread races to claim
DAY = 86_400.0


SUPERVISORS = FakeSupervisors(prefix="S")  # S..., as the claimers below are named


def escalation_service(database: Database) -> Escalations:
    questions = QuestionStore(database)
    return Escalations(EscalationStore(database), questions, SUPERVISORS, lambda: None)


def workload(data_dir: Path, prefix: str, shared: list[str], errors: list[BaseException]) -> None:
    """16 threads x 50 operations, the mix Bolt's listener threads produce."""
    escalations = escalation_service(Database(data_dir))
    questions = escalations.questions
    barrier = threading.Barrier(THREADS)

    def run(thread: int) -> None:
        try:
            user = f"U{prefix}{thread:02d}"
            order = random.Random(thread).sample(shared, len(shared))
            barrier.wait()
            for op in range(OPS):
                question_id = questions.record_question(
                    user,
                    "D1",
                    "dm",
                    f"{user} question {op}",
                    confident=op % 2 == 0,
                    urgent=False,
                    citations=[f"Doc > {op}"],
                )
                questions.record_feedback(Subject.ANSWER, question_id, user, True)
                questions.record_feedback(Subject.ANSWER, question_id, user, False)  # changed vote
                if op % 5 == 0:
                    outcome = escalations.escalate(question_id, user, Kind.QUESTION, question_id)
                    again = escalations.escalate(question_id, user, Kind.QUESTION, question_id)
                    assert outcome.changed and not again.changed  # a double click
                    if op % 10 == 0:
                        assert escalations.claim(outcome.escalation.id, f"S{prefix}").changed
                if op < len(order):
                    escalations.claim(order[op], f"S{prefix}{thread:02d}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def shared_escalations(database: Database, prefix: str) -> list[str]:
    ids = []
    questions, store = QuestionStore(database), EscalationStore(database)
    for i in range(SHARED):
        question_id = questions.record_question(f"U{prefix}Q", "D1", "dm", f"shared {prefix} {i}")
        escalation, _ = store.create(
            dedupe_key=f"shared-{prefix}-{i}",
            question_id=question_id,
            asker=f"U{prefix}Q",
            question=f"shared {prefix} {i}",
            kind=Kind.QUESTION,
            citations=[],
        )
        ids.append(escalation.id)
    return ids


SECOND_PROCESS = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.test_security_storage import workload
errors = []
workload(Path(sys.argv[2]), "P", json.loads(sys.argv[3]), errors)
print(json.dumps([repr(e) for e in errors]))
"""


def test_concurrent_listeners_and_a_second_process_lose_nothing(tmp_path: Path) -> None:
    database = Database(tmp_path)
    assert database.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    mine, theirs = shared_escalations(database, "T"), shared_escalations(database, "P")

    other = subprocess.Popen(
        [sys.executable, "-c", SECOND_PROCESS, str(ROOT), str(tmp_path), json.dumps(theirs)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[BaseException] = []
    workload(tmp_path, "T", mine, errors)
    out, err = other.communicate(timeout=300)
    assert other.returncode == 0, err
    assert errors == [] and json.loads(out) == []

    db = sqlite3.connect(tmp_path / "bot.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    processes = 2
    per_process = THREADS * OPS
    assert count("SELECT count(*) FROM questions") == processes * (per_process + SHARED)
    assert count("SELECT count(*) FROM questions WHERE confident IS NULL") == processes * SHARED
    assert count("SELECT count(*) FROM feedback") == processes * per_process
    assert count("SELECT count(*) FROM feedback WHERE helpful = 1") == 0  # the last vote won
    own = THREADS * (OPS // 5)
    assert count("SELECT count(*) FROM escalations") == processes * (own + SHARED)
    claimed_own = THREADS * (OPS // 10)
    assert count("SELECT count(*) FROM escalations WHERE state = 'claimed'") == processes * (
        claimed_own + SHARED
    )
    # Every shared escalation was claimed exactly once, by one thread of its own process.
    events = Counter(
        r[0]
        for r in db.execute("SELECT escalation_id FROM escalation_events WHERE event = 'claimed'")
    )
    assert all(events[e] == 1 for e in mine + theirs)
    assert sum(events.values()) == processes * (claimed_own + SHARED)
    jobs = Counter(r[0] for r in db.execute("SELECT job FROM outbox"))
    claims = processes * (claimed_own + SHARED)
    assert jobs == {
        "card": processes * (own + SHARED),
        "card_update": claims,
        "claimed": claims,
        "group_dm": claims,
    }


# --- retention ----------------------------------------------------------------------------
def backdate(database: Database, table: str, row_id: str, days: float, *columns: str) -> None:
    when = time.time() - days * DAY
    sets = ", ".join(f"{c} = ?" for c in columns)
    key = "id" if table != "feedback" else "subject_id"
    database.db.execute(
        f"UPDATE {table} SET {sets} WHERE {key} = ?", [*[when] * len(columns), row_id]
    )


@pytest.fixture
def aged(tmp_path: Path) -> tuple[Escalations, dict[str, str]]:
    """Records of every kind, some past a 30-day retention and some within it."""
    database = Database(tmp_path)
    escalations = escalation_service(database)
    questions = escalations.questions
    ids: dict[str, str] = {}

    def question(name: str, days: float) -> str:
        question_id = questions.record_question(
            "U1", "D1", "dm", f"{name} question", confident=True, urgent=False, citations=["A > B"]
        )
        questions.record_feedback(Subject.ANSWER, question_id, "U1", True)
        backdate(database, "questions", question_id, days, "created_at")
        backdate(database, "feedback", question_id, days, "created_at")
        ids[name] = question_id
        return question_id

    def escalation(name: str, days: float, state: str, closed_days: float | None = None) -> None:
        question_id = question(name, days)
        escalation = escalations.escalate(question_id, "U1", Kind.QUESTION, question_id).escalation
        assert escalation is not None
        if state in ("claimed", "resolved"):
            escalations.claim(escalation.id, "S1")
        if state == "resolved":
            escalations.resolve(escalation.id, "S1")
            questions.record_feedback(Subject.RESOLUTION, escalation.id, "U1", True)
        if state == "cancelled":
            escalations.cancel(escalation.id, "U1")
        backdate(database, "escalations", escalation.id, days, "created_at")
        if closed_days is not None:
            backdate(database, "escalations", escalation.id, closed_days, "closed_at")
            backdate(database, "feedback", escalation.id, closed_days, "created_at")
        ids[f"{name} escalation"] = escalation.id

    question("old", 45)
    question("recent", 5)
    escalation("old resolved", 90, "resolved", closed_days=40)
    escalation("old cancelled", 60, "cancelled", closed_days=31)
    escalation("ancient open", 400, "open")
    escalation("ancient claimed", 400, "claimed")
    escalation("old but closed lately", 90, "resolved", closed_days=5)
    return escalations, ids


def test_purge_older_than_days_through_the_cli(aged, tmp_path: Path) -> None:
    escalations, ids = aged
    questions, store, database = (
        escalations.questions,
        escalations.store,
        escalations.store.database,
    )
    env = {**os.environ, "BOUNDARY_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    result = run_cli("purge", "--older-than", "30", env=env)
    assert result.returncode == 0, result.stderr
    assert "2 escalations" in result.stdout

    gone = ["old", "old resolved", "old cancelled"]
    kept = ["recent", "ancient open", "ancient claimed", "old but closed lately"]
    for name in gone:
        assert questions.question(ids[name]) is None, name
        assert store.get(ids.get(f"{name} escalation", "")) is None, name
    for name in kept:
        assert questions.question(ids[name]) is not None, name
    for name in ("ancient open", "ancient claimed", "old but closed lately"):
        escalation = store.get(ids[f"{name} escalation"])
        assert escalation is not None and recorded_events(database, escalation.id), name
    # Nothing of the purged escalations survives elsewhere: no events, jobs or feedback.
    purged = [ids["old resolved escalation"], ids["old cancelled escalation"]]
    for table, column in (
        ("escalation_events", "escalation_id"),
        ("outbox", "escalation_id"),
        ("feedback", "subject_id"),
    ):
        marks = ",".join("?" * len(purged))
        rows = database.db.execute(
            f"SELECT count(*) FROM {table} WHERE {column} IN ({marks})", purged
        ).fetchone()[0]
        assert rows == 0, table
    votes = {r["subject_id"] for r in database.db["feedback"].rows}
    assert ids["recent"] in votes and ids["old"] not in votes
    # A second run finds nothing more to do.
    again = run_cli("purge", "--older-than", "30", env=env)
    assert again.returncode == 0 and "0 escalations" in again.stdout
