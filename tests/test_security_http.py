"""Authenticity, authorization, Slack API failures and privacy, against the real
`boundary-bot serve --http` process and the Slack emulator (one process for the module).

* Forged requests (unsigned, wrong secret, tampered, stale, from the future, no timestamp,
  wrong version) get 401 and have no effect at all: no Web API call, no row in bot.db, no
  response_url post. The same requests signed properly do have their effect (the control).
  A signed request whose body is not valid JSON gets 400 (not a 500 Slack would retry); an
  unsigned one, 401 still.
* Only supervisor-channel members claim or resolve, from the card and from App Home; only the
  asker cancels; repeated clicks change nothing twice.
* 429 (Retry-After), 5xx and dropped connections on the bot's own answers are retried.
* The log, at INFO, never holds a token, the signing secret, or any text people typed,
  including the text of forged requests.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.escalation.actions import (
    CANCEL,
    CARD_MARKER,
    CLAIM,
    ESCALATE,
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
    bot_env,
    opened_modal,
    resolve_values,
    run_cli,
    running_bot,
    submission,
    workspace,
)
from tests.slack_emulator import ApiCall, SlackEmulator, payloads, signing

# Every text a person "types" in this module; none may reach the log.
TYPED: list[str] = []
_askers = itertools.count(1)


def typed(text: str) -> str:
    TYPED.append(text)
    return text


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    tmp = tmp_path_factory.mktemp("security-http")
    with running_bot(  # no reminders: nothing may call Slack unless a request asked it to
        "http", tmp, ESCALATION_REMIND_MINUTES="600", ESCALATION_REMIND_URGENT_MINUTES="600"
    ) as process:
        yield process


@pytest.fixture
def asker(bot: BotProcess) -> str:
    user = f"U0SEC{next(_askers):04d}"
    bot.emu.add_user(user, user.lower())
    return user


# --- helpers ------------------------------------------------------------------------------
def db_path(bot: BotProcess) -> Path:
    return Path(bot.env["BOUNDARY_DATA_DIR"]) / "bot.db"


def snapshot(bot: BotProcess) -> dict[str, Any]:
    """Everything a request could change: every table of bot.db, every Slack call."""
    with sqlite3.connect(f"file:{db_path(bot)}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = {t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]"))) for t in tables}
    return {"db": rows, "calls": len(bot.emu.calls)}


def settled(bot: BotProcess, timeout: float = 10) -> dict[str, Any]:
    """A snapshot once earlier requests have finished their work (two alike, 0.5 s apart)."""
    deadline = time.monotonic() + timeout
    last = snapshot(bot)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = snapshot(bot)
        if now == last:
            return now
        last = now
    raise AssertionError("the bot never settled")


def escalation_row(bot: BotProcess, escalation_id: str) -> dict[str, Any]:
    with sqlite3.connect(f"file:{db_path(bot)}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM escalations WHERE id = ?", [escalation_id]).fetchone()
        return dict(row)


def post_raw(url: str, raw: str, content_type: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        url, data=raw.encode(), headers={"Content-Type": content_type, **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def forgeries(raw: str) -> dict[str, tuple[str, dict[str, str]]]:
    """(body, headers) for each way a request can fail verification."""
    now = int(time.time())

    def headers(secret: str, ts: int, body: str = raw) -> dict[str, str]:
        return {
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signing.compute_signature(secret, ts, body),
        }

    tampered = raw.replace("ZQ", "ZX", 1)
    assert tampered != raw
    good = headers(SIGNING_SECRET, now)
    return {
        "unsigned": (raw, {}),
        "wrong secret": (raw, headers("not-the-secret", now)),
        "tampered body": (tampered, good),  # signed, then changed in flight
        "stale (5m10s old)": (raw, headers(SIGNING_SECRET, now - 310)),
        "from the future": (raw, headers(SIGNING_SECRET, now + 310)),
        "no timestamp": (raw, {"X-Slack-Signature": good["X-Slack-Signature"]}),
        "wrong version": (
            raw,
            {**good, "X-Slack-Signature": "v1=" + good["X-Slack-Signature"][3:]},
        ),
        "signature of another body": (raw, headers(SIGNING_SECRET, now, raw + " ")),
    }


def assert_all_rejected(bot: BotProcess, raw: str, content_type: str) -> None:
    before = settled(bot)
    url = bot.url + "/slack/events"
    statuses = {
        name: post_raw(url, body, content_type, headers)
        for name, (body, headers) in forgeries(raw).items()
    }
    assert statuses == dict.fromkeys(statuses, 401)
    time.sleep(1.5)  # time for any (wrong) effect to show
    assert_unchanged(before, snapshot(bot))


def assert_unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    changed = {
        table: (set(after["db"][table]) ^ set(rows))
        for table, rows in before["db"].items()
        if after["db"].get(table) != rows
    }
    assert not changed, changed
    assert after["calls"] == before["calls"]


def wait_post(emu: SlackEmulator, channel: str, count: int = 1, timeout: float = 15) -> ApiCall:
    return emu.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"] == channel, timeout, count=count
    )


def posts_to(emu: SlackEmulator, channel: str) -> list[ApiCall]:
    return [c for c in emu.calls_to("chat.postMessage") if c.ok and c.params["channel"] == channel]


def ask_dm(slack: Delivery, user: str, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    emu = slack.emu
    event = emu.post_user_message(user, typed(text))
    slack.event(event)
    call = wait_post(emu, event["channel"])
    return event, emu.message(event["channel"], call.response["ts"])


def escalate(slack: Delivery, user: str, question: str) -> tuple[str, str]:
    """Ask and click "Talk to a supervisor"; returns (escalation id, the card's ts)."""
    emu = slack.emu
    event, answer = ask_dm(slack, user, question)
    slack.interaction(emu.message_button_payload(user, event["channel"], answer["ts"], ESCALATE))
    card = emu.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok
            and c.params["channel"] == SUPERVISOR_CHANNEL
            and c.params["blocks"][0].get("block_id", "").startswith(CARD_MARKER)
            and f"<@{user}>" in c.params["text"]
        ),
        15,
    )
    escalation_id = card.params["blocks"][0]["block_id"].removeprefix(CARD_MARKER)
    deadline = time.monotonic() + 10
    while not escalation_row(slack.bot, escalation_id)["card_ts"]:  # the outbox recorded it
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return escalation_id, card.response["ts"]


