"""kill -9 during bursts of escalations: every escalation committed in bot.db reaches the
supervisor channel exactly once, each round of its reminders too, every acknowledged click
has its escalation, and every urgent DM escalates.

The real `boundary-bot serve` (Socket Mode) against the emulator, killed at seeded random
moments while chat.postMessage is scripted to answer 429, 500, drop the connection, answer
slowly or lose its answer after posting; restarted on the same bot.db each time. The scenario
itself lives in `tests/reliability_harness.py` (bench/reliability.py runs it larger).
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability_harness import CrashScenario


def test_kill_9_during_escalation_bursts_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    figures = CrashScenario(tmp_path, seed=20261123, rounds=4, burst_seconds=2.5).run()
    summary = figures.as_dict()
    assert figures.kills == 4 and not figures.problems, summary
    assert figures.escalations_committed >= 20, summary  # the bursts really escalated
    assert figures.kills_with_pending_deliveries >= 1, summary  # some kills hit deliveries
    hit = figures.injected  # what Slack actually failed, by kind (the plan is seeded)
    assert min(hit["429"], hit["500"], hit["dropped"], hit["answer_lost"]) >= 1, summary
    assert hit["history_500"] >= 1 and figures.slow_posts >= 1, summary
    assert figures.cards_exactly_once == figures.escalations_committed, summary
    assert figures.cards_duplicated == figures.cards_lost == figures.cards_orphaned == 0, summary
    # Every escalation reminded, each round of the ladder posted once (urgent ones climb).
    assert figures.reminders_exactly_once == figures.escalations_committed, summary
    assert figures.reminders_wrong == 0 and figures.reminder_rounds > figures.escalations_committed
    assert figures.acked_clicks_without_escalation == 0, summary
    # Every urgent DM escalates, even one acknowledged just before a kill (replayed at start).
    assert figures.urgent_sent >= 4 and figures.urgent_escalations == figures.urgent_sent, summary
    assert figures.clicks_acked and figures.duplicates_skipped, summary
