"""Visit check-ins end to end: `/boundary checkin`, "Are you OK?" at the due time and its three
answers, the missed check-in that goes up the ladder with its note, the App Home and its
modal, bad input, a restart between firing and delivering, notes kept out of the log, and a
Spanish-speaking worker checked on in Spanish.

The bot's services and Bolt app run in this process over the emulator's Socket Mode with a
fake engine and an injected clock: the test moves time and runs the workers' passes.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from bot.asking.actions import HELP_NOW
from bot.checkins import actions as ids
from bot.checkins.states import State
from bot.escalation import actions as escalation_ids
from bot.escalation.states import Kind
from bot.services import Services
from tests.bot_harness import (
    ASKER,
    ONCALL,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    in_process_bot,
    setup_backup,
)
from tests.fakes import Clock
from tests.slack_emulator import SlackEmulator, payloads

NOTE = "Mrs Lee, 12 Oak St <!channel>"
ESCAPED_NOTE = "Mrs Lee, 12 Oak St &lt;!channel&gt;"
ROSA = "U0ROSA"  # a worker whose Slack is in Spanish


# --- helpers ------------------------------------------------------------------------------
def command(emu: SlackEmulator, text: str, user: str = ASKER) -> dict[str, Any]:
    """`/boundary TEXT` by `user`; returns what the bot acknowledged with."""
    form = emu.slash_command_payload("/boundary", text, user)
    return emu.wait_ack(emu.send_envelope("slash_commands", form), timeout=10).get("payload") or {}


def tick(services: Services, clock: Clock, minutes: float) -> None:
    """Time passes; then a pass of the check-in worker and of the delivery worker."""
    clock.advance(minutes)
    services.checkin_worker.run_once()
    services.worker.run_once()


def from_bot(emu: SlackEmulator, user: str = ASKER) -> list[dict[str, Any]]:
    return [m for m in emu.messages(emu.open_im(user)) if m.get("bot_id")]


def prompts(emu: SlackEmulator, user: str = ASKER) -> list[dict[str, Any]]:
    return [
        m
        for m in from_bot(emu, user)
        if m["blocks"][0].get("block_id", "").startswith(ids.PROMPT_MARKER)
    ]


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def click(emu: SlackEmulator, message: dict[str, Any], action_id: str, user: str = ASKER) -> str:
    """Click a button of a message in the user's DM; returns the reply's text."""
    payload = emu.message_button_payload(user, emu.open_im(user), message["ts"], action_id)
    emu.send_envelope("interactive", payload)
    return emu.wait_response(payload["response_url"], timeout=10)["text"]


def cards(emu: SlackEmulator) -> list[dict[str, Any]]:
    return [
        m
        for m in emu.messages(SUPERVISOR_CHANNEL)
        if m["blocks"][0].get("block_id", "").startswith(escalation_ids.CARD_MARKER)
    ]


def checkin_rows(services: Services) -> list[dict[str, Any]]:
    return list(services.database.db["checkins"].rows)


# --- tests --------------------------------------------------------------------------------
def test_a_checkin_answered_im_ok_raises_nothing(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    ack = command(emu, f"checkin 90 {NOTE}")
    assert ack["response_type"] == "ephemeral" and "Check-in set" in ack["text"]
    assert ESCAPED_NOTE in json.dumps(ack) and "<!channel>" not in json.dumps(ack)
    assert action_ids(ack) == [ids.END]

    tick(services, clock, 89)
    assert prompts(emu) == []  # not due yet
    tick(services, clock, 1)
    [prompt] = prompts(emu)
    assert "Are you OK?" in prompt["text"] and ESCAPED_NOTE in json.dumps(prompt["blocks"])
    assert action_ids(prompt) == [ids.OK, ids.EXTEND, ids.HELP]
    assert {
        e["value"] for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]
    } == {checkin_rows(services)[0]["id"]}  # ids only, never the note

    assert "Glad you're OK" in click(emu, prompt, ids.OK)
    assert action_ids(emu.message(emu.open_im(ASKER), prompt["ts"])) == []  # replaced
    for minutes in (10, 10, 60):
        tick(services, clock, minutes)
    assert checkin_rows(services)[0]["state"] == State.OK
    assert services.database.db["escalations"].count == 0
    assert emu.messages(SUPERVISOR_CHANNEL) == [] and len(from_bot(emu)) == 1  # asked once
    assert "already over" in click(emu, prompt, ids.OK)  # a second click changes nothing
    assert services.database.db["escalations"].count == 0


def test_an_ignored_checkin_raises_a_missed_checkin_card_with_the_note(
    emu: SlackEmulator, services: Services, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    command(emu, f"checkin 30 {NOTE}")
    tick(services, clock, 30)
    [prompt] = prompts(emu)
    assert emu.messages(SUPERVISOR_CHANNEL) == []  # the note is nobody else's yet
    tick(services, clock, 9)
    assert cards(emu) == []  # within the grace period
    tick(services, clock, 1)
    [card] = cards(emu)
    assert "Missed check-in" in card["text"] and f"<@{ASKER}>" in card["text"]
    shown = json.dumps(card["blocks"])
    assert "Check-in note" in shown and ESCAPED_NOTE in shown and "<!channel>" not in shown
    assert escalation_ids.CLAIM in [
        e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    told = from_bot(emu)[-1]
    assert "You didn't answer your check-in" in told["text"] and "call 911" in told["text"]

    tick(services, clock, 5)  # it climbs the same ladder as any urgent escalation
    reminder = emu.messages(SUPERVISOR_CHANNEL)[-1]
    assert "missed check-in" in reminder["text"] and f"<@{ONCALL}>" in reminder["text"]
    assert "Nobody has taken your request yet" in from_bot(emu)[-1]["text"]

    reply = click(emu, prompt, ids.OK)  # the worker answers at last: supervisors are told
    assert "I've told them you're OK" in reply
    services.worker.run_once()
    assert "Answered the check-in late" in json.dumps(cards(emu)[0]["blocks"])
    escalation = services.escalations.store.get(checkin_rows(services)[0]["escalation_id"])
    assert escalation.kind is Kind.MISSED_CHECKIN and escalation.question == NOTE
    assert "Mrs Lee" not in caplog.text and "Oak St" not in caplog.text  # never logged


def test_add_30_minutes_then_end_early(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    command(emu, "checkin 20")
    tick(services, clock, 20)
    [first] = prompts(emu)
    assert "check on you again at" in click(emu, first, ids.EXTEND)
    tick(services, clock, 10)
    assert cards(emu) == []  # the extension is not a miss
    tick(services, clock, 20)
    replaced, second = prompts(emu)  # asked again 30 minutes after the answer
    assert replaced["ts"] == first["ts"] and action_ids(replaced) == []  # answered: no buttons
    assert second["blocks"][0]["block_id"].endswith(":2") and ids.OK in action_ids(second)
    ack = command(emu, "checkin end")
    assert "Check-in ended" in ack["text"]
    for minutes in (10, 30):
        tick(services, clock, minutes)
    assert cards(emu) == [] and checkin_rows(services)[0]["state"] == State.ENDED
    assert "already over" in click(emu, second, ids.OK)
    assert "no check-in running" in command(emu, "checkin end")["text"]


def test_a_late_answer_never_makes_a_retried_prompt_post_twice(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    """ "Are you OK?" lands but Slack's answer is lost; the worker answers it late, which
    replaces the message; the retry must still find it (the reply keeps its marker)."""
    emu.set_time(clock)  # Slack's ts and the bot's times agree while the test moves time
    command(emu, "checkin 10")
    clock.advance(10)
    assert services.checkin_worker.run_once() == 1  # fired
    emu.fail_next("chat.postMessage", drop_after=True)
    assert services.worker.run_once() == 0  # failed, as far as the bot can tell
    [prompt] = prompts(emu)
    clock.advance(10)
    assert services.checkin_worker.run_once() == 1  # missed; the prompt not retried yet
    assert "told them you're OK" in click(emu, prompt, ids.OK)
    services.worker.run_once()  # the retry, after the reply replaced the message
    dm = emu.open_im(ASKER)
    asked = [
        m
        for m in from_bot(emu)
        if emu.message_history(dm, m["ts"])[0]["blocks"][0]["block_id"].startswith(
            ids.PROMPT_MARKER
        )
    ]
    assert len(asked) == 1 and services.database.db.execute(
        "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
    ).fetchone() == (0,)


def test_i_need_help_now_raises_an_urgent_escalation_at_once(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    command(emu, "checkin 15 Flat 3")
    tick(services, clock, 15)
    reply = click(emu, prompts(emu)[0], ids.HELP)
    assert "I've alerted the supervisors" in reply and "call 911" in reply
    services.worker.run_once()
    [card] = cards(emu)
    assert "Urgent" in card["text"] and "I need help now" in card["text"]
    assert "Flat 3" in json.dumps(card["blocks"])
    tick(services, clock, 30)  # it is no check-in any more: nothing is missed
    assert len(cards(emu)) == 1 and checkin_rows(services)[0]["state"] == State.HELP


@pytest.mark.parametrize(
    "text",
    ["checkin abc", "checkin 0", "checkin -5", "checkin 721", "checkin", "checkin 90.5"],
)
def test_bad_input_gets_a_usage_line_and_creates_nothing(
    emu: SlackEmulator, services: Services, text: str
) -> None:
    ack = command(emu, text)
    assert ack["response_type"] == "ephemeral"
    assert "/boundary checkin" in ack["text"] and "\n" not in ack["text"]
    assert checkin_rows(services) == [] and services.database.db["outbox"].count == 0


def test_the_app_home_starts_one_and_shows_supervisors_the_overdue(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    open_home(emu, ASKER)
    home = emu.home_view(ASKER)
    assert ids.START in action_ids_of_view(home)
    emu.send_envelope("interactive", emu.home_button_payload(ASKER, ids.START, "start"))
    modal = emu.wait_for("views.open", lambda c: c.ok, 10).response["view"]

    bad = submit(emu, modal, "0", "")
    assert bad["response_action"] == "errors" and ids.MINUTES_BLOCK in bad["errors"]
    assert checkin_rows(services) == []
    assert submit(emu, modal, "45", "Flat 3 <!here>").get("response_action") != "errors"
    [row] = checkin_rows(services)
    assert row["minutes"] == 45 and row["note"] == "Flat 3 <!here>"
    services.homes.run_once()
    mine = json.dumps(emu.home_view(ASKER))
    assert "Check-in running" in mine and "Flat 3 &lt;!here&gt;" in mine

    open_home(emu, SUPERVISOR)
    assert "Overdue check-ins (0)" in json.dumps(emu.home_view(SUPERVISOR))
    tick(services, clock, 45)
    services.homes.run_once()
    overdue = json.dumps(emu.home_view(SUPERVISOR))
    assert "Overdue check-ins (1)" in overdue and "waiting for their answer" in overdue
    assert "Flat 3" not in overdue  # not missed yet: the note is the worker's alone
    tick(services, clock, 10)
    services.homes.run_once()
    overdue = json.dumps(emu.home_view(SUPERVISOR))
    assert "missed" in overdue and "Flat 3 &lt;!here&gt;" in overdue


def test_the_worker_ends_it_from_the_app_home(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    command(emu, "checkin 60 Flat 3")
    open_home(emu, ASKER)
    assert action_ids_of_view(emu.home_view(ASKER)) == [ids.EXTEND, ids.HELP, ids.END]
    [checkin_id] = [row["id"] for row in checkin_rows(services)]
    emu.send_envelope("interactive", emu.home_button_payload(ASKER, ids.END, checkin_id))
    deadline = time.monotonic() + 10  # the listener runs on Bolt's threads
    while checkin_rows(services)[0]["state"] != State.ENDED and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services.homes.run_once() == 1  # the click asked for the clicker's Home
    assert from_bot(emu) == []  # the Home says it: no DM
    assert action_ids_of_view(emu.home_view(ASKER)) == [ids.START]
    tick(services, clock, 90)
    assert prompts(emu) == [] and cards(emu) == []


def test_a_note_too_long_is_refused_in_the_modal(emu: SlackEmulator, services: Services) -> None:
    open_home(emu, ASKER)
    emu.send_envelope("interactive", emu.home_button_payload(ASKER, ids.START, "start"))
    modal = emu.wait_for("views.open", lambda c: c.ok, 10).response["view"]
    refused = submit(emu, modal, "30", "x" * 301)
    assert refused["response_action"] == "errors" and list(refused["errors"]) == [ids.NOTE_BLOCK]
    assert checkin_rows(services) == []


def test_a_restart_between_firing_and_delivering_asks_once(
    emu: SlackEmulator, tmp_path: Path, clock: Clock
) -> None:
    setup_backup(emu)
    with in_process_bot(emu, tmp_path, clock) as first:
        command(emu, "checkin 10")
        clock.advance(10)
        assert first.checkin_worker.run_once() == 1  # fired: committed with its delivery...
    with in_process_bot(emu, tmp_path, clock) as again:  # ...and the process died there
        assert again.checkin_worker.run_once() == 0  # not fired twice
        again.worker.start()  # what serve does: pending deliveries resume at once
        try:
            emu.wait_for(
                "chat.postMessage", lambda c: c.ok and "Are you OK?" in c.params["text"], 10
            )
        finally:
            again.worker.stop()
        again.worker.run_once()
        assert len(prompts(emu)) == 1


# --- App Home helpers ---------------------------------------------------------------------
def open_home(emu: SlackEmulator, user: str) -> None:
    count = len([c for c in emu.calls_to("views.publish") if c.params["user_id"] == user])
    emu.send_event(payloads.app_home_opened(user, view=emu.home_view(user)))
    emu.wait_for(
        "views.publish", lambda c: c.ok and c.params["user_id"] == user, 10, count=count + 1
    )


def action_ids_of_view(view: dict[str, Any] | None) -> list[str]:
    """The check-in buttons of a view (the Home's I need help now is not the panel's)."""
    assert view is not None
    elements = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return [e["action_id"] for e in elements if e["action_id"] != HELP_NOW]


def submit(emu: SlackEmulator, modal: dict[str, Any], minutes: str, note: str) -> dict[str, Any]:
    values = {
        ids.MINUTES_BLOCK: {ids.MINUTES_INPUT: {"type": "number_input", "value": minutes}},
        ids.NOTE_BLOCK: {ids.NOTE_INPUT: note},
    }
    body = payloads.view_submission(
        ASKER, modal["callback_id"], modal.get("private_metadata", ""), values, view_id=modal["id"]
    )
    return emu.wait_ack(emu.send_envelope("interactive", body), timeout=10).get("payload") or {}


def test_a_note_in_spanish_is_answered_in_spanish_before_slack_is_asked(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    """Her first contact with the bot: no question asked, no Slack language cached yet; the
    note's own language decides, as a question's does for its answer."""
    emu.add_user(ROSA, "rosa", locale="es-LA")
    ack = command(emu, "checkin 45 casa de la señora López", ROSA)
    assert ack["text"].startswith(":stopwatch: Check-in listo.")
    tick(services, clock, 45)
    [prompt] = prompts(emu, ROSA)
    assert prompt["text"].startswith("¿Estás bien?")
    assert command(emu, "checkin 30 kitchen at the Hills")["text"].startswith(
        ":stopwatch: Check-in set."
    )


def test_a_spanish_speaking_worker_is_checked_on_in_spanish(
    emu: SlackEmulator, services: Services, clock: Clock
) -> None:
    emu.add_user(ROSA, "rosa", locale="es-LA")  # her Slack is in Spanish; she asked nothing
    services.questions.record_question(ROSA, emu.open_im(ROSA), "dm", "Hola", language="es")
    ack = command(emu, "checkin 30 Sra. García", ROSA)  # before the ack: her last question's
    assert ack["text"].startswith(":stopwatch: Check-in listo. Te pregunto si estás bien")
    assert command(emu, "checkin mucho", ROSA)["text"].startswith("Un check-in necesita")
    tick(services, clock, 30)
    [prompt] = prompts(emu, ROSA)
    assert prompt["text"] == "¿Estás bien? Llegó la hora de tu check-in de visita."
    shown = [
        e["text"]["text"] for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert shown == ["Estoy bien", "30 minutos más", "Necesito ayuda ya"]

    tick(services, clock, 10)  # missed: supervisors read English, she reads Spanish
    [card] = cards(emu)
    assert "Missed check-in" in card["text"]
    told = from_bot(emu, ROSA)[-1]
    assert told["text"].startswith(":bell: No respondiste a tu check-in, así que avisé")
    assert "llama al 911 ahora" in told["text"]
    tick(services, clock, 5)
    assert "missed check-in" in emu.messages(SUPERVISOR_CHANNEL)[-1]["text"]
    assert "Nadie ha tomado tu solicitud todavía" in from_bot(emu, ROSA)[-1]["text"]
    assert "les avisé que estás bien" in click(emu, prompt, ids.OK, ROSA)