def open_home(slack: Delivery, user: str) -> None:
    emu = slack.emu
    published = len([c for c in emu.calls_to("views.publish") if c.params["user_id"] == user])
    slack.event(payloads.app_home_opened(user, view=emu.home_view(user)))
    emu.wait_for(
        "views.publish", lambda c: c.ok and c.params["user_id"] == user, 15, count=published + 1
    )


def dm_texts(emu: SlackEmulator, user: str) -> list[str]:
    return [m.get("text", "") for m in emu.messages(emu.open_im(user))]


# --- authenticity -------------------------------------------------------------------------
def test_forged_dm_event_is_rejected_and_changes_nothing(bot: BotProcess, asker: str) -> None:
    emu = bot.emu
    event = emu.post_user_message(asker, typed("ZQ forged event: may I accept a gold ring?"))
    body = payloads.event_callback(
        event, team_id=emu.team_id, api_app_id=emu.app_id, bot_user_id=emu.bot_user_id
    )
    assert_all_rejected(bot, json.dumps(body), signing.JSON)
    # The control: signed properly, the same event is answered.
    assert signing.post_event(bot.url + "/slack/events", body, SIGNING_SECRET)[0] == 200
    wait_post(emu, event["channel"])


def test_forged_slash_command_is_rejected_and_changes_nothing(bot: BotProcess, asker: str) -> None:
    emu = bot.emu
    form = emu.slash_command_payload(
        "/boundary", typed("ZQ forged command: may I borrow the client's car?"), asker
    )
    assert_all_rejected(bot, urlencode(form), signing.FORM)
    assert emu.response_posts(form["response_url"]) == []
    assert signing.post_command(bot.url + "/slack/events", form, SIGNING_SECRET)[0] == 200
    assert emu.wait_response(form["response_url"], timeout=15)["response_type"] == "ephemeral"


