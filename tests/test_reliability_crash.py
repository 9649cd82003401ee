"""kill -9 during bursts of escalations: every escalation committed in bot.db reaches the
supervisor channel exactly once, each round of its reminders too, every acknowledged click
has its escalation, and every urgent DM escalates.

The real `boundary-bot serve` (Socket Mode) against the emulator, killed at seeded random
moments while chat.postMessage is scripted to answer 429, 500, drop the connection, answer
slowly or lose its answer after posting; restarted on the same bot.db each time. The scenario
itself lives in `tests/reliability_harness.py` (bench/reliability.py runs it larger).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bot.escalation.ladder import Ladder
from bot.escalation.outbox_store import OutboxStore
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.slack.deliveries import DeliveryStore
from bot.storage import DB_NAME, Database
from tests.reliability_harness import CrashScenario, last_run_pending


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


def test_the_last_run_is_not_drained_while_a_delivery_it_took_on_is_unfinished(
    tmp_path: Path,
) -> None:
    """The scenarios stop the last run once bot.db says it is done. An urgent DM replayed at
    its start commits its escalation (and queues the card) only when the engine has answered:
    until then the outbox can be empty, so the delivery itself must count as work left."""
    database = Database(tmp_path)
    deliveries, outbox = DeliveryStore(database), OutboxStore(database)
    since = time.time()
    db = sqlite3.connect(tmp_path / DB_NAME)

    deliveries.claim("message:D0OLD:1.000100", "run-killed", since - 30, "{}")  # never replayed
    assert last_run_pending(db, since) == {}
    deliveries.claim("message:D0A:2.000100", "run-last", since + 1, "{}")  # replayed at start
    assert last_run_pending(db, since) == {"deliveries unfinished": 1}

    store = EscalationStore(database, clock=lambda: since + 2)
    store.create(
        dedupe_key="q1:urgent",
        question_id="q1",
        asker="U0A",
        question="?",
        kind=Kind.URGENT,
        citations=(),
    )
    deliveries.finish("message:D0A:2.000100")
    assert last_run_pending(db, since) == {"outbox jobs": 1, "escalations never reminded": 1}
    assert last_run_pending(db, since, reminders=False) == {"outbox jobs": 1}

    (card,) = outbox.due(since + 3)
    outbox.mark_delivered(card.id, since + 3, ("G0SUPERS", "3.000100"), card=True)
    store.climb(since + 3600, Ladder(60, 60, 0))
    while jobs := outbox.due(since + 3600):  # the round's reminder and notices, in order
        for job in jobs:
            outbox.mark_delivered(job.id, since + 3600)
    assert last_run_pending(db, since) == {}
    db.close()
