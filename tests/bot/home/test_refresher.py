"""App Home stays current for the people looking at it: when an escalation is raised, claimed,
resolved or cancelled, the asker's and the supervisors' open Home tabs are published again,
and only theirs. The bot's own Bolt app runs in this process over the emulator's Socket Mode
(no model: escalations are raised through the service, as the urgent path does)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.escalation import actions as ids
from bot.escalation.states import Kind, State
from bot.services import Services
from bot.storage import DAY
from tests.bot_harness import (
    ASKER,
    OUTSIDER,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    escalate,
    in_process_bot,
    opened_modal,
    resolve_values,
    submission,
)
from tests.slack_emulator import ApiCall, SlackEmulator, payloads

OTHER_SUPERVISOR, SILENT_SUPERVISOR = "U0SUPB", "U0SUPC"  # B opens Home; C never does


@pytest.fixture
def services(emu: SlackEmulator, tmp_path: Path) -> Iterator[Services]:
    """The bot's services and Bolt app as `serve` builds them, connected in Socket Mode, with
    their background threads running."""
    for user in (OTHER_SUPERVISOR, SILENT_SUPERVISOR):
        emu.add_user(user, user.lower())
        emu.set_member(SUPERVISOR_CHANNEL, user)
    with in_process_bot(emu, tmp_path, time.time) as built:  # the engine is never asked here
        built.start()
        try:
            yield built
        finally:
            built.stop()


# --- helpers ------------------------------------------------------------------------------
def publishes(emu: SlackEmulator, user: str) -> list[ApiCall]:
    return [c for c in emu.calls_to("views.publish") if c.params["user_id"] == user]


def open_home(emu: SlackEmulator, user: str) -> None:
    """The user opens the Home tab; waits for the view the bot publishes in answer."""
    count = len(publishes(emu, user))
    emu.send_event(payloads.app_home_opened(user, view=emu.home_view(user)))
    emu.wait_for(
        "views.publish", lambda c: c.ok and c.params["user_id"] == user, 10, count=count + 1
    )


def wait_home(
    emu: SlackEmulator, user: str, shows: Callable[[dict[str, Any]], bool], after: int = 0
) -> dict[str, Any]:
    """The first Home published for `user`, past their first `after`, for which `shows`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for call in publishes(emu, user)[after:]:
            if call.ok and shows(call.params["view"]):
                return call.params["view"]
        time.sleep(0.05)
    seen = [text_of(c.params["view"]) for c in publishes(emu, user)[after:]]
    raise AssertionError(f"no such Home for {user} in {len(seen)} published: {seen}")


def claim_buttons(view: dict[str, Any]) -> list[str]:
    return [
        element.get("value")
        for block in view.get("blocks") or []
        for element in block.get("elements") or []
        if element.get("action_id") == ids.CLAIM
    ]


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def card_ts(emu: SlackEmulator) -> str:
    call = emu.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"] == SUPERVISOR_CHANNEL, 10
    )
    return call.response["ts"]


def click_card(emu: SlackEmulator, user: str, ts: str, action_id: str) -> None:
    payload = emu.message_button_payload(user, SUPERVISOR_CHANNEL, ts, action_id)
    emu.wait_ack(emu.send_envelope("interactive", payload), timeout=5)


def submit_resolve(emu: SlackEmulator, user: str, count: int = 1) -> None:
    """`user` fills in the `count`-th Resolve modal opened and submits it."""
    modal = opened_modal(emu, ids.RESOLVE_CALLBACK, count, timeout=10)
    payload = submission(user, modal, resolve_values("Decline politely."))
    emu.wait_ack(emu.send_envelope("interactive", payload), timeout=5)


# --- tests --------------------------------------------------------------------------------
def test_claim_from_the_card_refreshes_every_open_home(
    emu: SlackEmulator, services: Services
) -> None:
    for user in (ASKER, SUPERVISOR, OTHER_SUPERVISOR):
        open_home(emu, user)
    row = escalate(services.questions, services.escalations)
    wait_home(emu, OTHER_SUPERVISOR, lambda v: row.id in claim_buttons(v))
    wait_home(emu, ASKER, lambda v: "*Open*" in text_of(v))

    click_card(emu, SUPERVISOR, card_ts(emu), ids.CLAIM)
    claimed = f"Claimed by <@{SUPERVISOR}>"
    view = wait_home(emu, OTHER_SUPERVISOR, lambda v: claimed in text_of(v))
    assert row.id not in claim_buttons(view)  # nobody else is invited to claim it
    wait_home(emu, ASKER, lambda v: f"*{claimed}*" in text_of(v))
    wait_home(emu, SUPERVISOR, lambda v: claimed in text_of(v))  # opened Home earlier too
    time.sleep(0.5)  # the refresh that reached the others would have reached them by now
    assert publishes(emu, SILENT_SUPERVISOR) == [] and publishes(emu, OUTSIDER) == []


