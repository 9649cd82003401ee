"""The check-in service without Slack: who may answer, what a late or stale answer comes to,
and that the supervisors hear of a worker who answers after all."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.asking.store import QuestionStore
from bot.checkins.command import Start
from bot.checkins.service import Checkins, Result
from bot.checkins.states import Move, State
from bot.checkins.store import CheckinStore
from bot.escalation.service import Escalations
from bot.escalation.store import EscalationStore
from bot.storage import Database
from tests.fakes import Clock, FakeSupervisors

GRACE_MINUTES = 10


@pytest.fixture
def clock() -> Clock:
    return Clock(1_700_000_000.0)


@pytest.fixture
def changed() -> list[str]:
    return []


@pytest.fixture
def checkins(tmp_path: Path, clock: Clock, changed: list[str]) -> Checkins:
    database = Database(tmp_path)
    escalations = Escalations(
        EscalationStore(database, clock),
        QuestionStore(database),
        FakeSupervisors(["S1"]),
        lambda: None,
    )
    store = CheckinStore(database, clock)
    return Checkins(store, escalations, lambda: None, changed.append, GRACE_MINUTES)


def miss(checkins: Checkins, clock: Clock, minutes: int) -> None:
    clock.advance(minutes)
    assert checkins.fire_due(clock.now) == 1
    clock.advance(GRACE_MINUTES)
    assert checkins.miss_overdue(clock.now) == 1


def test_only_the_worker_answers_their_checkin(checkins: Checkins, changed: list[str]) -> None:
    started = checkins.start("U1", Start(30, "note"))
    assert started.result is Result.STARTED and changed == ["U1"]
    checkin = started.checkin
    for move in Move:
        if move in (Move.FIRE, Move.MISS):
            continue
        assert checkins.answer(checkin.id, "U2", move).result is Result.NOT_YOURS
    assert checkins.store.get(checkin.id).state is State.ACTIVE
    assert checkins.answer("nope", "U1", Move.OK).result is Result.GONE
    assert checkins.command("U2", "checkin end").result is Result.NOTHING_RUNNING


def test_a_stale_im_ok_on_a_running_checkin_says_when_it_is_due(checkins: Checkins) -> None:
    checkin = checkins.start("U1", Start(30, "")).checkin
    outcome = checkins.answer(checkin.id, "U1", Move.OK)
    assert outcome.result is Result.NOT_YET and outcome.checkin.state is State.ACTIVE


def test_a_late_answer_reaches_the_supervisors_until_they_close_it(
    checkins: Checkins, clock: Clock, changed: list[str]
) -> None:
    checkin = checkins.start("U1", Start(20, "Flat 3")).checkin
    miss(checkins, clock, 20)
    missed = checkins.store.get(checkin.id)
    assert missed.state is State.MISSED and changed.count("U1") == 3  # start, due, missed
    escalation_id = missed.escalation_id
    assert checkins.answer(checkin.id, "U1", Move.OK).result is Result.LATE_OK
    help_again = checkins.answer(checkin.id, "U1", Move.HELP)
    assert help_again.result is Result.ALREADY_ALERTED
    assert checkins.answer(checkin.id, "U1", Move.EXTEND).result is Result.ALREADY_ALERTED
    details = checkins.escalations.store.get(escalation_id).details
    assert details == (
        'Answered the check-in late: "I\'m OK".',
        'Tapped "I need help now" on the check-in.',
    )
    checkins.escalations.resolve(escalation_id, "S1")
    assert checkins.answer(checkin.id, "U1", Move.OK).result is Result.OVER  # nobody to tell


def test_help_raises_one_urgent_escalation_and_is_announced(tmp_path: Path, clock: Clock) -> None:
    shown: list[str] = []  # Escalations' on_change: the App Homes that show it
    database = Database(tmp_path)
    escalations = Escalations(
        EscalationStore(database, clock),
        QuestionStore(database),
        FakeSupervisors(),
        lambda: None,
        lambda escalation: shown.append(escalation.id),
    )
    checkins = Checkins(
        CheckinStore(database, clock), escalations, lambda: None, lambda u: None, 10
    )
    checkin = checkins.start("U1", Start(60, "")).checkin
    assert checkins.answer(checkin.id, "U1", Move.HELP).result is Result.DONE
    assert checkins.answer(checkin.id, "U1", Move.HELP).result is Result.ALREADY_ALERTED
    assert len(shown) == 1 and database.db["escalations"].count == 1
