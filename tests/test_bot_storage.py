"""`bot.storage` on a real SQLite file: state transitions, dedupe, outbox order, retention."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from bot.storage import Storage


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return Storage(tmp_path)


def raise_one(storage: Storage, user: str = "U1", kind: str = "question") -> dict:
    question_id = storage.record_question(user, "D1", "dm", "May I accept a watch?")
    storage.record_answer(question_id, confident=True, urgent=False, citations=["Gifts > Watches"])
    row, created = storage.create_escalation(
        dedupe_key=f"{question_id}:{kind}",
        question_id=question_id,
        asker=user,
        question="May I accept a watch?",
        kind=kind,
        citations=["Gifts > Watches"],
    )
    assert created
    return row


def test_wal_mode_and_busy_timeout(storage: Storage) -> None:
    assert storage.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert storage.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_escalation_is_committed_with_its_card_delivery(storage: Storage) -> None:
    row = raise_one(storage)
    assert row["state"] == "open" and json.loads(row["citations"]) == ["Gifts > Watches"]
    jobs = storage.due_jobs(time.time() + 1)
    assert [(j["escalation_id"], j["job"]) for j in jobs] == [(row["id"], "card")]
    assert [e["event"] for e in storage.events(row["id"])] == ["created"]


def test_same_dedupe_key_returns_the_first_escalation(storage: Storage) -> None:
    row = raise_one(storage)
    again, created = storage.create_escalation(
        dedupe_key=row["dedupe_key"],
        question_id=row["question_id"],
        asker="U1",
        question="x",
        kind="question",
        citations=[],
    )
    assert not created and again["id"] == row["id"]
    assert storage.db["escalations"].count == 1 and storage.db["outbox"].count == 1


def test_claim_happens_once_and_records_who_and_when(storage: Storage) -> None:
    row = raise_one(storage)
    claim = dict(to="claimed", allowed_from=("open",), jobs=("card_update",))
    first = storage.transition(row["id"], actor="S1", **claim)
    assert first and first["state"] == "claimed" and first["claimed_by"] == "S1"
    assert first["claimed_at"] >= row["created_at"]
    assert storage.transition(row["id"], actor="S2", **claim) is None  # racing second click
    assert storage.escalation(row["id"])["claimed_by"] == "S1"
    assert [(e["event"], e["actor"]) for e in storage.events(row["id"])] == [
        ("created", "U1"),
        ("claimed", "S1"),
    ]


def test_resolve_from_claimed_then_nothing_moves(storage: Storage) -> None:
    row = raise_one(storage)
    storage.transition(row["id"], to="claimed", actor="S1", allowed_from=("open",), jobs=())
    done = storage.transition(
        row["id"], to="resolved", actor="S1", allowed_from=("open", "claimed"), jobs=("resolved",)
    )
    assert done and done["state"] == "resolved" and done["closed_by"] == "S1"
    for to in ("claimed", "cancelled", "resolved"):
        assert (
            storage.transition(row["id"], to=to, actor="S1", allowed_from=("open",), jobs=())
            is None
        )


def test_concurrent_claims_have_exactly_one_winner(storage: Storage) -> None:
    row = raise_one(storage)
    winners: list[str] = []
    barrier = threading.Barrier(8)

    def claim(actor: str) -> None:
        barrier.wait()
        if storage.transition(
            row["id"], to="claimed", actor=actor, allowed_from=("open",), jobs=("card_update",)
        ):
            winners.append(actor)

    threads = [threading.Thread(target=claim, args=(f"S{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert [j["job"] for j in storage.db["outbox"].rows].count("card_update") == 1


def test_concurrent_escalations_are_all_kept(storage: Storage) -> None:
    def burst(user: str) -> None:
        for _ in range(15):
            raise_one(storage, user)

    threads = [threading.Thread(target=burst, args=(f"U{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert storage.db["escalations"].count == 90
    assert storage.db["outbox"].count == 90
    assert storage.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_first_time_holds_across_a_restart(tmp_path: Path) -> None:
    assert Storage(tmp_path).first_time("event:Ev1")
    assert not Storage(tmp_path).first_time("event:Ev1")
    assert Storage(tmp_path).first_time("event:Ev2")


def test_later_jobs_wait_for_earlier_ones_of_the_same_escalation(storage: Storage) -> None:
    row = raise_one(storage)
    other = raise_one(storage, "U2")
    storage.transition(
        row["id"], to="claimed", actor="S", allowed_from=("open",), jobs=("card_update",)
    )
    due = storage.due_jobs(time.time() + 1)
    assert [(j["escalation_id"], j["job"]) for j in due] == [
        (row["id"], "card"),
        (other["id"], "card"),
    ]
    storage.mark_delivered(due[0]["id"], time.time())
    assert [j["job"] for j in storage.due_jobs(time.time() + 1)] == ["card", "card_update"]


def test_rescheduled_job_is_not_due_before_its_time(storage: Storage) -> None:
    raise_one(storage)
    job = storage.due_jobs(time.time() + 1)[0]
    storage.mark_attempt(job["id"], time.time())
    storage.reschedule(job["id"], time.time() + 60, "ratelimited")
    assert storage.due_jobs(time.time()) == []
    again = storage.due_jobs(time.time() + 61)[0]
    assert again["attempts"] == 1 and again["attempted_at"] and again["last_error"] == "ratelimited"


def test_reminders_are_queued_once_and_sooner_when_urgent(storage: Storage) -> None:
    plain = raise_one(storage, "U1")
    urgent = raise_one(storage, "U2", kind="urgent")
    now = plain["created_at"]
    assert storage.queue_reminders(now + 120, after=900, urgent_after=60) == [urgent["id"]]
    assert storage.queue_reminders(now + 1000, after=900, urgent_after=60) == [plain["id"]]
    assert storage.queue_reminders(now + 5000, after=900, urgent_after=60) == []
    claimed = raise_one(storage, "U3")
    storage.transition(claimed["id"], to="claimed", actor="S", allowed_from=("open",), jobs=())
    assert storage.queue_reminders(now + 9000, after=900, urgent_after=60) == []


def test_details_append_until_closed(storage: Storage) -> None:
    row = raise_one(storage)
    storage.add_details(row["id"], "U1", "first")
    updated = storage.add_details(row["id"], "U1", "second")
    assert updated and json.loads(updated["details"]) == ["first", "second"]
    storage.transition(row["id"], to="cancelled", actor="U1", allowed_from=("open",), jobs=())
    assert storage.add_details(row["id"], "U1", "third") is None


def test_feedback_is_one_vote_per_person(storage: Storage) -> None:
    storage.record_feedback("answer", "q1", "U1", True)
    storage.record_feedback("answer", "q1", "U1", False)
    storage.record_feedback("answer", "q1", "U2", True)
    votes = {(r["user_id"], r["helpful"]) for r in storage.db["feedback"].rows}
    assert votes == {("U1", 0), ("U2", 1)}


def test_purge_removes_old_closed_records_but_never_open_ones(storage: Storage) -> None:
    kept_open = raise_one(storage, "U1")
    kept_claimed = raise_one(storage, "U2")
    storage.transition(kept_claimed["id"], to="claimed", actor="S", allowed_from=("open",), jobs=())
    gone = raise_one(storage, "U3")
    storage.transition(gone["id"], to="resolved", actor="S", allowed_from=("open",), jobs=())
    storage.record_feedback("resolution", gone["id"], "U3", True)
    storage.record_feedback("answer", gone["question_id"], "U3", True)
    counts = storage.purge(time.time() + 1)
    assert counts == {"escalations": 1, "feedback": 1, "questions": 1}
    assert {r["id"] for r in storage.db["escalations"].rows} == {
        kept_open["id"],
        kept_claimed["id"],
    }
    assert storage.escalation(gone["id"]) is None and storage.events(gone["id"]) == []
    assert storage.question(gone["question_id"]) is None
    assert storage.question(kept_open["question_id"]) is not None
    assert storage.db["feedback"].count == 0


def test_purge_keeps_recent_records(storage: Storage) -> None:
    row = raise_one(storage)
    storage.transition(row["id"], to="resolved", actor="S", allowed_from=("open",), jobs=())
    assert storage.purge(time.time() - 86_400) == {"escalations": 0, "feedback": 0, "questions": 0}
    assert storage.escalation(row["id"]) is not None


def test_home_viewers_are_the_latest_openings_since(storage: Storage) -> None:
    now = time.time()
    storage.record_home_opened("U1", now - 10 * 86_400)
    storage.record_home_opened("U2", now - 10 * 86_400)
    storage.record_home_opened("U2", now)  # opened again: one row, the latest time
    assert storage.home_viewers(now - 7 * 86_400) == {"U2"}
    assert storage.db["home_views"].count == 2
    storage.purge(now - 86_400)  # retention forgets old openings too
    assert storage.home_viewers(0) == {"U2"}


def test_a_database_from_before_home_views_gains_the_table(tmp_path: Path) -> None:
    old = Storage(tmp_path)
    row = raise_one(old)
    old.db["home_views"].drop()
    reopened = Storage(tmp_path)
    assert reopened.home_viewers(0) == set() and reopened.escalation(row["id"]) is not None
    reopened.record_home_opened("U1", time.time())
    assert Storage(tmp_path).home_viewers(0) == {"U1"}
