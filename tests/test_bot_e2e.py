"""End to end: the real `boundary-bot serve` process, in Socket Mode and in HTTP mode, against
the Slack emulator. One bot process per mode is shared by the module (the model loads once);
each test uses its own asker so their DMs never mix.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest

from bot.asking.actions import HELP_NOW, HELPFUL, NOT_HELPFUL, SHOW_GUIDANCE
from bot.asking.strings import strings
from bot.escalation.actions import (
    ADD_DETAILS,
    CARD_MARKER,
    CLAIM,
    DETAILS_CALLBACK,
    ESCALATE,
    HANDOVER,
    REMINDER_MARKER,
    RESOLUTION_HELPFUL,
    RESOLUTION_NOT_HELPFUL,
    RESOLVE,
    RESOLVE_CALLBACK,
)
from tests.bot_harness import (
    APP_TOKEN,
    BOT_TOKEN,
    OUTSIDER,
    PUBLIC_CHANNEL,
    SIGNING_SECRET,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    BotProcess,
    Delivery,
    all_text,
    ask_dm,
    buttons,
    card_for,
    click,
    open_home,
    opened_modal,
    posts_to,
    resolve_values,
    submission,
    wait_post,
)
from tests.slack_emulator import ApiCall, SlackEmulator, payloads, signing

_askers = itertools.count(1)


@pytest.fixture
def asker(bot: BotProcess) -> str:
    user = f"U0ASK{next(_askers):03d}"
    bot.emu.add_user(user, user.lower())
    return user


# --- helpers ------------------------------------------------------------------------------
def escalate(slack: Delivery, user: str, question: str) -> tuple[dict[str, Any], ApiCall]:
    """Ask, click "Talk to a supervisor"; returns (the answer, the card's postMessage call)."""
    event, answer = ask_dm(slack, user, question)
    click(slack, user, event["channel"], answer["ts"], ESCALATE)
    card = slack.emu.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok
            and c.params["channel"] == SUPERVISOR_CHANNEL
            and f"<@{user}>" in c.params.get("text", "")
        ),
        15,
    )
    return answer, card


# --- asking -------------------------------------------------------------------------------
def test_a_failure_is_never_silent(slack: Delivery, asker: str) -> None:
    """The answer cannot be posted: the asker still gets an apology with the supervisor button.

    Runs first in each mode, before any escalation whose reminders could take the failure."""
    emu = slack.emu
    emu.fail_next("chat.postMessage", error="msg_too_long")
    event = emu.post_user_message(asker, "Can I accept a box of chocolates?")
    slack.event(event)
    apology = wait_post(emu, event["channel"])
    assert "Sorry, something went wrong" in apology.params["text"]
    assert [b["action_id"] for b in buttons(apology.params)] == [ESCALATE, HELP_NOW]


