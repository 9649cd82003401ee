"""The delivery worker against the emulator (no model needed): each card exactly once,
retries, crash recovery, reminders, and the notices a claim or resolution sends."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.outbox import DeliveryWorker
from bot.escalation.states import Kind, State
from tests.bot_harness import (
    ASKER,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    Parts,
    escalate,
    pending_deliveries,
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
        if (m.get("blocks") or [{}])[0].get("block_id", "").startswith(ids.CARD_MARKER)
    ]


def test_card_is_delivered_once_and_remembered(emu: SlackEmulator, parts: Parts) -> None:
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    assert parts.worker.run_once() == 1
    assert parts.worker.run_once() == 0
    assert len(cards(emu)) == 1
    stored = parts.store.get(escalation.id)
    assert stored and stored.card_ts == cards(emu)[0]["ts"]
    assert stored.card_channel == SUPERVISOR_CHANNEL


def test_rate_limit_is_waited_out_with_retry_after(emu: SlackEmulator, parts: Parts) -> None:
    escalate(parts.questions, parts.escalations, text=QUESTION)
    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert parts.worker.run_once() == 1
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [429, 200]
    assert len(cards(emu)) == 1


def test_failed_delivery_is_retried_later_not_lost(emu: SlackEmulator, parts: Parts) -> None:
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    emu.fail_next("chat.postMessage", error="fatal_error")
    assert parts.worker.run_once() == 0 and cards(emu) == []
    assert parts.worker.run_once() == 0  # backing off: not due yet
    assert parts.worker.run_once(now=time.time() + 5) == 1
    assert len(cards(emu)) == 1 and parts.store.get(escalation.id).card_ts
    assert pending_deliveries(parts.database) == 0


def test_crash_after_posting_does_not_post_twice(emu: SlackEmulator, parts: Parts) -> None:
    """A process killed between chat.postMessage and marking the job delivered."""
    emu.register_method(
        "conversations.history",
        lambda req: {"ok": True, "messages": emu.messages(req.params["channel"])[::-1]},
    )
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    job = parts.outbox.due(time.time())[0]
    parts.outbox.mark_attempt(job.id, time.time())  # what the dead process committed...
    posted = parts.worker.client.chat_postMessage(  # ...and what it managed to post
        channel=SUPERVISOR_CHANNEL, **messages.supervisor_card(escalation).kwargs()
    )
    worker = parts.worker
    restarted = DeliveryWorker(worker.outbox, worker.escalations, worker.client, worker.settings)
    assert restarted.run_once() == 1
    assert len(cards(emu)) == 1
    assert parts.store.get(escalation.id).card_ts == posted["ts"]


def test_crash_before_posting_posts_once(emu: SlackEmulator, parts: Parts) -> None:
    emu.register_method("conversations.history", lambda req: {"ok": True, "messages": []})
    escalate(parts.questions, parts.escalations, text=QUESTION)
    parts.outbox.mark_attempt(parts.outbox.due(time.time())[0].id, time.time())
    assert parts.worker.run_once() == 1
    assert len(cards(emu)) == 1


def reminders(emu: SlackEmulator, escalation_id: str) -> list[dict[str, Any]]:
    return [
        m
        for m in emu.messages(SUPERVISOR_CHANNEL)
        if m["blocks"][0].get("block_id", "").startswith(ids.REMINDER_MARKER + escalation_id)
    ]


def test_an_ordinary_escalation_is_reminded_once(emu: SlackEmulator, parts: Parts) -> None:
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    parts.worker.run_once()
    later = escalation.created_at + 10 * 60 + 1  # ESCALATION_REMIND_MINUTES = 10
    parts.worker.run_once(now=later)
    parts.worker.run_once(now=later + 3600)
    sent = reminders(emu, escalation.id)
    assert len(sent) == 1 and "still unclaimed after 10 minutes" in sent[0]["text"]
    assert sent[0]["blocks"][0]["block_id"] == ids.marker(ids.REMINDER_MARKER, escalation.id, 1)
    assert "<!" not in sent[0]["text"]  # nobody mentioned by an ordinary reminder
    assert len(emu.messages(emu.open_im(ASKER))) == 0  # nor is the asker told anything


def test_a_reminder_due_after_the_claim_is_not_posted(emu: SlackEmulator, parts: Parts) -> None:
    escalation = escalate(parts.questions, parts.escalations, kind=Kind.URGENT, text=QUESTION)
    parts.worker.run_once()
    later = escalation.created_at + 2 * 60 + 1
    parts.store.climb(later, parts.worker.ladder)  # the reminder is queued...
    assert parts.escalations.claim(escalation.id, SUPERVISOR).changed  # ...then it is claimed
    parts.worker.run_once(now=later + 1)
    assert reminders(emu, escalation.id) == []
    assert "Nobody has taken" not in str(emu.messages(emu.open_im(ASKER)))
    assert pending_deliveries(parts.database) == 0


def test_claim_updates_card_tells_asker_and_opens_group_dm(
    emu: SlackEmulator, parts: Parts
) -> None:
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    parts.worker.run_once()
    assert parts.escalations.claim(escalation.id, SUPERVISOR).changed
    assert parts.worker.run_once() == 3
    card = cards(emu)[0]
    assert f"Claimed by <@{SUPERVISOR}>" in str(card["blocks"])
    assert "is on it" in emu.messages(emu.open_im(ASKER))[-1]["text"]
    group = [c for c in emu.calls_to("conversations.open") if "," in c.params.get("users", "")]
    assert len(group) == 1
    first = emu.messages(group[0].response["channel"]["id"])[0]
    assert "Can I take a tip? &lt;!here&gt;" in first["text"]


def test_resolve_asks_the_asker_whether_it_helped(emu: SlackEmulator, parts: Parts) -> None:
    escalation = escalate(parts.questions, parts.escalations, text=QUESTION)
    assert parts.escalations.resolve(escalation.id, SUPERVISOR).changed
    parts.worker.run_once()
    last = emu.messages(emu.open_im(ASKER))[-1]
    buttons = [e for b in last["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in buttons] == [ids.RESOLUTION_HELPFUL, ids.RESOLUTION_NOT_HELPFUL]
    assert "Resolved by" in str(cards(emu)[0]["blocks"])
    assert parts.store.get(escalation.id).state is State.RESOLVED
