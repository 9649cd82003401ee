"""The ladder end to end: an urgent escalation nobody claims is reminded every interval with
the on-call people @-mentioned, reaches the backup channel and the on-call DMs after the
configured count, and stops the moment someone claims it; the asker hears where things stand;
every notification and the acknowledgement are in the audit trail; `report` shows the time to
acknowledge; a Spanish question's asker is told in Spanish while supervisors read English.

The bot's services and Bolt app run in this process over the emulator's Socket Mode with a
fake engine (no model) and an injected clock: the test moves time and runs the workers' passes,
it never sleeps for the ladder.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.admin.report import build_report
from bot.asking.strings import strings
from bot.checkins.store import CheckinStore
from bot.escalation import actions as ids
from bot.escalation.states import Kind, State
from bot.services import Services
from tests.bot_harness import (
    ASKER,
    BACKUP_CHANNEL,
    BACKUP_MEMBER,
    ONCALL,
    ONCALL_B,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    recorded_events,
)
from tests.fakes import Clock
from tests.slack_emulator import SlackEmulator

URGENT = "He has a knife and is blocking the door <!channel>"  # the fake engine: urgent


# --- helpers ------------------------------------------------------------------------------
def raise_urgent(emu: SlackEmulator, services: Services) -> str:
    """ASKER DMs an emergency; returns the escalation's id once its card is posted."""
    event = emu.post_user_message(ASKER, URGENT)
    emu.send_event(event)
    emu.wait_for("chat.postMessage", lambda c: c.ok and c.params["channel"] == event["channel"])
    services.worker.run_once()
    card = marked(emu, SUPERVISOR_CHANNEL, ids.CARD_MARKER)
    assert len(card) == 1
    return card[0]["blocks"][0]["block_id"].removeprefix(ids.CARD_MARKER)


def marked(emu: SlackEmulator, channel: str, prefix: str) -> list[dict[str, Any]]:
    """Messages in `channel` whose first block_id starts with `prefix`."""
    return [
        m
        for m in emu.messages(channel)
        if (m.get("blocks") or [{}])[0].get("block_id", "").startswith(prefix)
    ]


def from_bot(emu: SlackEmulator, channel: str) -> list[dict[str, Any]]:
    return [m for m in emu.messages(channel) if m.get("bot_id")]


def round_(services: Services, clock: Clock, minutes: float = 5) -> None:
    clock.advance(minutes)
    services.worker.run_once()


def claim_from(emu: SlackEmulator, user: str, channel: str, message: dict[str, Any]) -> str:
    payload = emu.message_button_payload(user, channel, message["ts"], ids.CLAIM)
    emu.send_envelope("interactive", payload)
    return emu.wait_response(payload["response_url"], timeout=10)["text"]


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


