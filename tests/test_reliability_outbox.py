"""The outbox posts each card exactly once when Slack's answer is lost or an attempt dies
part-way, and the dedupe store tells a finished delivery from one a crash cut off.

Fast (no model): the escalation service and delivery worker against the emulator, which
can lose a post's answer after carrying it out (`fail_next(drop_after=True)`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.outbox import DeliveryWorker
from bot.escalation.states import Kind
from bot.slack.deliveries import DeliveryStore, Verdict
from bot.storage import Database
from tests.bot_harness import ASKER, SUPERVISOR_CHANNEL, escalate, pending_deliveries
from tests.slack_emulator import SlackEmulator


def lose_next_card_answer(emu: SlackEmulator) -> None:
    emu.fail_next("chat.postMessage", drop_after=True, channel=SUPERVISOR_CHANNEL)


def cards(emu: SlackEmulator, escalation_id: str) -> list[dict[str, Any]]:
    marker = ids.CARD_MARKER + escalation_id
    return [
        m
        for m in emu.messages(SUPERVISOR_CHANNEL)
        if any(b.get("block_id") == marker for b in m.get("blocks") or [])
    ]


def test_a_post_whose_answer_was_lost_is_found_not_posted_again(emu, parts) -> None:
    """Slack posted the card but the connection died before its answer: slack_sdk's own
    connection retry would post a second card; the outbox retries via the history check."""
    worker = parts.worker
    row = escalate(parts.questions, parts.escalations)
    lose_next_card_answer(emu)
    assert worker.run_once() == 0  # the attempt failed as far as the bot can tell...
    assert len(cards(emu, row.id)) == 1  # ...but the card is in the channel
    assert worker.run_once(now=time.time() + 60) == 1
    assert len(cards(emu, row.id)) == 1
    assert parts.store.get(row.id).card_ts == cards(emu, row.id)[0]["ts"]
    assert pending_deliveries(parts.database) == 0


def test_an_attempt_that_died_before_its_check_does_not_hide_the_first_post(emu, parts) -> None:
    """Crash after posting; the restart dies too, after committing its attempt but before
    its history check; the next restart must still find the first card."""
    worker = parts.worker
    row = escalate(parts.questions, parts.escalations)
    job = parts.outbox.due(time.time())[0]
    parts.outbox.mark_attempt(job.id, time.time())  # first run: attempt committed...
    worker.client.chat_postMessage(  # ...card posted, then killed
        channel=SUPERVISOR_CHANNEL, **messages.supervisor_card(row).kwargs()
    )
    time.sleep(0.05)
    parts.outbox.mark_attempt(job.id, time.time() + 30)  # second run: killed right after this
    restarted = DeliveryWorker(worker.outbox, worker.escalations, worker.client, worker.settings)
    restarted.start()  # a third run: pending work is due at once, whatever its backoff
    try:
        deadline = time.monotonic() + 10
        while pending_deliveries(parts.database) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        restarted.stop()
    assert pending_deliveries(parts.database) == 0
    assert len(cards(emu, row.id)) == 1


def test_a_history_that_fails_for_now_fails_the_job_rather_than_post_blindly(emu, parts) -> None:
    worker = parts.worker
    row = escalate(parts.questions, parts.escalations)
    lose_next_card_answer(emu)
    worker.run_once()  # posted, answer lost
    emu.fail_next("conversations.history", status=500, times=4)  # beyond slack_sdk's retries
    assert worker.run_once(now=time.time() + 60) == 0
    assert len(cards(emu, row.id)) == 1 and pending_deliveries(parts.database) == 1
    assert worker.run_once(now=time.time() + 120) == 1
    assert len(cards(emu, row.id)) == 1


def test_without_any_history_a_retry_posts_again_rather_than_lose_the_card(emu, parts) -> None:
    worker = parts.worker
    row = escalate(parts.questions, parts.escalations)
    emu.register_method(
        "conversations.history", lambda req: {"ok": False, "error": "missing_scope"}
    )
    emu.fail_next("chat.postMessage", drop_connection=True)  # dropped before posting
    assert worker.run_once() == 0
    assert worker.run_once(now=time.time() + 60) == 1
    assert len(cards(emu, row.id)) == 1


def test_a_card_is_recorded_in_the_same_commit_as_its_delivery(emu, parts) -> None:
    worker = parts.worker
    row = escalate(parts.questions, parts.escalations)
    worker.run_once()
    job = parts.database.db.execute("SELECT delivered_at FROM outbox WHERE job = 'card'").fetchone()
    stored = parts.store.get(row.id)
    assert job[0] and stored.card_ts == cards(emu, row.id)[0]["ts"]


def test_the_same_urgent_words_while_the_first_is_open_raise_one_escalation(parts) -> None:
    """A redelivered urgent DM handled again after a crash records a second question row;
    it must not page the supervisors a second time."""
    questions, escalations = parts.questions, parts.escalations
    first = escalate(questions, escalations, kind=Kind.URGENT)
    again = questions.record_question(ASKER, "D0ALICE", "dm", "Can I take a tip?")
    outcome = escalations.escalate(again, ASKER, Kind.URGENT, again)
    assert not outcome.changed and outcome.escalation.id == first.id
    assert parts.database.db["escalations"].count == 1
    other = questions.record_question(ASKER, "D0ALICE", "dm", "Someone is following me")
    assert escalations.escalate(other, ASKER, Kind.URGENT, other).changed


def test_delivery_keys_know_finished_from_cut_off(tmp_path: Path) -> None:
    now = time.time()

    def store() -> DeliveryStore:  # a fresh one each time: as after a restart
        return DeliveryStore(Database(tmp_path))

    assert store().claim("message:D1:1.1", "run-a", now) is Verdict.NEW
    assert store().claim("message:D1:1.1", "run-a", now) is Verdict.DUPLICATE
    # run-a died: the next run handles it again, once; run-a's late copy is a duplicate now
    assert store().claim("message:D1:1.1", "run-b", now) is Verdict.RESUMED
    assert store().claim("message:D1:1.1", "run-b", now) is Verdict.DUPLICATE
    assert store().claim("message:D1:1.1", "run-a", now) is Verdict.RESUMED
    store().finish("message:D1:1.1")
    assert store().claim("message:D1:1.1", "run-c", now) is Verdict.DUPLICATE  # done
