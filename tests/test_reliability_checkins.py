"""kill -9 between scheduling and firing: every visit check-in committed in bot.db fires exactly
once ("Are you OK?" posted once), none is lost, an "I'm OK" raises nothing, and every missed
one reaches the supervisor channel exactly once.

The real `boundary-bot serve` (Socket Mode) against the emulator, killed at seeded random
moments while Slack is scripted to fail; restarted on the same bot.db each time. The scenario
lives in `tests/reliability_harness.py` (bench/reliability.py runs it larger).
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability_harness import CheckinScenario


def test_kill_9_between_scheduling_and_firing_loses_and_repeats_no_checkin(
    tmp_path: Path,
) -> None:
    c = f = CheckinScenario(tmp_path, seed=20261124, rounds=4, burst_seconds=3.0).run()
    summary = f.as_dict()
    assert f.kills == 4 and not f.problems, summary
    assert f.kills_with_checkins_running >= 2, summary  # kills landed between start and fire
    assert c.checkins_due >= 8, summary
    assert c.acked_commands_without_checkin == 0, summary
    assert c.fired_exactly_once == c.checkins_due, summary
    assert c.fired_twice == c.lost == 0, summary
    assert c.answered_ok >= 1 and c.answered_ok_raised == 0, summary
    assert c.missed >= 1 and c.missed_alerted_once == c.missed, summary
    assert c.answered_ok + c.missed == c.checkins_due, summary  # each settled one way
    assert sum(f.injected.values()) >= 3, summary  # Slack failed along the way too