# --- tests --------------------------------------------------------------------------------
def test_an_unclaimed_urgent_escalation_climbs_until_an_on_call_person_claims_it(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    escalation_id = raise_urgent(emu, services)
    dm = emu.open_im(ASKER)
    answer = from_bot(emu, dm)[0]
    assert strings("en").alerted in answer["text"]  # status 1: alerted

    round_(services, clock)  # 5 minutes: the first reminder, with the on-call people
    reminders = marked(emu, SUPERVISOR_CHANNEL, ids.REMINDER_MARKER + escalation_id)
    assert len(reminders) == 1
    assert reminders[0]["blocks"][0]["block_id"] == f"{ids.REMINDER_MARKER}{escalation_id}:1"
    assert f"still unclaimed after 5 minutes. <@{ONCALL}> <@{ONCALL_B}>" in reminders[0]["text"]
    quoted = str(reminders[0]["blocks"])
    assert "&lt;!channel&gt;" in quoted and "<!channel>" not in quoted  # user text escaped
    still = from_bot(emu, dm)[1]  # status 2: nobody yet, call 911
    assert "Nobody has taken your request yet" in still["text"] and "call 911" in still["text"]

    round_(services, clock)  # 10 minutes: the second reminder; no backup yet
    assert len(marked(emu, SUPERVISOR_CHANNEL, ids.REMINDER_MARKER)) == 2
    assert emu.messages(BACKUP_CHANNEL) == [] and emu.messages(emu.open_im(ONCALL)) == []

    round_(services, clock)  # 15 minutes: two reminders unanswered, so the backup too
    assert len(marked(emu, SUPERVISOR_CHANNEL, ids.REMINDER_MARKER)) == 3
    backup = marked(emu, BACKUP_CHANNEL, ids.BACKUP_MARKER + escalation_id)
    assert len(backup) == 1 and "Backup needed" in backup[0]["text"]
    assert "&lt;!channel&gt;" in str(backup[0]["blocks"]) and ids.CLAIM in buttons(backup[0])
    for person in (ONCALL, ONCALL_B):
        copies = marked(emu, emu.open_im(person), ids.ONCALL_MARKER + escalation_id)
        assert len(copies) == 1 and ids.CLAIM in buttons(copies[0])
    assert len(from_bot(emu, dm)) == 2  # the asker was told "still trying" once

    # An on-call person, in neither channel, claims from their DM: the ladder stops.
    oncall_dm = emu.open_im(ONCALL)
    reply = claim_from(emu, ONCALL, oncall_dm, marked(emu, oncall_dm, ids.ONCALL_MARKER)[0])
    assert "You've claimed it" in reply
    services.worker.run_once()
    assert f"<@{ONCALL}> is on it" in from_bot(emu, dm)[2]["text"]  # status 3: who took it
    card = marked(emu, SUPERVISOR_CHANNEL, ids.CARD_MARKER)[0]
    assert f"Claimed by <@{ONCALL}>" in str(card["blocks"]) and ids.CLAIM not in buttons(card)
    for channel in (BACKUP_CHANNEL, emu.open_im(ONCALL_B)):  # the copies say so too
        copy = emu.messages(channel)[0]
        assert f"Claimed by <@{ONCALL}>" in str(copy["blocks"]) and ids.CLAIM not in buttons(copy)
    for minutes in (5, 5, 60):
        round_(services, clock, minutes)
    assert len(marked(emu, SUPERVISOR_CHANNEL, ids.REMINDER_MARKER)) == 3
    assert len(emu.messages(BACKUP_CHANNEL)) == 1 and len(from_bot(emu, dm)) == 3

    trail = [
        (event, actor, detail)
        for event, actor, detail in services.database.db.execute(
            "SELECT event, actor, detail FROM escalation_events WHERE escalation_id = ? "
            "ORDER BY id",
            [escalation_id],
        ).fetchall()
    ]
    assert trail[0] == ("created", ASKER, "")
    assert [d for e, _, d in trail if e == "reminded"] == ["round 1", "round 2", "round 3"]
    notified = [d for e, _, d in trail if e == "notified"]
    assert notified[0] == f"card to {SUPERVISOR_CHANNEL}"
    assert f"reminder round 3 to {SUPERVISOR_CHANNEL}" in notified
    assert f"backup round 3 to {BACKUP_CHANNEL}" in notified
    assert sum(d.startswith("oncall round 3 to D") for d in notified) == 2
    assert sum(d.startswith("still_trying round 1 to D") for d in notified) == 1
    assert ("claimed", ONCALL, "") in trail  # the acknowledgement, and who
    assert any(d.startswith("claimed to D") for d in notified)  # the asker was told
    assert recorded_events(services.database, escalation_id)[-1][0] == "notified"

    report = build_report(
        services.questions, services.escalations.store, CheckinStore(services.database)
    )
    assert report.urgent == {
        "urgent": 1,
        "unacknowledged": 0,
        "median_minutes": pytest.approx(15),
        "p90_minutes": pytest.approx(15),
        "longest_minutes": pytest.approx(15),
    }


def test_a_backup_channel_member_can_take_it_and_the_on_call_copies_follow(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    escalation_id = raise_urgent(emu, services)
    for _ in range(3):
        round_(services, clock)
    backup = marked(emu, BACKUP_CHANNEL, ids.BACKUP_MARKER)[0]
    assert "You've claimed it" in claim_from(emu, BACKUP_MEMBER, BACKUP_CHANNEL, backup)
    services.worker.run_once()
    assert services.escalations.store.get(escalation_id).state is State.CLAIMED
    for person in (ONCALL, ONCALL_B):
        copy = emu.messages(emu.open_im(person))[0]
        assert f"Claimed by <@{BACKUP_MEMBER}>" in str(copy["blocks"])
        assert "Sent to you as backup after 15 minutes" in str(copy["blocks"])
    report = build_report(services.questions, services.escalations.store)
    assert report.urgent and report.urgent["median_minutes"] == pytest.approx(15)


def test_an_urgent_escalation_still_waiting_counts_as_unacknowledged(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    raise_urgent(emu, services)
    round_(services, clock)
    report = build_report(services.questions, services.escalations.store)
    assert report.urgent == {
        "urgent": 1,
        "unacknowledged": 1,
        "median_minutes": None,
        "p90_minutes": None,
        "longest_minutes": None,
    }


def test_a_spanish_question_escalated_is_followed_in_spanish_and_supervisors_read_english(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    dm = emu.open_im(ASKER)
    question_id = services.questions.record_question(
        ASKER, dm, "dm", "Tiene un cuchillo y no me deja salir", urgent=True, language="es"
    )
    raised = services.escalations.escalate(question_id, ASKER, Kind.URGENT, question_id)
    assert raised.escalation is not None and raised.escalation.language == "es"
    escalation_id = raised.escalation.id
    services.worker.run_once()
    card = marked(emu, SUPERVISOR_CHANNEL, ids.CARD_MARKER)[0]
    assert "Urgent" in card["text"] and "Tiene un cuchillo" in card["text"]

    round_(services, clock)  # 5 minutes: the reminder in English, the asker told in Spanish
    assert "still unclaimed" in marked(emu, SUPERVISOR_CHANNEL, ids.REMINDER_MARKER)[0]["text"]
    still = marked(emu, dm, ids.STILL_TRYING_MARKER + escalation_id)
    assert len(still) == 1 and "Nadie ha tomado tu solicitud todavía" in still[0]["text"]
    assert "Si estás en peligro, llama al 911 ahora." in still[0]["text"]

    assert "You've claimed it" in claim_from(emu, SUPERVISOR, SUPERVISOR_CHANNEL, card)
    services.worker.run_once()
    assert f"<@{SUPERVISOR}> se está encargando" in from_bot(emu, dm)[1]["text"]
    intro = emu.wait_for("chat.postMessage", lambda c: "pidió ayuda" in c.params.get("text", ""))
    assert "is taking it from here" in str(intro.params["blocks"])  # the supervisor's line

    services.escalations.resolve(escalation_id, SUPERVISOR, "Sal de la casa y llama al 911.")
    services.worker.run_once()
    resolved = from_bot(emu, dm)[2]
    assert "marcó tu solicitud como resuelta. ¿Te sirvió?" in resolved["text"]
    assert "Su consejo:" in resolved["text"]
    labels = [
        e["text"]["text"]
        for b in resolved["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Me sirvió", "No me sirvió"]
    card = marked(emu, SUPERVISOR_CHANNEL, ids.CARD_MARKER)[0]
    assert f"Resolved by <@{SUPERVISOR}>" in str(card["blocks"])
