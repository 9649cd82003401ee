"""The check-in worker: a background thread that reads due rows from bot.db, so check-ins
survive restarts and kills (nothing is scheduled in memory), and takes the two timed steps:
alert the supervisors of check-ins unanswered past the grace period, ask "Are you OK?" of
those now due."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.checkins.service import Checkins
from bot.slack.background import BackgroundWorker

POLL_SECONDS = 1.0


class CheckinWorker(BackgroundWorker):
    name = "checkins"
    poll = POLL_SECONDS

    def __init__(self, checkins: Checkins, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.checkins = checkins
        self.clock = clock  # injectable, so tests move time instead of sleeping

    def run_once(self, now: float | None = None) -> int:
        """One pass; returns how many check-ins moved."""
        now = self.clock() if now is None else now
        return self.checkins.miss_overdue(now) + self.checkins.fire_due(now)