def test_only_people_who_opened_home_lately_are_refreshed(
    emu: SlackEmulator, services: Services
) -> None:
    open_home(emu, SUPERVISOR)
    services.homes.homes.record_opened(OTHER_SUPERVISOR, time.time() - 8 * DAY)  # long ago
    row = escalate(services.questions, services.escalations, Kind.URGENT, text="He threatened me")
    wait_home(emu, SUPERVISOR, lambda v: row.id in claim_buttons(v))

    seen = len(publishes(emu, SUPERVISOR))
    services.escalations.cancel(row.id, ASKER)  # the asker, who never opened Home
    wait_home(emu, SUPERVISOR, lambda v: row.id not in text_of(v), after=seen)
    time.sleep(0.5)
    for user in (ASKER, OTHER_SUPERVISOR, SILENT_SUPERVISOR):
        assert publishes(emu, user) == [], user


def test_resolve_in_app_home_refreshes_the_other_homes(
    emu: SlackEmulator, services: Services
) -> None:
    for user in (ASKER, SUPERVISOR, OTHER_SUPERVISOR):
        open_home(emu, user)
    row = escalate(services.questions, services.escalations)
    wait_home(emu, SUPERVISOR, lambda v: row.id in claim_buttons(v))

    seen = {user: len(publishes(emu, user)) for user in (SUPERVISOR, OTHER_SUPERVISOR)}
    click = emu.home_button_payload(SUPERVISOR, ids.RESOLVE, row.id)
    emu.wait_ack(emu.send_envelope("interactive", click), timeout=5)
    submit_resolve(emu, SUPERVISOR)
    for user, after in seen.items():  # out of the queue everywhere, the clicker's Home too
        wait_home(emu, user, lambda v: row.id not in text_of(v), after)
    wait_home(emu, ASKER, lambda v: "*Resolved* \u00b7" in text_of(v))


def test_a_failing_publish_never_stops_the_claim(
    emu: SlackEmulator, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.home.refresher")
    for user in (ASKER, SUPERVISOR, OTHER_SUPERVISOR):
        open_home(emu, user)
    row = escalate(services.questions, services.escalations)
    ts = card_ts(emu)
    wait_home(emu, OTHER_SUPERVISOR, lambda v: row.id in claim_buttons(v))

    emu.fail_next("views.publish", error="fatal_error", times=3)  # all three refreshes fail
    click_card(emu, SUPERVISOR, ts, ids.CLAIM)
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 10)
    assert f"Claimed by <@{SUPERVISOR}>" in text_of(emu.message(SUPERVISOR_CHANNEL, ts))
    assert services.escalations.store.get(row.id).state is State.CLAIMED
    deadline = time.monotonic() + 10
    while caplog.text.count("not refreshed: fatal_error") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert caplog.text.count("not refreshed: fatal_error") == 3

    seen = len(publishes(emu, OTHER_SUPERVISOR))
    click_card(emu, SUPERVISOR, ts, ids.RESOLVE)  # and the next change is shown again
    submit_resolve(emu, SUPERVISOR)
    wait_home(emu, OTHER_SUPERVISOR, lambda v: row.id not in text_of(v), seen)


def test_a_slow_publish_does_not_delay_the_ack(emu: SlackEmulator, services: Services) -> None:
    """The escalate click commits before it acks; the Home refresh it causes must not wait."""
    open_home(emu, SUPERVISOR)
    question_id = services.questions.record_question(ASKER, "D0ALICE", "dm", "Can I take a tip?")
    dm = emu.open_im(ASKER)
    click = payloads.block_actions(
        ASKER,
        ids.ESCALATE,
        question_id,
        message={"ts": "1.000001", "text": "answer"},
        channel_id=dm,
        response_url=emu.new_response_url("actions", channel=dm, user=ASKER),
    )
    emu.fail_next("views.publish", delay=4)  # a slow answer, then a normal one
    started = time.monotonic()
    emu.wait_ack(emu.send_envelope("interactive", click), timeout=10)
    assert time.monotonic() - started < 2
    wait_home(emu, SUPERVISOR, lambda v: "Can I take a tip?" in text_of(v))
