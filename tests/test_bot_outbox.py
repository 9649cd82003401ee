"""The escalation service and its delivery worker against the emulator (no model needed):
delivery exactly once, retries, crash recovery, reminders, and who may claim."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot import blocks
from bot.config import load_settings
from bot.outbox import DeliveryWorker
from bot.slack.client import slack_client
from bot.supervisors import Supervisors
from tests.bot_harness import (
    ASKER,
    BOT_TOKEN,
    OUTSIDER,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    escalate,
)
from tests.slack_emulator import SlackEmulator

QUESTION = "Can I take a tip? <!here>"


@pytest.fixture
def remind_urgent_minutes() -> str:
    return "2"


def cards(emu: SlackEmulator) -> list[dict[str, Any]]:
    return [
        m
        for m in emu.messages(SUPERVISOR_CHANNEL)
        if (m.get("blocks") or [{}])[0].get("block_id", "").startswith(blocks.CARD_MARKER)
    ]


def test_card_is_delivered_once_and_remembered(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, text=QUESTION)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert len(cards(emu)) == 1
    stored = storage.escalation(row["id"])
    assert stored["card_ts"] == cards(emu)[0]["ts"] and stored["card_channel"] == SUPERVISOR_CHANNEL


def test_rate_limit_is_waited_out_with_retry_after(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    escalate(storage, escalations, text=QUESTION)
    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert worker.run_once() == 1
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [429, 200]
    assert len(cards(emu)) == 1


def test_failed_delivery_is_retried_later_not_lost(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, text=QUESTION)
    emu.fail_next("chat.postMessage", error="fatal_error")
    assert worker.run_once() == 0 and cards(emu) == []
    assert worker.run_once() == 0  # backing off: not due yet
    assert worker.run_once(now=time.time() + 5) == 1
    assert len(cards(emu)) == 1 and storage.escalation(row["id"])["card_ts"]
    assert storage.pending_jobs() == 0


def test_crash_after_posting_does_not_post_twice(emu: SlackEmulator, parts) -> None:
    """A process killed between chat.postMessage and marking the job delivered."""
    storage, escalations, worker = parts
    emu.register_method(
        "conversations.history",
        lambda req: {"ok": True, "messages": emu.messages(req.params["channel"])[::-1]},
    )
    row = escalate(storage, escalations, text=QUESTION)
    job = storage.due_jobs(time.time())[0]
    storage.mark_attempt(job["id"], time.time())  # what the dead process committed...
    posted = worker.client.chat_postMessage(  # ...and what it managed to post
        channel=SUPERVISOR_CHANNEL, **blocks.supervisor_card(row).kwargs()
    )
    restarted = DeliveryWorker(storage, worker.client, worker.settings)
    assert restarted.run_once() == 1
    assert len(cards(emu)) == 1
    assert storage.escalation(row["id"])["card_ts"] == posted["ts"]


def test_crash_before_posting_posts_once(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    emu.register_method("conversations.history", lambda req: {"ok": True, "messages": []})
    escalate(storage, escalations, text=QUESTION)
    storage.mark_attempt(storage.due_jobs(time.time())[0]["id"], time.time())
    assert worker.run_once() == 1
    assert len(cards(emu)) == 1


def test_unclaimed_escalation_is_reminded_once(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, kind="urgent", text=QUESTION)
    worker.run_once()
    later = row["created_at"] + 2 * 60 + 1  # ESCALATION_REMIND_URGENT_MINUTES = 2
    worker.run_once(now=later)
    worker.run_once(now=later + 3600)
    reminders = [
        m
        for m in emu.messages(SUPERVISOR_CHANNEL)
        if m["blocks"][0].get("block_id") == blocks.REMINDER_MARKER + row["id"]
    ]
    assert len(reminders) == 1 and "still unclaimed after 2 minutes" in reminders[0]["text"]


def test_outsider_cannot_claim_or_resolve(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, text=QUESTION)
    worker.run_once()
    for change in (escalations.claim, escalations.resolve):
        outcome = change(row["id"], OUTSIDER)
        assert not outcome.changed and "Only supervisors" in outcome.message.text
    assert storage.escalation(row["id"])["state"] == "open"
    assert storage.pending_jobs() == 0 and worker.run_once() == 0
    assert emu.calls_to("chat.update") == []


def test_claim_updates_card_tells_asker_and_opens_group_dm(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, text=QUESTION)
    worker.run_once()
    assert escalations.claim(row["id"], SUPERVISOR).changed
    again = escalations.claim(row["id"], SUPERVISOR)
    assert not again.changed and "already claimed" in again.message.text
    assert worker.run_once() == 3
    card = cards(emu)[0]
    assert f"Claimed by <@{SUPERVISOR}>" in str(card["blocks"])
    assert "is on it" in emu.messages(emu.open_im(ASKER))[-1]["text"]
    group = [c for c in emu.calls_to("conversations.open") if "," in c.params.get("users", "")]
    assert len(group) == 1
    first = emu.messages(group[0].response["channel"]["id"])[0]
    assert "Can I take a tip? &lt;!here&gt;" in first["text"]


def test_resolve_asks_the_asker_whether_it_helped(emu: SlackEmulator, parts) -> None:
    storage, escalations, worker = parts
    row = escalate(storage, escalations, text=QUESTION)
    assert escalations.resolve(row["id"], SUPERVISOR).changed
    worker.run_once()
    last = emu.messages(emu.open_im(ASKER))[-1]
    ids = [e["action_id"] for b in last["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ids == [blocks.RESOLUTION_HELPFUL, blocks.RESOLUTION_NOT_HELPFUL]
    assert "Resolved by" in str(cards(emu)[0]["blocks"])


def test_only_the_asker_cancels_and_only_while_open(parts) -> None:
    storage, escalations, _ = parts
    row = escalate(storage, escalations, text=QUESTION)
    assert not escalations.cancel(row["id"], OUTSIDER).changed
    assert escalations.cancel(row["id"], ASKER).changed
    assert storage.escalation(row["id"])["state"] == "cancelled"
    claimed = escalate(storage, escalations, kind="handover", text=QUESTION)
    escalations.claim(claimed["id"], SUPERVISOR)
    assert not escalations.cancel(claimed["id"], ASKER).changed


def test_double_click_raises_one_escalation(parts) -> None:
    storage, escalations, _ = parts
    question_id = storage.record_question(ASKER, "D0ALICE", "dm", "Help")
    first = escalations.escalate(question_id, ASKER, "question", "ts1")
    second = escalations.escalate(question_id, ASKER, "question", "ts2")
    assert first.changed and not second.changed
    assert second.escalation["id"] == first.escalation["id"]
    assert not escalations.escalate(question_id, OUTSIDER, "question", "ts3").changed


def test_apology_button_escalates_without_a_question_once_per_message(parts) -> None:
    storage, escalations, _ = parts
    first = escalations.escalate("", ASKER, "question", "1700000000.000100")
    again = escalations.escalate("", ASKER, "question", "1700000000.000100")
    assert first.changed and not again.changed
    assert "failed before it could answer" in first.escalation["question"]
    assert storage.db["escalations"].count == 1


def test_supervisor_list_is_paginated_and_cached(emu: SlackEmulator) -> None:
    for i in range(450):
        emu.set_member(SUPERVISOR_CHANNEL, f"U{i:08d}")
    settings = load_settings({"SLACK_API_URL": emu.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN})
    supervisors = Supervisors(slack_client(settings), SUPERVISOR_CHANNEL)
    assert supervisors.is_supervisor("U00000449") and supervisors.is_supervisor(SUPERVISOR)
    assert not supervisors.is_supervisor(OUTSIDER)
    assert len(emu.calls_to("conversations.members")) == 3  # 452 members, 200 a page, cached