def test_forged_claim_click_is_rejected_and_changes_nothing(
    slack: Delivery, bot: BotProcess, asker: str
) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "May I accept a bracelet from a client?")
    payload = emu.message_button_payload(SUPERVISOR, SUPERVISOR_CHANNEL, ts, CLAIM)
    payload["user"]["name"] = "ZQ"  # somewhere to tamper with
    raw = urlencode({"payload": json.dumps(payload)})
    assert_all_rejected(bot, raw, signing.FORM)
    assert escalation_row(bot, escalation_id)["state"] == "open"
    assert emu.response_posts(payload["response_url"]) == []
    assert signing.post_interaction(bot.url + "/slack/events", payload, SIGNING_SECRET)[0] == 200
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    assert escalation_row(bot, escalation_id)["state"] == "claimed"


def test_forged_view_submission_is_rejected(bot: BotProcess, slack: Delivery, asker: str) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "May I accept a painting from a client?")
    submission = payloads.view_submission(
        asker,
        "escalation_details",
        escalation_id,
        {"details": {"details_text": typed("ZQ forged details <!channel>")}},
    )
    assert_all_rejected(bot, urlencode({"payload": json.dumps(submission)}), signing.FORM)
    assert escalation_row(bot, escalation_id)["details"] == "[]"
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1


def test_unsigned_ssl_check_and_url_verification_have_no_effect(
    bot: BotProcess, asker: str
) -> None:
    """Bolt answers Slack's ssl_check before verifying; it must still do nothing else."""
    emu = bot.emu
    form = emu.slash_command_payload("/boundary", typed("ZQ ssl check smuggled question"), asker)
    before = settled(bot)
    url = bot.url + "/slack/events"
    post_raw(url, urlencode({**form, "ssl_check": "1"}), signing.FORM, {})
    challenge = json.dumps({"type": "url_verification", "challenge": "c", "token": "t"})
    assert post_raw(url, challenge, signing.JSON, {}) == 401
    time.sleep(1.5)
    assert_unchanged(before, snapshot(bot))
    assert emu.response_posts(form["response_url"]) == []


# Bodies no one can read: Bolt's parser raises on each (bad JSON, or JSON that is no object).
UNREADABLE = {
    "payload field that is not JSON": (
        urlencode({"payload": typed("ZQ {not json: may I keep the tip?")}),
        signing.FORM,
    ),
    "JSON cut short": (
        '{"type": "event_callback", "event": {"text": "' + typed("ZQ cut: may I keep a"),
        signing.JSON,
    ),
    "payload that is no object": (
        urlencode({"payload": json.dumps([typed("ZQ a list: may I keep a ring?")])}),
        signing.FORM,
    ),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_signed_body_that_is_not_json_gets_400_not_500(bot: BotProcess, name: str) -> None:
    """Slack retries what gets a 5xx; a body that cannot be read now never will be. The
    request is Slack's (signed), so it gets 400, and does nothing."""
    raw, content_type = UNREADABLE[name]
    before = settled(bot)
    headers = signing.signature_headers(SIGNING_SECRET, raw)
    assert post_raw(bot.url + "/slack/events", raw, content_type, headers) == 400
    time.sleep(1)
    assert_unchanged(before, snapshot(bot))
    assert bot.get("/healthz")[0] == 200


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unsigned_body_that_is_not_json_still_gets_401(bot: BotProcess, name: str) -> None:
    """Unsigned, wrongly signed, stale or tampered: 401 as for any forgery, not 400, so an
    unreadable body tells a forger nothing the signature check would not."""
    raw, content_type = UNREADABLE[name]
    assert_all_rejected(bot, raw, content_type)


@pytest.mark.parametrize("secret", ["", "   "])
def test_http_mode_needs_a_signing_secret(tmp_path: Path, secret: str) -> None:
    with workspace() as emu:
        env = bot_env(emu, tmp_path, SLACK_SIGNING_SECRET=secret)
        result = run_cli("serve", "--http", "--port", "9", env=env)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "SLACK_SIGNING_SECRET" in line
    assert not (tmp_path / "data" / "bot.db").exists()


# --- authorization ------------------------------------------------------------------------
def test_outsiders_cannot_claim_or_resolve_from_card_or_home(
    slack: Delivery, bot: BotProcess, asker: str
) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "A client asked me out for dinner, what now?")
    before = escalation_row(bot, escalation_id)
    asker_dm = dm_texts(emu, asker)
    open_home(slack, OUTSIDER)
    open_home(slack, asker)
    for user in (OUTSIDER, asker):  # the asker is no supervisor either
        for action in (CLAIM, RESOLVE):
            payload = emu.message_button_payload(user, SUPERVISOR_CHANNEL, ts, action)
            slack.interaction(payload)
            assert "Only supervisors" in emu.wait_response(payload["response_url"], 15)["text"]
            dms = len(posts_to(emu, emu.open_im(user)))
            slack.interaction(emu.home_button_payload(user, action, escalation_id))
            refusal = wait_post(emu, emu.open_im(user), count=dms + 1)
            assert "Only supervisors" in refusal.params["text"]
    time.sleep(1.5)
    assert escalation_row(bot, escalation_id) == before  # state, claimer, events: nothing
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1  # the card never changed
    assert [t for t in dm_texts(emu, asker) if "Only supervisors" not in t] == asker_dm
    group = [c for c in emu.calls_to("conversations.open") if "," in c.params.get("users", "")]
    assert not [c for c in group if asker in c.params["users"]]


