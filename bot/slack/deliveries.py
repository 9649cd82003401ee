"""The dedupe keys of Slack deliveries in `bot.db` (`processed_events`), for `bot.slack.dedupe`."""

from __future__ import annotations

from enum import StrEnum

from bot.storage import Database


class DeliveryState(StrEnum):
    STARTED = "started"  # a listener is (or was, if its run died) working on it
    DONE = "done"  # answered or apologised for


class Verdict(StrEnum):
    """What `claim` found: handle the delivery, or skip it."""

    NEW = "new"  # first sight: handle it
    RESUMED = "resumed"  # a dead run started it and never finished: handle it again
    DUPLICATE = "duplicate"  # done, or being handled by this run right now: skip it


class DeliveryStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def claim(self, key: str, owner: str, now: float, body: str | None = None) -> Verdict:
        """Claim one Slack delivery for handling by process run `owner`.

        A run's unfinished key is a dead one to any other run: one bot process per `bot.db`
        is assumed. `body` (the delivery as JSON) is kept until it is done, for `unfinished`.
        """
        with self.database.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO processed_events (key, at, state, owner, body) "
                "VALUES (?, ?, ?, ?, ?)",
                [key, now, DeliveryState.STARTED.value, owner, body],
            ).rowcount
            if inserted:
                return Verdict.NEW
            taken = db.execute(
                "UPDATE processed_events SET owner = ?, at = ? "
                "WHERE key = ? AND state = ? AND owner != ?",
                [owner, now, key, DeliveryState.STARTED.value, owner],
            ).rowcount
            return Verdict.RESUMED if taken else Verdict.DUPLICATE

    def finish(self, key: str) -> None:
        """The listener for this delivery has finished (answered, or apologised)."""
        self.database.db.execute(
            "UPDATE processed_events SET state = ?, body = NULL WHERE key = ?",
            [DeliveryState.DONE.value, key],
        )

    def unfinished(self, owner: str, since: float, max_replays: int) -> list[str]:
        """Bodies of deliveries another (dead) run started after `since` and never finished,
        unless their listener was already started again `max_replays` times (a delivery that
        kills the process is not retried forever; see `retried`)."""
        rows = self.database.db.execute(
            "SELECT body FROM processed_events WHERE state = ? AND owner != ? "
            "AND body IS NOT NULL AND at >= ? AND replays < ? ORDER BY at",
            [DeliveryState.STARTED.value, owner, since, max_replays],
        ).fetchall()
        return [body for (body,) in rows]

    def retried(self, key: str) -> None:
        """A listener started again on a delivery a dead run left unfinished. Counted when it
        starts, not when it is queued: a run killed before reaching a queued replay must not
        use up that delivery's replays (an urgent DM would be dropped unanswered)."""
        self.database.db.execute(
            "UPDATE processed_events SET replays = replays + 1 WHERE key = ?", [key]
        )
