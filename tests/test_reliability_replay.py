"""An event a killed run acknowledged but never finished is handled again at startup, once.

Slack does not redeliver what it saw acknowledged, and Bolt acknowledges events before the
listener runs; `bot.slack.dedupe.replay_unfinished` dispatches those again from bot.db. A plain
Bolt app (no model) with the real dedupe middleware, against the emulator.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.slack.dedupe import dedupe_key, dedupe_middleware, replay_unfinished
from bot.slack.deliveries import DeliveryStore, Verdict
from bot.storage import Database
from tests.slack_emulator import SlackEmulator, payloads


def recording_app(emu: SlackEmulator, deliveries: DeliveryStore, run_id: str) -> tuple[App, list]:
    client = WebClient(token="xoxb-replay", base_url=emu.api_url)
    app = App(client=client, token_verification_enabled=False)
    app.middleware(dedupe_middleware(deliveries, run_id))
    seen: list[dict[str, Any]] = []

    @app.event("message")
    def message(event: dict[str, Any]) -> None:
        seen.append(event)

    return app, seen


def test_an_acked_but_unfinished_event_is_replayed_once_at_startup(tmp_path: Path) -> None:
    with SlackEmulator() as emu:
        database = Database(tmp_path)
        deliveries = DeliveryStore(database)
        body = payloads.event_callback(payloads.message_im("U1", "help me", "D1", "1.000100"))
        key = dedupe_key(body)
        # A killed run's middleware claimed the event (Bolt acked it); no listener finished.
        deliveries.claim(key, "run-killed", time.time(), json.dumps(body))

        app, seen = recording_app(emu, deliveries, "run-now")
        assert replay_unfinished(app, deliveries, "run-now") == 1
        wait_done(database, key)
        assert [e["ts"] for e in seen] == ["1.000100"]
        assert replays_of(database, key) == 1  # counted when its listener started
        assert replay_unfinished(app, deliveries, "run-now") == 0  # done: nothing left
        app.dispatch(BoltRequest(body=body, mode="socket_mode"))  # Slack redelivers late
        time.sleep(0.2)
        assert len(seen) == 1
        row = database.db.execute("SELECT body FROM processed_events").fetchone()
        assert row == (None,)  # the question's text is not kept once done


def test_a_delivery_that_keeps_killing_the_bot_is_replayed_at_most_twice(tmp_path: Path) -> None:
    deliveries = DeliveryStore(Database(tmp_path))
    body = payloads.event_callback(payloads.message_im("U1", "boom", "D1", "2.000100"))
    key = dedupe_key(body)
    deliveries.claim(key, "run-0", time.time(), json.dumps(body))
    replays = []
    for n in (1, 2, 3):  # each run replays it, its listener starts, and the run dies
        bodies = deliveries.unfinished(f"run-{n}", 0, 2)
        replays.append(len(bodies))
        if bodies:
            assert deliveries.claim(key, f"run-{n}", time.time(), bodies[0]) is Verdict.RESUMED
            deliveries.retried(key)
    assert replays == [1, 1, 0]
    assert deliveries.unfinished("run-4", time.time() + 1, 9) == []  # too old


def test_a_replay_still_queued_when_the_run_dies_is_not_used_up(tmp_path: Path) -> None:
    """Restarts that die before reaching a queued replay (behind a slow engine) must not use
    up its replays: that would drop an urgent DM unanswered."""
    with SlackEmulator() as emu:
        database = Database(tmp_path)
        deliveries = DeliveryStore(database)
        body = payloads.event_callback(payloads.message_im("U1", "help", "D1", "3.000100"))
        key = dedupe_key(body)
        deliveries.claim(key, "run-0", time.time(), json.dumps(body))
        for n in range(1, 6):  # queued for replay by five runs, each killed before it started
            assert len(deliveries.unfinished(f"run-{n}", 0, 2)) == 1
            deliveries.claim(key, f"run-{n}", time.time(), json.dumps(body))
        app, seen = recording_app(emu, deliveries, "run-now")
        assert replay_unfinished(app, deliveries, "run-now") == 1
        wait_done(database, key)
        assert [e["ts"] for e in seen] == ["3.000100"]


def wait_done(database: Database, key: str, timeout: float = 5) -> None:
    """Until the replayed delivery's listener has finished (the runner is asynchronous)."""
    deadline = time.monotonic() + timeout
    while state_of(database, key) != "done":
        assert time.monotonic() < deadline
        time.sleep(0.02)


def replays_of(database: Database, key: str) -> int:
    row = database.db.execute("SELECT replays FROM processed_events WHERE key = ?", [key])
    return row.fetchone()[0]


def state_of(database: Database, key: str) -> str | None:
    """The delivery's state as bot.db holds it (what a restarted run would find)."""
    row = database.db.execute("SELECT state FROM processed_events WHERE key = ?", [key]).fetchone()
    return row[0] if row else None