def test_repeated_claim_and_resolve_clicks_change_things_once(
    slack: Delivery, bot: BotProcess, asker: str
) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "Can I give a client a lift home?")
    open_home(slack, SUPERVISOR)
    for _ in range(2):
        slack.interaction(emu.message_button_payload(SUPERVISOR, SUPERVISOR_CHANNEL, ts, CLAIM))
        slack.interaction(emu.home_button_payload(SUPERVISOR, CLAIM, escalation_id))
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    time.sleep(2)
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 2  # posted, claimed
    assert len([t for t in dm_texts(emu, asker) if "is on it" in t]) == 1
    group = [
        c
        for c in emu.calls_to("conversations.open")
        if set(c.params.get("users", "").split(",")) == {asker, SUPERVISOR}
    ]
    assert len(group) == 1
    for _ in range(2):  # each Resolve click opens the modal; each modal is submitted
        slack.interaction(emu.message_button_payload(SUPERVISOR, SUPERVISOR_CHANNEL, ts, RESOLVE))
        slack.interaction(emu.home_button_payload(SUPERVISOR, RESOLVE, escalation_id))
    modals = [opened_modal(emu, RESOLVE_CALLBACK, n, about=escalation_id) for n in (1, 2, 3, 4)]
    acks = [
        slack.interaction(submission(SUPERVISOR, modal, resolve_values(typed("Say no."))))
        for modal in modals
    ]
    assert [a.get("response_action") for a in acks] == [None, "errors", "errors", "errors"]
    assert "already resolved" in acks[1]["errors"]["advice"]
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15, count=2)
    time.sleep(2)
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 3  # ... resolved
    assert len([t for t in dm_texts(emu, asker) if "marked your request as resolved" in t]) == 1
    row = escalation_row(bot, escalation_id)
    assert (row["state"], row["claimed_by"], row["closed_by"]) == (
        "resolved",
        SUPERVISOR,
        SUPERVISOR,
    )


def test_only_the_asker_cancels_their_open_escalation(
    slack: Delivery, bot: BotProcess, asker: str
) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "A client wants my home address, what do I say?")
    dm = emu.open_im(asker)
    confirmation = [m for m in emu.messages(dm) if m.get("text", "").startswith("Done")]
    for user in (OUTSIDER, SUPERVISOR):  # a forged Cancel click by anyone else
        payload = payloads.block_actions(
            user,
            CANCEL,
            escalation_id,
            message={"ts": ts, "text": "x", "blocks": []},
            channel_id=dm,
            response_url=emu.new_response_url("actions", channel=dm, user=user),
        )
        slack.interaction(payload)
        assert "only cancel your own" in emu.wait_response(payload["response_url"], 15)["text"]
    time.sleep(1)
    assert escalation_row(bot, escalation_id)["state"] == "open"
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1

    def asker_cancels() -> dict[str, Any]:
        payload = payloads.block_actions(
            asker,
            CANCEL,
            escalation_id,
            message=confirmation[0] if confirmation else {"ts": ts, "text": "x", "blocks": []},
            channel_id=dm,
            response_url=emu.new_response_url("actions", channel=dm, user=asker),
        )
        slack.interaction(payload)
        return emu.wait_response(payload["response_url"], 15)

    assert "Cancelled" in asker_cancels()["text"]
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    assert "already cancelled" in asker_cancels()["text"]  # a second click is harmless
    slack.interaction(emu.message_button_payload(SUPERVISOR, SUPERVISOR_CHANNEL, ts, RESOLVE))
    time.sleep(1.5)
    assert escalation_row(bot, escalation_id)["state"] == "cancelled"
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 2  # posted, cancelled