def test_unhandled_interactions_are_still_acknowledged(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    event, answer = ask_dm(slack, asker, "Can I accept a box of chocolates?")
    payload = emu.message_button_payload(asker, event["channel"], answer["ts"], HELPFUL)
    payload["actions"][0]["action_id"] = "some_retired_button"
    slack.interaction(payload)  # raises unless acked (200 / envelope ack)


def test_dm_question_gets_an_answer_with_citations_and_buttons(slack: Delivery, asker: str) -> None:
    _, answer = ask_dm(slack, asker, "A client offered me a cash tip of $50. Can I take it?")
    text = all_text(answer)
    assert "Gifts and tips &gt; Cash tips" in text  # doc > section citation (escaped `>`)
    assert answer["text"]  # plain fallback
    ids = [b["action_id"] for b in buttons(answer)]
    assert ids == [SHOW_GUIDANCE, ESCALATE, HELP_NOW, HELPFUL, NOT_HELPFUL, HANDOVER]
    assert {len(b["value"]) for b in buttons(answer)} == {32}  # an id, never the question


def test_boundary_command_answers_ephemerally_at_response_url(slack: Delivery, asker: str) -> None:
    form = slack.emu.slash_command_payload(
        "/boundary", "Can I give the client my personal phone number?", asker, PUBLIC_CHANNEL
    )
    slack.command(form)
    reply = slack.emu.wait_response(form["response_url"], timeout=15)
    assert reply["response_type"] == "ephemeral"
    assert "Contact details &gt; Personal phone numbers" in all_text(reply)
    assert not posts_to(slack.emu, PUBLIC_CHANNEL)  # nothing visible to the channel


def test_boundary_help_shows_usage_with_examples_and_help_now(slack: Delivery, asker: str) -> None:
    form = slack.emu.slash_command_payload("/boundary", "help", asker, PUBLIC_CHANNEL)
    slack.command(form)
    usage = slack.emu.wait_response(form["response_url"], timeout=15)
    assert usage["response_type"] == "ephemeral"
    assert all(example in all_text(usage) for example in strings("en").examples)
    assert [b["action_id"] for b in buttons(usage)] == [HELP_NOW]


def test_redelivered_event_is_answered_once(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    event = emu.post_user_message(asker, "Can I accept a watch as a gift from a client?")
    body = signing_body(emu, event)
    slack.event_body(body)
    wait_post(emu, event["channel"])
    slack.event_body(body, retry=1)  # Slack's retry: same event_id, same message ts
    time.sleep(1.5)
    assert len(posts_to(emu, event["channel"])) == 1


def signing_body(emu: SlackEmulator, event: dict[str, Any]) -> dict[str, Any]:
    return payloads.event_callback(
        event, team_id=emu.team_id, api_app_id=emu.app_id, bot_user_id=emu.bot_user_id
    )


def test_bot_ignores_edits_and_its_own_messages(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    channel = emu.open_im(asker)
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": channel,
        "channel_type": "im",
        "hidden": True,
        "ts": "1700000000.000200",
        "event_ts": "1700000000.000200",
        "message": {"type": "message", "user": asker, "text": "edited", "ts": "1700000000.000100"},
    }
    slack.event(edit)  # acked (Socket Mode waits for the ack) but not answered
    own = {**emu.post_user_message(asker, "x"), "user": emu.bot_user_id, "bot_id": emu.bot_id}
    slack.event(own)
    time.sleep(1)
    assert not posts_to(emu, channel)


# --- escalation ---------------------------------------------------------------------------
def test_escalate_claim_notifies_asker_and_opens_group_dm(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    question = "A client offered me a cash tip <!channel> <@U0SUP> what now?"
    answer, card_call = escalate(slack, asker, question)
    card = emu.message(SUPERVISOR_CHANNEL, card_call.response["ts"])
    text = all_text(card)
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text  # injection is inert
    assert f"<@{asker}>" in text and "Question" in text and "<!date^" in text
    assert "Gifts and tips &gt; Cash tips" in text  # what the bot answered
    assert [b["action_id"] for b in buttons(card)] == [CLAIM, RESOLVE]

    # A second click on "Talk to a supervisor" does not raise a second escalation.
    click(slack, asker, emu.open_im(asker), answer["ts"], ESCALATE)
    time.sleep(1)
    cards = [c for c in posts_to(emu, SUPERVISOR_CHANNEL) if f"<@{asker}>" in c.params["text"]]
    assert len(cards) == 1

    # A supervisor claims: card updated, asker told, group DM opened with the question.
    click(slack, SUPERVISOR, SUPERVISOR_CHANNEL, card["ts"], CLAIM)
    emu.wait_for(
        "chat.update",
        lambda c: (
            c.ok
            and c.params["ts"] == card["ts"]
            and f"Claimed by <@{SUPERVISOR}>" in all_text(c.params)
        ),
        15,
    )
    notice = wait_post(emu, emu.open_im(asker), count=2)  # after the answer
    assert f"<@{SUPERVISOR}> is on it" in notice.params["text"]
    opened = emu.wait_for(
        "conversations.open",
        lambda c: c.ok and set(c.params["users"].split(",")) == {asker, SUPERVISOR},
        15,
    )
    group = opened.response["channel"]["id"]
    first = wait_post(emu, group)
    assert "&lt;!channel&gt;" in all_text(first.params) and "cash tip" in all_text(first.params)
    assert emu.messages(group)[0]["ts"] == first.response["ts"]  # its first message


def test_resolve_tells_the_asker_and_asks_whether_it_helped(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    _, card_call = escalate(slack, asker, "Can I accept a watch from a client?")
    ts = card_call.response["ts"]
    click(slack, SUPERVISOR, SUPERVISOR_CHANNEL, ts, RESOLVE)
    modal = opened_modal(emu, RESOLVE_CALLBACK)  # "What did you advise?"
    empty = slack.interaction(submission(SUPERVISOR, modal, resolve_values("  ")))
    assert empty["response_action"] == "errors" and "advice" in empty["errors"]
    advice = "Thank them <!here> and decline the watch: it belongs with the family."
    slack.interaction(submission(SUPERVISOR, modal, resolve_values(advice)))
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    assert f"Resolved by <@{SUPERVISOR}>" in all_text(emu.message(SUPERVISOR_CHANNEL, ts))
    assert buttons(emu.message(SUPERVISOR_CHANNEL, ts)) == []
    dm = emu.open_im(asker)
    notice = wait_post(emu, dm, count=2)  # after the answer
    assert "resolved" in notice.params["text"]
    assert "decline the watch" in all_text(notice.params)  # the advice, quoted
    assert "&lt;!here&gt;" in all_text(notice.params) and "<!here>" not in all_text(notice.params)
    assert [b["action_id"] for b in buttons(notice.params)] == [
        RESOLUTION_HELPFUL,
        RESOLUTION_NOT_HELPFUL,
    ]
    url = click(slack, asker, dm, notice.response["ts"], RESOLUTION_HELPFUL)
    assert "Thanks for the feedback" in emu.wait_response(url, 15)["text"]


def test_outsider_claim_is_refused_and_changes_nothing(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    _, card_call = escalate(slack, asker, "Can I give a client my personal phone number?")
    ts = card_call.response["ts"]
    url = click(slack, OUTSIDER, SUPERVISOR_CHANNEL, ts, CLAIM)
    refusal = emu.wait_response(url, timeout=15)
    assert refusal["response_type"] == "ephemeral"
    assert "Only supervisors" in refusal["text"]
    url = click(slack, OUTSIDER, SUPERVISOR_CHANNEL, ts, RESOLVE)
    assert "Only supervisors" in emu.wait_response(url, timeout=15)["text"]
    time.sleep(1)
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1  # never updated
    assert "Open" in all_text(emu.message(SUPERVISOR_CHANNEL, ts))
    assert not [c for c in emu.calls_to("conversations.open") if OUTSIDER in str(c.params)]


def test_urgent_question_escalates_by_itself_and_climbs_until_claimed(
    slack: Delivery, asker: str
) -> None:
    emu = slack.emu
    _, answer = ask_dm(slack, asker, "The client threatened to hit me and I feel unsafe")
    text = all_text(answer)
    assert answer["blocks"][0]["text"]["text"].startswith(":rotating_light:")
    assert "Do this now" in text and "supervisors have been alerted" in text
    card = emu.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok
            and c.params["channel"] == SUPERVISOR_CHANNEL
            and f"<@{asker}>" in c.params["text"]
            and "Urgent" in c.params["text"]
        ),
        15,
    )
    escalation_id = card.params["blocks"][0]["block_id"].removeprefix(CARD_MARKER)
    assert [b["value"] for b in buttons(answer) if b["action_id"] == ADD_DETAILS] == [escalation_id]

    def is_reminder(call: ApiCall) -> bool:
        marker = call.params["blocks"][0].get("block_id", "")
        return call.ok and marker.startswith(f"{REMINDER_MARKER}{escalation_id}:")

    emu.wait_for("chat.postMessage", is_reminder, 20, count=2)  # every 0.05 min, unclaimed
    still = wait_post(emu, emu.open_im(asker), count=2)  # after the answer
    assert "Nobody has taken your request yet" in still.params["text"]
    click(slack, SUPERVISOR, SUPERVISOR_CHANNEL, card.response["ts"], CLAIM)
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == card.response["ts"], 15)
    time.sleep(1)  # a reminder already in flight when the claim landed may still finish
    reminded = len([c for c in emu.calls_to("chat.postMessage") if is_reminder(c)])
    time.sleep(7)  # more than two reminder periods: the claim stopped the ladder
    assert len([c for c in emu.calls_to("chat.postMessage") if is_reminder(c)]) == reminded


def test_details_added_after_escalating_reach_the_card(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    event, answer = ask_dm(slack, asker, "Can I accept jewellery from a client?")
    dm = event["channel"]
    confirmation = emu.wait_response(click(slack, asker, dm, answer["ts"], ESCALATE), 15)
    card = card_for(emu, asker)
    assert confirmation["response_type"] == "ephemeral" and "Done" in confirmation["text"]
    slack.interaction(
        payloads.block_actions(
            asker,
            ADD_DETAILS,
            None,
            message={**confirmation, "ts": answer["ts"]},
            channel_id=dm,
            response_url=emu.new_response_url("actions", channel=dm, user=asker),
            trigger_id=emu.new_trigger_id(),
            is_ephemeral=True,
        )
    )
    modal = opened_modal(emu, DETAILS_CALLBACK)
    ack = slack.interaction(
        payloads.view_submission(
            asker,
            modal["callback_id"],
            modal["private_metadata"],
            {"details": {"details_text": "She insisted <!here>"}},
            view_id=modal["id"],
        )
    )
    assert ack.get("response_action") != "errors"
    update = emu.wait_for(
        "chat.update", lambda c: c.ok and c.params["ts"] == card.response["ts"], 15
    )
    assert update.params["channel"] == SUPERVISOR_CHANNEL
    assert "She insisted &lt;!here&gt;" in all_text(update.params)
    assert "<!here>" not in all_text(update.params)


# --- App Home -----------------------------------------------------------------------------
def test_app_home_shows_own_requests_and_the_queue_to_supervisors(
    slack: Delivery, asker: str
) -> None:
    home = open_home(slack, asker)
    assert "Your recent requests" in all_text(home) and "Supervisor queue" not in all_text(home)
    assert "haven't asked" in all_text(home)

    _, card = escalate(slack, asker, "A client wants me to walk their dog after my shift")
    home = open_home(slack, asker)
    assert "Open" in all_text(home) and "walk their dog" in all_text(home)
    queue = open_home(slack, SUPERVISOR)
    assert "Supervisor queue" in all_text(queue)
    escalation_id = card.params["blocks"][0]["block_id"].removeprefix(CARD_MARKER)
    assert escalation_id in [b["value"] for b in buttons(queue) if b["action_id"] == CLAIM]


def test_claim_from_app_home_is_authorized_too(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    _, card = escalate(slack, asker, "Can a client lend me their car for the weekend?")
    escalation_id = card.params["blocks"][0]["block_id"].removeprefix(CARD_MARKER)
    ts = card.response["ts"]

    open_home(slack, OUTSIDER)  # no Claim buttons there, so forge the click
    slack.interaction(emu.home_button_payload(OUTSIDER, CLAIM, escalation_id))
    refusal = wait_post(emu, emu.open_im(OUTSIDER))
    assert "Only supervisors" in refusal.params["text"]
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1

    open_home(slack, SUPERVISOR)
    slack.interaction(emu.home_button_payload(SUPERVISOR, CLAIM, escalation_id))
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    assert f"Claimed by <@{SUPERVISOR}>" in all_text(emu.message(SUPERVISOR_CHANNEL, ts))
    emu.wait_for(  # the Home is refreshed for the supervisor who clicked
        "views.publish",
        lambda c: (
            c.params["user_id"] == SUPERVISOR
            and f"Claimed by <@{SUPERVISOR}>" in json.dumps(c.params["view"])
        ),
        15,
    )


# --- HTTP only ----------------------------------------------------------------------------
def test_healthz_was_503_while_loading_then_200(bot: BotProcess) -> None:
    if bot.mode != "http":
        pytest.skip("HTTP mode only")
    assert 503 in bot.health and bot.health[-1] == 200
    assert bot.get("/healthz")[0] == 200


def test_unsigned_and_stale_requests_are_rejected(bot: BotProcess, asker: str) -> None:
    if bot.mode != "http":
        pytest.skip("HTTP mode only")
    emu = bot.emu
    event = emu.post_user_message(asker, "Can I take a tip?")
    body = signing_body(emu, event)
    url = bot.url + "/slack/events"
    assert signing.signed_post(url, body, "wrong-secret")[0] == 401
    stale = int(time.time()) - 10 * 60
    assert signing.signed_post(url, body, SIGNING_SECRET, timestamp=stale)[0] == 401
    time.sleep(1)
    assert not posts_to(emu, event["channel"])


def test_logs_hold_no_tokens_and_no_question_text(bot: BotProcess) -> None:
    """Runs last in each mode, over everything the bot logged for the tests above."""
    log = bot.log()
    assert "ready" in log
    assert "will be unused" not in log  # Bolt's misleading warning about SLACK_BOT_TOKEN
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert secret not in log
    for words in ("chocolates", "jewellery", "threatened", "walk their dog", "cash tip"):
        assert words not in log
