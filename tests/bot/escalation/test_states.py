"""The states' table: what each move allows, and the SQL built from it."""

from __future__ import annotations

from bot.escalation.jobs import Job
from bot.escalation.states import (
    ACTIVE,
    CLOSED,
    TRANSITIONS,
    URGENT_KINDS,
    WAITING,
    Kind,
    Move,
    State,
    can,
    climb,
    guarded_climb,
    guarded_update,
    state_in,
)


def test_the_table() -> None:
    allowed = {(move, state) for move in Move for state in State if can(move, state)}
    assert allowed == {
        (Move.CLAIM, State.OPEN),
        (Move.RESOLVE, State.OPEN),
        (Move.RESOLVE, State.CLAIMED),
        (Move.CANCEL, State.OPEN),
    }
    assert {move: t.target for move, t in TRANSITIONS.items()} == {
        Move.CLAIM: State.CLAIMED,
        Move.RESOLVE: State.RESOLVED,
        Move.CANCEL: State.CANCELLED,
    }
    assert all(t.jobs[0] is Job.CARD_UPDATE for t in TRANSITIONS.values())  # the card follows


def test_closed_states_are_final() -> None:
    assert set(ACTIVE) | set(CLOSED) == set(State) and not set(ACTIVE) & set(CLOSED)
    assert not any(can(move, state) for move in Move for state in CLOSED)


def test_sql_comes_from_the_table() -> None:
    assert state_in(ACTIVE) == ("state IN (?, ?)", ["open", "claimed"])
    sql, params = guarded_update(Move.RESOLVE, "e1", "S1", 5.0)
    assert sql == (
        "UPDATE escalations SET state = ?, closed_by = ?, closed_at = ? "
        "WHERE id = ? AND state IN (?, ?)"
    )
    assert params == ["resolved", "S1", 5.0, "e1", "open", "claimed"]


def test_the_ladder() -> None:
    assert WAITING == (State.OPEN,) and set(URGENT_KINDS) == {Kind.URGENT, Kind.MISSED_CHECKIN}
    assert [climb(Kind.QUESTION, step, 2) for step in (1, 2, 3)] == [(Job.REMINDER,), (), ()]
    assert [climb(Kind.URGENT, step, 2) for step in (1, 2, 3, 4)] == [
        (Job.REMINDER, Job.STILL_TRYING),
        (Job.REMINDER,),
        (Job.REMINDER, Job.BACKUP),  # after two unanswered reminders
        (Job.REMINDER,),
    ]
    assert climb(Kind.MISSED_CHECKIN, 1, 0) == (Job.REMINDER, Job.STILL_TRYING, Job.BACKUP)
    sql, params = guarded_climb("e1", 3, 5.0)
    assert sql == (
        "UPDATE escalations SET reminded = ?, reminded_at = ? "
        "WHERE id = ? AND reminded = ? AND state IN (?)"
    )
    assert params == [3, 5.0, "e1", 2, "open"]