def test_only_the_asker_adds_details(slack: Delivery, bot: BotProcess, asker: str) -> None:
    emu = bot.emu
    escalation_id, ts = escalate(slack, asker, "A client keeps calling me at night, what now?")
    for user in (OUTSIDER, SUPERVISOR):
        ack = slack.interaction(
            payloads.view_submission(
                user,
                "escalation_details",
                escalation_id,
                {"details": {"details_text": typed("ZQ someone else's details")}},
            )
        )
        assert ack.get("response_action") == "errors"
    time.sleep(1)
    assert escalation_row(bot, escalation_id)["details"] == "[]"
    assert len(emu.message_history(SUPERVISOR_CHANNEL, ts)) == 1


# --- Slack API failures -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("failure", "wait"),
    [
        ({"status": 429, "retry_after": 1}, 1.0),
        ({"status": 500}, 0.0),
        ({"status": 503}, 0.0),
        ({"drop_connection": True}, 0.0),
    ],
    ids=["429", "500", "503", "dropped"],
)
def test_answers_survive_slack_failures(
    slack: Delivery, asker: str, failure: dict[str, Any], wait: float
) -> None:
    """The client Bolt hands the listener retries like the bot's own client."""
    emu = slack.emu
    channel = emu.open_im(asker)
    emu.fail_next("chat.postMessage", **failure)
    _, answer = ask_dm(slack, asker, "Is it OK to accept a bottle of wine from a client?")
    time.sleep(1)
    attempts = [c for c in emu.calls_to("chat.postMessage") if c.params.get("channel") == channel]
    assert [c.ok for c in attempts] == [False, True]  # one failure, then one delivery
    assert attempts[1].time - attempts[0].time >= wait
    assert len(emu.messages(channel)) == 2  # the question and exactly one answer
    assert answer["blocks"]


def test_failures_are_never_silent(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    emu.fail_next("chat.postMessage", error="msg_too_long")
    event = emu.post_user_message(asker, typed("ZQ error path: may I keep a found ring?"))
    slack.event(event)
    assert "Sorry" in wait_post(emu, event["channel"]).params["text"]


def test_response_url_failures_are_retried_then_apologised_for(slack: Delivery, asker: str) -> None:
    """Bolt's own respond() returns a refused response_url post quietly: the /boundary
    answer would vanish. The bot's retries it like the Web API, then apologises."""
    emu = slack.emu
    emu.fail_next("response_url", status=500)
    form = emu.slash_command_payload(
        "/boundary", typed("ZQ failed response: may I hug a client?"), asker, PUBLIC_CHANNEL
    )
    slack.command(form)
    assert "Sorry" not in emu.wait_response(form["response_url"], timeout=15)["text"]

    emu.fail_next("response_url", status=503, times=4)  # the answer and all its retries
    form = emu.slash_command_payload(
        "/boundary", typed("ZQ lost response: may I text a client?"), asker, PUBLIC_CHANNEL
    )
    slack.command(form)
    assert "Sorry" in emu.wait_response(form["response_url"], timeout=30)["text"]


# --- privacy ------------------------------------------------------------------------------
def test_log_holds_no_secrets_and_nothing_anyone_typed(bot: BotProcess) -> None:
    """Last: over everything the tests above made the bot do (forged requests included)."""
    log = bot.log()
    assert "ready: HTTP" in log
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "xoxb-", "xapp-"):
        assert secret not in log
    assert "hooks" not in log and "response_url" not in log
    assert TYPED
    for text in TYPED:
        for words in (text, text[:24], text[-24:]):
            assert words not in log, words
