"""An event a killed run acknowledged but never finished is handled again at startup, once.

Slack does not redeliver what it saw acknowledged, and Bolt acknowledges events before the
listener runs; `bot.dedupe.replay_unfinished` dispatches those again from bot.db. A plain
Bolt app (no model) with the real dedupe middleware, against the emulator.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.dedupe import dedupe_key, dedupe_middleware, replay_unfinished
from bot.storage import DONE, Storage
from tests.slack_emulator import SlackEmulator, payloads


def recording_app(emu: SlackEmulator, storage: Storage, run_id: str) -> tuple[App, list]:
    client = WebClient(token="xoxb-replay", base_url=emu.api_url)
    app = App(client=client, token_verification_enabled=False)
    app.middleware(dedupe_middleware(storage, run_id))
    seen: list[dict[str, Any]] = []

    @app.event("message")
    def message(event: dict[str, Any]) -> None:
        seen.append(event)

    return app, seen


def test_an_acked_but_unfinished_event_is_replayed_once_at_startup(tmp_path: Path) -> None:
    with SlackEmulator() as emu:
        storage = Storage(tmp_path)
        body = payloads.event_callback(payloads.message_im("U1", "help me", "D1", "1.000100"))
        key = dedupe_key(body)
        # A killed run's middleware claimed the event (Bolt acked it); no listener finished.
        storage.claim_delivery(key, "run-killed", time.time(), json.dumps(body))

        app, seen = recording_app(emu, storage, "run-now")
        assert replay_unfinished(app, storage, "run-now") == 1
        deadline = time.monotonic() + 5
        while storage.delivery_state(key) != DONE:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert [e["ts"] for e in seen] == ["1.000100"]
        assert replay_unfinished(app, storage, "run-now") == 0  # done: nothing left
        app.dispatch(BoltRequest(body=body, mode="socket_mode"))  # Slack redelivers late
        time.sleep(0.2)
        assert len(seen) == 1
        row = storage.db.execute("SELECT body FROM processed_events").fetchone()
        assert row == (None,)  # the question's text is not kept once done


def test_a_delivery_that_keeps_killing_the_bot_is_replayed_at_most_twice(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    body = payloads.event_callback(payloads.message_im("U1", "boom", "D1", "2.000100"))
    storage.claim_delivery(dedupe_key(body), "run-0", time.time(), json.dumps(body))
    replays = [len(storage.unfinished_deliveries(f"run-{n}", 0, 2)) for n in (1, 2, 3)]
    assert replays == [1, 1, 0]
    assert storage.unfinished_deliveries("run-4", time.time() + 1, 9) == []  # too old
