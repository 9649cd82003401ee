"""The states' table: what each move allows, and the SQL built from it."""

from __future__ import annotations

from bot.escalation.jobs import Job
from bot.escalation.states import (
    ACTIVE,
    CLOSED,
    TRANSITIONS,
    Move,
    State,
    can,
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
