"""Redeliveries and double clicks across a kill -9 and a restart, in both modes: exactly one
answer and one escalation per message or click, and an answer a crash cut off is given when
Slack redelivers (not dropped as a duplicate).

Each test runs the real `boundary-bot serve` twice on one bot.db: first in one mode, killed
with SIGKILL, then in the other mode, so a key stored by a Socket Mode run must stop an HTTP
retry (`X-Slack-Retry-Num`) and the other way round (`retry_attempt`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.escalation import actions as ids
from bot.storage import DB_NAME
from tests.bot_harness import (
    SIGNING_SECRET,
    SUPERVISOR_CHANNEL,
    BotProcess,
    Delivery,
    bot_env,
    setup_workspace,
)
from tests.slack_emulator import SlackEmulator, payloads, signing

ASKER = "U0DEDUPE"


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(bot_token=None) as emulator:
        setup_workspace(emulator)
        emulator.add_user(ASKER, "dee")
        yield emulator


def kill(bot: BotProcess) -> None:
    assert bot.proc is not None
    bot.proc.kill()
    bot.proc.wait()


def answers(emu: SlackEmulator, channel: str) -> list:
    return [c for c in emu.calls_to("chat.postMessage") if c.ok and c.params["channel"] == channel]


def card_posts(emu: SlackEmulator) -> list:
    return [
        c
        for c in emu.calls_to("chat.postMessage")
        if c.ok
        and c.params["channel"] == SUPERVISOR_CHANNEL
        and c.params["blocks"][0].get("block_id", "").startswith(ids.CARD_MARKER)
    ]


def db_rows(tmp: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp / "data" / DB_NAME) as db:
        return db.execute(sql).fetchall()


def test_redeliveries_and_double_clicks_across_a_restart_and_a_mode_switch(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    env = bot_env(emu, tmp_path)
    first = BotProcess("socket", emu, env, tmp_path / "socket.log").start()
    slack = Delivery(first)
    event = emu.post_user_message(ASKER, "Can I accept a box of chocolates from a client?")
    body = payloads.event_callback(
        event, team_id=emu.team_id, api_app_id=emu.app_id, bot_user_id=emu.bot_user_id
    )
    slack.event_body(body)
    answer = emu.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"] == event["channel"]
    )
    click = emu.message_button_payload(ASKER, event["channel"], answer.response["ts"], ids.ESCALATE)
    clicked = emu.send_envelope("interactive", click)
    emu.wait_ack(clicked)
    emu.wait_for("chat.postMessage", lambda c: c in card_posts(emu), 15)
    double = emu.message_button_payload(
        ASKER, event["channel"], answer.response["ts"], ids.ESCALATE
    )
    assert double["actions"][0]["action_ts"] != click["actions"][0]["action_ts"]
    emu.wait_ack(emu.send_envelope("interactive", double))  # a double click: new action_ts
    emu.wait_ack(emu.redeliver(clicked))  # Slack's retry of the first click
    emu.wait_ack(emu.send_event(event, retry_attempt=1, retry_reason="timeout"))
    kill(first)

    second = BotProcess("http", emu, env, tmp_path / "http.log").start()
    url = second.url + "/slack/events"
    for retry in (1, 2):  # the event again, as Slack's HTTP retries
        assert signing.post_event(url, body, SIGNING_SECRET, retry_num=retry)[0] == 200
    assert signing.post_interaction(url, click, SIGNING_SECRET)[0] == 200  # the click again
    late = emu.message_button_payload(ASKER, event["channel"], answer.response["ts"], ids.ESCALATE)
    assert signing.post_interaction(url, late, SIGNING_SECRET)[0] == 200  # one more click
    time.sleep(2)  # time for anything wrongly let through to reach Slack
    assert second.stop() == 0, second.log()

    assert len(answers(emu, event["channel"])) == 1
    assert len(card_posts(emu)) == 1
    assert db_rows(tmp_path, "SELECT count(*) FROM escalations") == [(1,)]
    assert db_rows(tmp_path, "SELECT count(*) FROM questions") == [(1,)]
    skipped = "duplicate delivery acknowledged and skipped"
    assert first.log().count(skipped) == 2  # the redelivered click and event
    assert second.log().count(skipped) == 3  # both event retries and the click


def test_an_answer_cut_off_by_a_crash_is_given_once_on_redelivery(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    """Killed after the answer was worked out but before Slack had it: with an at-most-once
    key the redelivery would be dropped and the asker never answered."""
    env = bot_env(emu, tmp_path)
    first = BotProcess("http", emu, env, tmp_path / "http.log").start()
    event = emu.post_user_message(ASKER, "A client offered me a cash tip. Can I take it?")
    body = payloads.event_callback(
        event, team_id=emu.team_id, api_app_id=emu.app_id, bot_user_id=emu.bot_user_id
    )
    emu.fail_next("chat.postMessage", delay=5, drop_connection=True)  # the answer hangs...
    assert signing.post_event(first.url + "/slack/events", body, SIGNING_SECRET)[0] == 200
    deadline = time.monotonic() + 30
    while not db_rows(tmp_path, "SELECT 1 FROM questions WHERE confident IS NOT NULL"):
        assert time.monotonic() < deadline, first.log()
        time.sleep(0.05)
    time.sleep(0.3)
    kill(first)  # ...and the process dies while posting it
    key = f"message:{event['channel']}:{event['ts']}"
    assert db_rows(tmp_path, "SELECT state FROM processed_events") == [("started",)], key

    second = BotProcess("socket", emu, env, tmp_path / "socket.log").start()
    emu.wait_ack(emu.send_event(event, retry_attempt=1, retry_reason="timeout"))
    emu.wait_for("chat.postMessage", lambda c: c.ok and c.params["channel"] == event["channel"], 15)
    emu.wait_ack(emu.send_event(event, retry_attempt=2, retry_reason="timeout"))
    time.sleep(1.5)
    assert second.stop() == 0, second.log()
    assert len(answers(emu, event["channel"])) == 1
    assert db_rows(tmp_path, "SELECT state FROM processed_events") == [("done",)]
    assert "redelivery of an unfinished delivery handled again" in second.log()
    assert "duplicate delivery acknowledged and skipped" in second.log()
