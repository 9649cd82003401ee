"""`bot.escalation.store` and its outbox on a real SQLite file: moves through the states'
table, dedupe, outbox order, reminders, details."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.asking.store import QuestionStore
from bot.escalation.jobs import Job
from bot.escalation.ladder import Ladder
from bot.escalation.outbox_store import OutboxStore
from bot.escalation.states import Kind, Move, State
from bot.escalation.store import Escalation, EscalationStore
from bot.storage import Database
from tests.bot_harness import recorded_events


@pytest.fixture
def database(tmp_path: Path) -> Database:
    return Database(tmp_path)


@pytest.fixture
def store(database: Database) -> EscalationStore:
    return EscalationStore(database)


@pytest.fixture
def outbox(database: Database) -> OutboxStore:
    return OutboxStore(database)


def raise_one(store: EscalationStore, user: str = "U1", kind: Kind = Kind.QUESTION) -> Escalation:
    questions = QuestionStore(store.database)
    question_id = questions.record_question(
        user, "D1", "dm", "May I accept a watch?", confident=True, citations=["Gifts > Watches"]
    )
    escalation, created = store.create(
        dedupe_key=f"{question_id}:{kind}",
        question_id=question_id,
        asker=user,
        question="May I accept a watch?",
        kind=kind,
        citations=["Gifts > Watches"],
    )
    assert created
    return escalation


def test_escalation_is_committed_with_its_card_delivery(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    escalation = raise_one(store)
    assert escalation.state is State.OPEN and escalation.citations == ("Gifts > Watches",)
    jobs = outbox.due(time.time() + 1)
    assert [(j.escalation_id, j.job) for j in jobs] == [(escalation.id, Job.CARD)]
    assert recorded_events(store.database, escalation.id) == [("created", "U1")]


def test_same_dedupe_key_returns_the_first_escalation(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    escalation = raise_one(store)
    again, created = store.create(
        dedupe_key=escalation.dedupe_key,
        question_id=escalation.question_id,
        asker="U1",
        question="x",
        kind=Kind.QUESTION,
        citations=[],
    )
    assert not created and again == escalation
    assert len(outbox.due(time.time() + 1)) == 1


def test_claim_happens_once_and_records_who_and_when(store: EscalationStore) -> None:
    escalation = raise_one(store)
    first = store.move(escalation.id, Move.CLAIM, "S1")
    assert first and first.state is State.CLAIMED and first.claimed_by == "S1"
    assert first.claimed_at and first.claimed_at >= escalation.created_at
    assert store.move(escalation.id, Move.CLAIM, "S2") is None  # racing second click
    assert store.get(escalation.id).claimed_by == "S1"
    assert recorded_events(store.database, escalation.id) == [
        ("created", "U1"),
        ("claimed", "S1"),
    ]


def test_resolve_from_claimed_then_nothing_moves(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    escalation = raise_one(store)
    store.move(escalation.id, Move.CLAIM, "S1")
    done = store.move(escalation.id, Move.RESOLVE, "S1")
    assert done and done.state is State.RESOLVED and done.closed_by == "S1"
    for move in Move:  # the table allows nothing from resolved
        assert store.move(escalation.id, move, "S1") is None
    assert store.get(escalation.id) == done
    jobs = _all_jobs(outbox)
    claimed = [Job.CARD_UPDATE, Job.CLAIMED, Job.GROUP_DM]
    assert jobs == [Job.CARD, *claimed, Job.CARD_UPDATE, Job.RESOLVED]


def test_cancel_only_while_open(store: EscalationStore) -> None:
    escalation = raise_one(store)
    store.move(escalation.id, Move.CLAIM, "S1")
    assert store.move(escalation.id, Move.CANCEL, "U1") is None
    other = raise_one(store, "U2")
    cancelled = store.move(other.id, Move.CANCEL, "U2")
    assert cancelled and cancelled.state is State.CANCELLED and cancelled.closed_by == "U2"


def test_concurrent_claims_have_exactly_one_winner(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    escalation = raise_one(store)
    winners: list[str] = []
    barrier = threading.Barrier(8)

    def claim(actor: str) -> None:
        barrier.wait()
        if store.move(escalation.id, Move.CLAIM, actor):
            winners.append(actor)

    threads = [threading.Thread(target=claim, args=(f"S{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert _all_jobs(outbox).count(Job.CARD_UPDATE) == 1


def test_later_jobs_wait_for_earlier_ones_of_the_same_escalation(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    escalation = raise_one(store)
    other = raise_one(store, "U2")
    store.move(escalation.id, Move.CLAIM, "S")
    due = outbox.due(time.time() + 1)
    assert [(j.escalation_id, j.job) for j in due] == [
        (escalation.id, Job.CARD),
        (other.id, Job.CARD),
    ]
    outbox.mark_delivered(due[0].id, time.time())
    assert [j.job for j in outbox.due(time.time() + 1)] == [Job.CARD, Job.CARD_UPDATE]


def test_rescheduled_job_is_not_due_before_its_time(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    raise_one(store)
    job = outbox.due(time.time() + 1)[0]
    assert not job.ever_attempted
    outbox.mark_attempt(job.id, time.time())
    outbox.reschedule(job.id, time.time() + 60, "ratelimited")
    assert outbox.due(time.time()) == []
    again = outbox.due(time.time() + 61)[0]
    assert again.attempts == 1 and again.ever_attempted and again.last_error == "ratelimited"


LADDER = Ladder(900, 60, backup_after=2, backup_channel="G0BACKUP", oncall=("U0ONCALL",))


def test_ordinary_ones_are_reminded_once_and_urgent_ones_climb(
    store: EscalationStore, outbox: OutboxStore
) -> None:
    plain = raise_one(store, "U1")
    urgent = raise_one(store, "U2", kind=Kind.URGENT)
    now = plain.created_at
    assert store.climb(now + 59, LADDER) == []
    assert store.climb(now + 61, LADDER) == [(urgent.id, 1)]
    assert store.climb(now + 61, LADDER) == []  # each round is taken once
    assert store.climb(now + 120, LADDER) == []  # due a whole period after the last round
    assert store.climb(now + 122, LADDER) == [(urgent.id, 2)]
    assert store.climb(now + 1000, LADDER) == [(plain.id, 1), (urgent.id, 3)]
    assert store.climb(now + 5000, LADDER) == [(urgent.id, 4)]  # the plain one: once only
    assert store.get(urgent.id).reminders == 4
    rounds = [
        (row["job"], row["target"], row["step"])
        for row in outbox.database.db["outbox"].rows
        if row["escalation_id"] == urgent.id and row["step"]
    ]
    assert rounds == [
        (Job.REMINDER, "", 1),
        (Job.STILL_TRYING, "", 1),  # the asker hears nobody has it yet, once
        (Job.REMINDER, "", 2),
        (Job.REMINDER, "", 3),  # after 2 unanswered reminders: the backup, each its own target
        (Job.BACKUP, "G0BACKUP", 3),
        (Job.ONCALL, "U0ONCALL", 3),
        (Job.REMINDER, "", 4),
    ]
    assert recorded_events(store.database, urgent.id).count(("reminded", "")) == 4
    store.move(urgent.id, Move.CLAIM, "S")  # acknowledged: the ladder stops
    assert store.climb(now + 9000, LADDER) == []


def test_racing_passes_take_each_round_once(store: EscalationStore, outbox: OutboxStore) -> None:
    urgent = raise_one(store, kind=Kind.MISSED_CHECKIN)
    barrier = threading.Barrier(6)
    taken: list[tuple[str, int]] = []

    def climb() -> None:
        barrier.wait()
        taken.extend(store.climb(urgent.created_at + 61, LADDER))

    threads = [threading.Thread(target=climb) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert taken == [(urgent.id, 1)]
    assert _all_jobs(outbox).count(Job.REMINDER) == 1


def test_details_append_until_closed(store: EscalationStore) -> None:
    escalation = raise_one(store)
    store.add_details(escalation.id, "U1", "first")
    updated = store.add_details(escalation.id, "U1", "second")
    assert updated and updated.details == ("first", "second")
    assert store.get(escalation.id) == updated
    store.move(escalation.id, Move.CANCEL, "U1")
    assert store.add_details(escalation.id, "U1", "third") is None


def test_the_queue_and_own_requests(store: EscalationStore) -> None:
    first, second, third = (raise_one(store, user) for user in ("U1", "U2", "U1"))
    store.move(second.id, Move.CLAIM, "S")
    store.move(third.id, Move.RESOLVE, "S")
    assert [e.id for e in store.queue(10)] == [first.id, second.id]  # oldest first, open ones
    assert [e.id for e in store.of_asker("U1", 10)] == [third.id, first.id]  # newest first
    assert store.count_by_state() == {State.OPEN: 1, State.CLAIMED: 1, State.RESOLVED: 1}
    assert len(store.seconds_to_claim()) == 1


def _all_jobs(outbox: OutboxStore) -> list[str]:
    """Every job queued, delivered or not, in order (read from the table)."""
    return [row["job"] for row in outbox.database.db["outbox"].rows]
