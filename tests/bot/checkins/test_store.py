"""`bot.checkins.store` on a real SQLite file, time injected: one running check-in per worker,
each fires at most once however many passes race for it, a missed one or a call for help
raises its escalation in the same commit, and finished ones are purged with their notes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.checkins.alerts import NO_NOTE, alert_text
from bot.checkins.jobs import CheckinJob
from bot.checkins.states import Move, State
from bot.checkins.store import CheckinStore
from bot.escalation.jobs import Job
from bot.escalation.states import Kind
from bot.escalation.states import Move as EscalationMove
from bot.escalation.store import EscalationStore
from bot.storage import Database, purge
from tests.fakes import Clock

GRACE = 600.0


@pytest.fixture
def clock() -> Clock:
    return Clock(1_700_000_000.0)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> CheckinStore:
    return CheckinStore(Database(tmp_path), clock)


def jobs(store: CheckinStore) -> list[tuple[str, str, int]]:
    return [
        (row["escalation_id"], row["job"], row["step"]) for row in store.database.db["outbox"].rows
    ]


def test_a_new_checkin_replaces_the_running_one(store: CheckinStore, clock: Clock) -> None:
    first, replaced = store.start("U1", 90, "Mrs Lee")
    assert replaced is None and first.state is State.ACTIVE
    assert first.due_at == clock.now + 90 * 60 and first.note == "Mrs Lee"
    second, replaced = store.start("U1", 30, "")
    assert replaced == first
    assert store.get(first.id).state is State.ENDED
    assert store.running_for("U1") == second and store.running_for("U2") is None


def test_each_checkin_fires_once_however_many_passes_race(
    store: CheckinStore, clock: Clock
) -> None:
    checkin, _ = store.start("U1", 10, "")
    assert store.fire_due(clock.now + 599) == []
    barrier = threading.Barrier(8)
    fired: list[str] = []

    def run() -> None:
        barrier.wait()
        fired.extend(c.id for c in store.fire_due(clock.now + 600))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fired == [checkin.id]
    assert jobs(store) == [(checkin.id, CheckinJob.PROMPT, 1)]
    due = store.get(checkin.id)
    assert due.state is State.DUE and due.prompts == 1 and due.prompted_at == clock.now + 600


def test_the_answers_the_table_allows(store: CheckinStore, clock: Clock) -> None:
    checkin, _ = store.start("U1", 10, "")
    assert store.move(checkin.id, Move.OK) is None  # not asked yet
    extended = store.move(checkin.id, Move.EXTEND, extra=1800)
    assert extended.due_at == checkin.due_at + 1800  # from the due time, not from now
    clock.advance(minutes=41)
    store.fire_due(clock.now)
    again = store.move(checkin.id, Move.EXTEND, extra=1800)  # when due: from now
    assert again.state is State.ACTIVE and again.due_at == clock.now + 1800
    store.fire_due(clock.now + 1800)
    assert store.get(checkin.id).prompts == 2
    done = store.move(checkin.id, Move.OK)
    assert done.state is State.OK and done.closed_at == clock.now
    for move in (Move.OK, Move.EXTEND, Move.END):
        assert store.move(checkin.id, move, extra=60) is None  # over: nothing moves


def test_a_missed_checkin_raises_its_escalation_in_the_same_commit(
    store: CheckinStore, clock: Clock
) -> None:
    store.start("U1", 10, "12 Oak St <!here>")
    store.start("U2", 10, "")
    store.fire_due(clock.now + 600)
    assert store.miss_overdue(clock.now + 600 + GRACE - 1, GRACE, alert_text) == []
    missed = store.miss_overdue(clock.now + 600 + GRACE, GRACE, alert_text)
    assert len(missed) == 2
    (row, escalation), (_, silent) = sorted(missed, key=lambda m: m[0].user_id)
    assert row.state is State.MISSED and row.escalation_id == escalation.id
    assert escalation.kind is Kind.MISSED_CHECKIN and escalation.asker == "U1"
    assert escalation.question == "12 Oak St <!here>" and silent.question == NO_NOTE
    assert (escalation.id, Job.CARD, 0) in jobs(store)
    assert (escalation.id, Job.ALERTED, 0) in jobs(store)  # the worker is told too
    assert store.miss_overdue(clock.now + 9999, GRACE, alert_text) == []  # once
    assert {c.id for c in store.overdue(10)} == {c.id for c, _ in missed}  # still open


def test_help_always_raises_one_escalation(store: CheckinStore, clock: Clock) -> None:
    running, _ = store.start("U1", 60, "flat 3")
    escalation, created = store.ask_for_help(running.id, alert_text)
    assert created and escalation.kind is Kind.URGENT and "flat 3" in escalation.question
    assert store.get(running.id).state is State.HELP
    assert store.ask_for_help(running.id, alert_text) == (escalation, False)  # not twice
    answered, _ = store.start("U2", 10, "")
    store.fire_due(clock.now + 600)
    store.move(answered.id, Move.OK)
    late, created = store.ask_for_help(answered.id, alert_text)  # after "I'm OK": still raised
    assert created and late.asker == "U2" and store.get(answered.id).state is State.OK
    assert store.ask_for_help("nope", alert_text) is None


def test_overdue_lists_the_waiting_and_the_missed_still_open(
    store: CheckinStore, clock: Clock
) -> None:
    waiting, _ = store.start("U1", 10, "")
    missed, _ = store.start("U2", 5, "")
    settled, _ = store.start("U3", 5, "")
    store.start("U4", 60, "")  # not due yet
    store.fire_due(clock.now + 300)
    store.miss_overdue(clock.now + 300 + GRACE, GRACE, alert_text)
    store.fire_due(clock.now + 600)
    assert [c.id for c in store.overdue(10)] == [missed.id, settled.id, waiting.id]
    escalations = EscalationStore(store.database)
    escalations.move(store.get(settled.id).escalation_id, EscalationMove.RESOLVE, "S")
    assert [c.id for c in store.overdue(10)] == [missed.id, waiting.id]


def test_purge_removes_finished_checkins_and_their_notes(store: CheckinStore, clock: Clock) -> None:
    running, _ = store.start("U1", 60, "kept: running")
    done, _ = store.start("U2", 10, "gone: answered")
    store.fire_due(clock.now + 600)
    store.move(done.id, Move.OK)
    assert purge(store.database, clock.now + 601)["checkins"] == 1
    assert store.get(done.id) is None and store.get(running.id) is not None
    assert all(row["escalation_id"] != done.id for row in store.database.db["outbox"].rows)
    assert "gone: answered" not in str(list(store.database.db["checkins"].rows))
