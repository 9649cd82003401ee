"""`bot.storage` on a real SQLite file: WAL and lock waits, migrations, retention."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind, Move
from bot.escalation.store import EscalationStore
from bot.home.store import HomeStore
from bot.storage import Database, apply_retention, purge
from tests.bot_harness import recorded_events


def raise_one(database: Database, user: str = "U1") -> str:
    """A question and its escalation; returns the escalation's id."""
    question_id = QuestionStore(database).record_question(user, "D1", "dm", "May I take a tip?")
    escalation, _ = EscalationStore(database).create(
        dedupe_key=f"{question_id}:question",
        question_id=question_id,
        asker=user,
        question="May I take a tip?",
        kind=Kind.QUESTION,
        citations=[],
    )
    return escalation.id


def test_wal_mode_and_busy_timeout(tmp_path: Path) -> None:
    database = Database(tmp_path)
    assert database.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_concurrent_escalations_are_all_kept(tmp_path: Path) -> None:
    database = Database(tmp_path)

    def burst(user: str) -> None:
        for _ in range(15):
            raise_one(database, user)

    threads = [threading.Thread(target=burst, args=(f"U{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert database.db["escalations"].count == 90
    assert database.db["outbox"].count == 90
    assert database.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_purge_removes_old_closed_records_but_never_open_ones(tmp_path: Path) -> None:
    database = Database(tmp_path)
    store, questions = EscalationStore(database), QuestionStore(database)
    kept_open = raise_one(database, "U1")
    kept_claimed = raise_one(database, "U2")
    store.move(kept_claimed, Move.CLAIM, "S")
    gone = raise_one(database, "U3")
    store.move(gone, Move.RESOLVE, "S")
    gone_question = store.get(gone).question_id
    questions.record_feedback(Subject.RESOLUTION, gone, "U3", True)
    questions.record_feedback(Subject.ANSWER, gone_question, "U3", True)
    counts = purge(database, time.time() + 1)
    assert counts == {
        "escalations": 1,
        "feedback": 1,
        "questions": 1,
        "guidance suggestions": 0,
        "checkins": 0,
    }
    assert {r["id"] for r in database.db["escalations"].rows} == {kept_open, kept_claimed}
    assert store.get(gone) is None and recorded_events(database, gone) == []
    assert questions.question(gone_question) is None
    assert questions.question(store.get(kept_open).question_id) is not None
    assert database.db["feedback"].count == 0


def test_purge_keeps_recent_records(tmp_path: Path) -> None:
    database = Database(tmp_path)
    escalation_id = raise_one(database)
    EscalationStore(database).move(escalation_id, Move.RESOLVE, "S")
    assert purge(database, time.time() - 86_400) == {
        "escalations": 0,
        "feedback": 0,
        "questions": 0,
        "guidance suggestions": 0,
        "checkins": 0,
    }
    assert EscalationStore(database).get(escalation_id) is not None


def test_retention_purges_once_at_start(tmp_path: Path) -> None:
    database = Database(tmp_path)
    questions = QuestionStore(database)
    question_id = questions.record_question("U1", "D1", "dm", "old question")
    database.db["questions"].update(question_id, {"created_at": time.time() - 40 * 86_400})
    stop = threading.Event()
    stop.set()
    apply_retention(database, 30, stop)
    assert questions.question(question_id) is None


def test_retention_forgets_old_home_openings(tmp_path: Path) -> None:
    database = Database(tmp_path)
    homes = HomeStore(database)
    now = time.time()
    homes.record_opened("U1", now - 10 * 86_400)
    homes.record_opened("U2", now)
    purge(database, now - 86_400)
    assert homes.viewers(0) == {"U2"}


def test_a_database_from_before_home_views_gains_the_table(tmp_path: Path) -> None:
    old = Database(tmp_path)
    escalation_id = raise_one(old)
    old.db["home_views"].drop()
    reopened = Database(tmp_path)
    assert HomeStore(reopened).viewers(0) == set()
    assert EscalationStore(reopened).get(escalation_id) is not None
    HomeStore(reopened).record_opened("U1", time.time())
    assert HomeStore(Database(tmp_path)).viewers(0) == {"U1"}


def test_a_database_from_before_delivery_states_counts_old_keys_as_done(tmp_path: Path) -> None:
    from bot.slack.deliveries import DeliveryStore, Verdict

    legacy = Database(tmp_path)
    legacy.db["processed_events"].drop()
    legacy.db["processed_events"].create({"key": str, "at": float}, pk="key")
    legacy.db["processed_events"].insert({"key": "event:Ev1", "at": time.time()})
    migrated = DeliveryStore(Database(tmp_path))
    assert migrated.claim("event:Ev1", "run-a", time.time()) is Verdict.DUPLICATE


def test_a_database_from_before_escalation_languages_gains_the_column(tmp_path: Path) -> None:
    old = Database(tmp_path)
    escalation_id = raise_one(old)
    old.db["escalations"].transform(drop={"language"})
    assert "language" not in old.db["escalations"].columns_dict
    reopened = Database(tmp_path)
    escalation = EscalationStore(reopened).get(escalation_id)
    assert escalation is not None and escalation.language == ""  # the asker's Slack language
    questions = QuestionStore(reopened)
    question_id = questions.record_question("U2", "D2", "dm", "¿Puedo?", language="es")
    created, _ = EscalationStore(reopened).create(
        dedupe_key=f"{question_id}:question",
        question_id=question_id,
        asker="U2",
        question="¿Puedo?",
        kind=Kind.QUESTION,
        citations=[],
        language="es",
    )
    assert EscalationStore(reopened).get(created.id).language == "es"  # type: ignore[union-attr]
