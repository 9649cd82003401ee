"""Where a piece of supervisors' guidance stands (the `status` column of `guidance`)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"  # suggested on resolving an escalation: waiting for review
    APPROVED = "approved"  # written to the knowledge folder: the bot answers with it
    DISCARDED = "discarded"  # a suggestion a supervisor turned down
    RETRACTED = "retracted"  # approved, then taken out of the knowledge again


# Done with: nothing left to show or keep once retention's time has passed.
CLOSED: tuple[Status, ...] = (Status.DISCARDED, Status.RETRACTED)


def status_in(statuses: tuple[Status, ...]) -> tuple[str, list[str]]:
    """An SQL condition on the `status` column, and its parameters."""
    return f"status IN ({', '.join('?' * len(statuses))})", [s.value for s in statuses]
