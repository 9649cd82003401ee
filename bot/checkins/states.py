"""A visit check-in's states and the one table of moves between them.

As for escalations (`bot.escalation.states`), every move is a conditional UPDATE built from
`TRANSITIONS` (`guarded_update`): a move the table does not allow from the state the row is in
now changes nothing. That is what makes a check-in fire at most once (two passes, or a pass
after a restart, race for one row and only one wins) and what makes a late click harmless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.checkins.jobs import CheckinJob
from bot.escalation.states import Kind


class State(StrEnum):
    ACTIVE = "active"  # running; "Are you OK?" is not due yet
    DUE = "due"  # "Are you OK?" sent; waiting for the answer (the grace period)
    OK = "ok"  # answered "I'm OK"
    ENDED = "ended"  # ended early by the worker (or replaced by a new check-in)
    MISSED = "missed"  # unanswered past the grace period: supervisors alerted
    HELP = "help"  # the worker asked for help: supervisors alerted


# Still running: shown on the worker's App Home, never purged.
RUNNING: tuple[State, ...] = (State.ACTIVE, State.DUE)
FINISHED: tuple[State, ...] = tuple(s for s in State if s not in RUNNING)


class Move(StrEnum):
    FIRE = "fire"  # the due time came: ask "Are you OK?" (the check-in worker)
    OK = "ok"  # "I'm OK"
    EXTEND = "extend"  # "Add 30 minutes"
    END = "end"  # ended early
    MISS = "miss"  # nobody answered within the grace period (the check-in worker)
    HELP = "help"  # "I need help now"


@dataclass(frozen=True)
class Transition:
    sources: tuple[State, ...]  # the states the move is allowed from
    target: State
    sets: str  # what else the UPDATE sets; `:at` is the time of the move
    jobs: tuple[CheckinJob, ...] = ()  # the Slack deliveries it queues, in the same commit
    raises: Kind | None = None  # the escalation it raises, in the same commit


TRANSITIONS: Mapping[Move, Transition] = MappingProxyType(
    {
        Move.FIRE: Transition(
            (State.ACTIVE,),
            State.DUE,
            "prompts = prompts + 1, prompted_at = :at",
            (CheckinJob.PROMPT,),
        ),
        Move.OK: Transition((State.DUE,), State.OK, "closed_at = :at"),
        Move.EXTEND: Transition(RUNNING, State.ACTIVE, "due_at = max(due_at, :at) + :extra"),
        Move.END: Transition(RUNNING, State.ENDED, "closed_at = :at"),
        Move.MISS: Transition(
            (State.DUE,), State.MISSED, "closed_at = :at", (), Kind.MISSED_CHECKIN
        ),
        Move.HELP: Transition(RUNNING, State.HELP, "closed_at = :at", (), Kind.URGENT),
    }
)


def can(move: Move, state: State) -> bool:
    """Whether the table allows `move` from `state` (e.g. whether to offer its button)."""
    return state in TRANSITIONS[move].sources


def guarded_update(
    move: Move, checkin_id: str, at: float, *, when: str = "", **values: float
) -> tuple[str, dict[str, Any]]:
    """The UPDATE making `move`, conditional on the check-in's state allowing it (and on
    `when`, an extra SQL condition such as the due time having come).

    Run inside a transaction: it changes one row when the move is legal and none otherwise.
    """
    transition = TRANSITIONS[move]
    sources = {f"source{i}": state.value for i, state in enumerate(transition.sources)}
    extra = f" AND {when}" if when else ""
    return (
        f"UPDATE checkins SET state = :target, {transition.sets} WHERE id = :id "
        f"AND state IN ({', '.join(':' + name for name in sources)}){extra}",
        {"target": transition.target.value, "id": checkin_id, "at": at, **sources, **values},
    )
