"""An escalation's states, the one table of moves between them, and the ladder.

Every state, kind and move is an enum here, and `TRANSITIONS` says which move takes which
states to which, and what Slack must then be told. Nothing else compares state strings: the
store runs the conditional UPDATE that `guarded_update` builds from the table, so a move the
table does not allow (a second claim, resolving a cancelled request, a racing click) changes
no row, and SQL filters on states come from `state_in`.

While nobody has claimed an escalation it climbs a ladder, round by round: `climb` says what
each round sends, and `guarded_climb` builds the conditional UPDATE that takes one round, so
two passes racing for the same round queue it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from bot.escalation.jobs import Job


class State(StrEnum):
    OPEN = "open"  # raised, waiting for a supervisor
    CLAIMED = "claimed"  # a supervisor is on it
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # withdrawn by the asker


# A supervisor still has something to do: shown in the queue, open to details, never purged.
ACTIVE: tuple[State, ...] = (State.OPEN, State.CLAIMED)
CLOSED: tuple[State, ...] = tuple(s for s in State if s not in ACTIVE)


class Kind(StrEnum):
    QUESTION = "question"  # "Talk to a supervisor"
    HANDOVER = "handover"  # "Ask for another team member to take over"
    URGENT = "urgent"  # a safety situation: raised by the bot itself, or "I need help now"
    MISSED_CHECKIN = "missed_checkin"  # a visit check-in nobody answered (bot.checkins)


# Kinds that climb the whole ladder; any other kind is reminded once.
URGENT_KINDS: tuple[Kind, ...] = (Kind.URGENT, Kind.MISSED_CHECKIN)


class Move(StrEnum):
    CLAIM = "claim"  # by a supervisor
    RESOLVE = "resolve"  # by a supervisor
    CANCEL = "cancel"  # by the asker


@dataclass(frozen=True)
class Transition:
    sources: tuple[State, ...]  # the states the move is allowed from
    target: State
    jobs: tuple[Job, ...]  # the Slack deliveries it queues, in the same commit
    stamp: str  # who and when go to `{stamp}_by` and `{stamp}_at`


TRANSITIONS: Mapping[Move, Transition] = MappingProxyType(
    {
        Move.CLAIM: Transition(
            (State.OPEN,), State.CLAIMED, (Job.CARD_UPDATE, Job.CLAIMED, Job.GROUP_DM), "claimed"
        ),
        Move.RESOLVE: Transition(ACTIVE, State.RESOLVED, (Job.CARD_UPDATE, Job.RESOLVED), "closed"),
        Move.CANCEL: Transition((State.OPEN,), State.CANCELLED, (Job.CARD_UPDATE,), "closed"),
    }
)


def can(move: Move, state: State) -> bool:
    """Whether the table allows `move` from `state` (e.g. whether to offer its button)."""
    return state in TRANSITIONS[move].sources


def state_in(states: Iterable[StrEnum]) -> tuple[str, list[str]]:
    """An SQL condition on the `state` column (of any table with states), and its parameters."""
    values = [s.value for s in states]
    return f"state IN ({', '.join('?' * len(values))})", values


def guarded_update(move: Move, escalation_id: str, actor: str, at: float) -> tuple[str, list[Any]]:
    """The UPDATE making `move`, conditional on the escalation's state allowing it.

    Run inside a transaction: it changes one row when the move is legal and none otherwise,
    so a repeated or racing click finds the state already moved and changes nothing.
    """
    transition = TRANSITIONS[move]
    condition, states = state_in(transition.sources)
    stamp = transition.stamp
    return (
        f"UPDATE escalations SET state = ?, {stamp}_by = ?, {stamp}_at = ? "
        f"WHERE id = ? AND {condition}",
        [transition.target.value, actor, at, escalation_id, *states],
    )


# --- the ladder ------------------------------------------------------------------------------
# Nobody has taken it yet: the states a claim is allowed from.
WAITING: tuple[State, ...] = TRANSITIONS[Move.CLAIM].sources


def climb(kind: Kind, step: int, backup_after: int) -> tuple[Job, ...]:
    """What round `step` (1, 2, ...) of an unclaimed escalation sends.

    Ordinary kinds: one reminder in the supervisor channel, and nothing after. Urgent kinds:
    a reminder every round; the asker hears after the first round that nobody has it yet;
    once `backup_after` reminders went unanswered, the next round also goes to the backup.
    """
    if kind not in URGENT_KINDS:
        return (Job.REMINDER,) if step == 1 else ()
    jobs = [Job.REMINDER]
    if step == 1:
        jobs.append(Job.STILL_TRYING)
    if step == backup_after + 1:
        jobs.append(Job.BACKUP)
    return tuple(jobs)


def guarded_climb(escalation_id: str, step: int, at: float) -> tuple[str, list[Any]]:
    """The UPDATE taking round `step`, only while nobody has claimed it and round `step` - 1
    is the last one taken (so a round is never taken twice)."""
    condition, states = state_in(WAITING)
    return (
        "UPDATE escalations SET reminded = ?, reminded_at = ? "
        f"WHERE id = ? AND reminded = ? AND {condition}",
        [step, at, escalation_id, step - 1, *states],
    )
