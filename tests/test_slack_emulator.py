"""Proves the Slack emulator against the real slack_sdk / slack_bolt on the other side."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

try:
    from tests.slack_emulator import SlackEmulator, payloads, signing
except ImportError:  # tests/ on sys.path instead of the repo root
    from slack_emulator import SlackEmulator, payloads, signing  # type: ignore[no-redef]

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-1-test"
FAST = FixedValueRetryIntervalCalculator(fixed_internal=0.05)


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_user("U0ALICE", "alice", real_name="Alice Example", email="alice@example.com")
        emulator.add_user("U0BOB", "bob")
        emulator.add_user("U0SUP", "sup", real_name="Super Visor", is_admin=True)
        emulator.add_channel(
            "C0SUPER", "supervisors", members=["U0SUP", "U0BOB", emulator.bot_user_id]
        )
        emulator.add_channel("C0GENERAL", "general", members=["U0ALICE", "U0BOB"])
        emulator.add_channel("C0SECRET", "secret", is_private=True, members=["U0SUP"])
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=emu.api_url)


def api_error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


# ---------------------------------------------------------------------------
# Web API
# ---------------------------------------------------------------------------
def test_auth_test_matches_bolt_expectations(emu: SlackEmulator, client: WebClient) -> None:
    resp = client.auth_test()
    assert resp["ok"] is True
    assert resp["user_id"] == "U0BOT" and resp["bot_id"] == "B0BOT" and resp["team_id"] == "T0001"
    assert resp["url"] == "https://boundary-test.slack.com/"
    call = emu.calls_to("auth.test")[0]
    assert call.token == BOT_TOKEN and call.ok


def test_bolt_app_constructs_against_emulator(emu: SlackEmulator) -> None:
    app = App(client=WebClient(base_url=emu.api_url, token="xoxb-boundary"), signing_secret="x")
    assert app.client.base_url == emu.api_url
    assert emu.wait_for("auth.test", timeout=2).token == "xoxb-boundary"


def test_bad_and_missing_tokens(emu: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as bad:
        WebClient(token="not-a-slack-token", base_url=emu.api_url).auth_test()
    assert api_error(bad) == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=emu.api_url).auth_test()
    assert api_error(missing) == "not_authed"
    emu.revoke_token("xoxb-revoked")
    with pytest.raises(SlackApiError) as revoked:
        WebClient(token="xoxb-revoked", base_url=emu.api_url).auth_test()
    assert api_error(revoked) == "token_revoked"
    with pytest.raises(SlackApiError) as wrong_type:
        WebClient(token=APP_TOKEN, base_url=emu.api_url).chat_postMessage(
            channel="C0SUPER", text="x"
        )
    assert api_error(wrong_type) == "not_allowed_token_type"


def test_token_from_form_param_and_query_get(emu: SlackEmulator) -> None:
    body = urlencode({"token": BOT_TOKEN, "channel": "C0SUPER"}).encode()
    req = urllib.request.Request(emu.api_url + "conversations.info", data=body, method="POST")
    with urllib.request.urlopen(req) as resp:
        assert json.load(resp)["channel"]["id"] == "C0SUPER"
    with urllib.request.urlopen(emu.api_url + f"users.info?token={BOT_TOKEN}&user=U0ALICE") as resp:
        assert json.load(resp)["user"]["name"] == "alice"
    assert emu.calls[-1].http_method == "GET" and emu.calls[-1].token == BOT_TOKEN


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.teleport")
    assert api_error(excinfo) == "unknown_method"


def test_post_message_json_and_recorded(emu: SlackEmulator, client: WebClient) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Escalation*"}},
        {
            "type": "actions",
            "block_id": "esc",
            "elements": [
                {
                    "type": "button",
                    "action_id": "claim",
                    "text": {"type": "plain_text", "text": "Claim"},
                    "value": "claim:1",
                }
            ],
        },
    ]
    first = client.chat_postMessage(channel="C0SUPER", text="Escalation", blocks=blocks)
    second = client.chat_postMessage(channel="#supervisors", text="again")
    assert first["channel"] == "C0SUPER" and second["channel"] == "C0SUPER"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["ts"] == first["ts"] and first["message"]["bot_id"] == "B0BOT"
    assert first["message"]["blocks"][0]["block_id"]  # Slack fills missing block_ids
    call = emu.wait_for("chat.postMessage", lambda c: c.params.get("text") == "Escalation")
    assert call.content_type.startswith("application/json")
    assert call.params["blocks"][1]["elements"][0]["value"] == "claim:1"
    assert [m["text"] for m in emu.messages("C0SUPER")] == ["Escalation", "again"]


def test_post_message_form_encoded_blocks_string(emu: SlackEmulator, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "plain_text", "text": "hi"}}]
    client.api_call(
        "chat.postMessage", data={"channel": "C0SUPER", "text": "t", "blocks": json.dumps(blocks)}
    )
    call = emu.wait_for("chat.postMessage")
    assert "x-www-form-urlencoded" in call.content_type
    assert call.params["blocks"] == blocks


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(emu: SlackEmulator, client: WebClient) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"channel": "C0NOPE", "text": "x"}, "channel_not_found"),
        ({"channel": "C0GENERAL", "text": "x"}, "not_in_channel"),
        ({"channel": "C0SECRET", "text": "x"}, "channel_not_found"),  # private, bot not in it
        ({"channel": "C0SUPER"}, "no_text"),
        (
            {"channel": "C0SUPER", "text": "x", "blocks": [{"type": "section"}] * 51},
            "invalid_blocks",
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(**kwargs)
        assert api_error(excinfo) == expected, kwargs
    emu.bot_scopes.add("chat:write.public")
    assert client.chat_postMessage(channel="C0GENERAL", text="public ok")["ok"]


def test_post_message_to_user_id_lands_in_dm(emu: SlackEmulator, client: WebClient) -> None:
    resp = client.chat_postMessage(channel="U0ALICE", text="hello alice")
    assert resp["channel"] == "D0ALICE"
    assert emu.messages("D0ALICE")[0]["text"] == "hello alice"
    # A DM exists before conversations.open, so replying to a message.im event just works.
    event = payloads.message_im("U0BOB", "hi")
    assert client.chat_postMessage(channel=event["channel"], text="hi bob")["channel"] == "D0BOB"


def test_missing_scope(emu: SlackEmulator, client: WebClient) -> None:
    emu.bot_scopes.discard("chat:write")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0SUPER", text="x")
    assert api_error(excinfo) == "missing_scope"
    assert excinfo.value.response["needed"] == "chat:write"


def test_chat_update_keeps_history(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0SUPER", text="Unclaimed")["ts"]
    resp = client.chat_update(channel="C0SUPER", ts=ts, text="Claimed by <@U0SUP>")
    assert resp["ts"] == ts and resp["channel"] == "C0SUPER"
    assert resp["text"] == "Claimed by <@U0SUP>"
    assert emu.message("C0SUPER", ts)["text"] == "Claimed by <@U0SUP>"
    assert [v["text"] for v in emu.message_history("C0SUPER", ts)] == [
        "Unclaimed",
        "Claimed by <@U0SUP>",
    ]
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C0SUPER", ts="1.000001", text="x")
    assert api_error(missing) == "message_not_found"
    user_msg = emu.post_user_message("U0SUP", "human words", channel="C0SUPER")
    with pytest.raises(SlackApiError) as not_ours:
        client.chat_update(channel="C0SUPER", ts=user_msg["ts"], text="x")
    assert api_error(not_ours) == "cant_update_message"


def test_post_ephemeral(emu: SlackEmulator, client: WebClient) -> None:
    resp = client.chat_postEphemeral(channel="C0SUPER", user="U0SUP", text="only you")
    assert resp["ok"] and "." in resp["message_ts"]
    eph = emu.ephemeral_messages("C0SUPER", "U0SUP")
    assert eph[0]["message"]["text"] == "only you"
    assert emu.messages("C0SUPER") == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postEphemeral(channel="C0SUPER", user="U0ALICE", text="x")
    assert api_error(excinfo) == "user_not_in_channel"


def test_conversations_info_shapes(emu: SlackEmulator, client: WebClient) -> None:
    sup = client.conversations_info(channel="C0SUPER")["channel"]
    assert sup["id"] == "C0SUPER" and sup["name"] == "supervisors"
    assert sup["is_channel"] is True and sup["is_private"] is False and sup["is_member"] is True
    assert (sup["is_group"], sup["is_im"], sup["is_mpim"]) == (False, False, False)
    general = client.conversations_info(channel="C0GENERAL")["channel"]
    assert general["is_member"] is False
    with pytest.raises(SlackApiError) as hidden:
        client.conversations_info(channel="C0SECRET")
    assert api_error(hidden) == "channel_not_found"
    emu.set_member("C0SECRET", emu.bot_user_id)
    secret = client.conversations_info(channel="C0SECRET", include_num_members=True)["channel"]
    assert (
        secret["is_private"] is True and secret["is_member"] is True and secret["num_members"] == 2
    )
    im = client.conversations_info(channel=emu.open_im("U0ALICE"))["channel"]
    assert im["is_im"] is True and im["user"] == "U0ALICE"


def test_conversations_members_paginates(emu: SlackEmulator, client: WebClient) -> None:
    members = ["U0M1", "U0M2", "U0M3", "U0M4", "U0M5"]
    emu.add_channel("C0BIG", "big", members=[*members, emu.bot_user_id])
    first = client.conversations_members(channel="C0BIG", limit=2)
    assert first["members"] == ["U0M1", "U0M2"]
    assert first["response_metadata"]["next_cursor"]
    seen: list[str] = []
    for page in client.conversations_members(channel="C0BIG", limit=2):  # slack_sdk's iterator
        seen.extend(page["members"])
    assert seen == [*members, emu.bot_user_id]
    last = client.conversations_members(channel="C0BIG", limit=10)
    assert last["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_members(channel="C0BIG", cursor="garbage")
    assert api_error(excinfo) == "invalid_cursor"


def test_conversations_open_im_and_mpim(emu: SlackEmulator, client: WebClient) -> None:
    first = client.conversations_open(users="U0ALICE")
    assert first["channel"] == {"id": "D0ALICE"}
    again = client.conversations_open(users=["U0ALICE"])
    assert again["channel"]["id"] == "D0ALICE" and again["already_open"] is True
    group = client.conversations_open(users="U0ALICE,U0BOB")["channel"]["id"]
    assert group.startswith("G")
    assert client.conversations_open(users="U0BOB,U0ALICE")["channel"]["id"] == group
    members = client.conversations_members(channel=group)["members"]
    assert set(members) == {"U0ALICE", "U0BOB", "U0BOT"}
    info = client.conversations_info(channel=group)["channel"]
    assert info["is_mpim"] is True and info["is_member"] is True
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_open(users="U0GHOST")
    assert api_error(excinfo) == "user_not_found"


def test_views_publish_open_update(emu: SlackEmulator, client: WebClient) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    v1 = client.views_publish(user_id="U0ALICE", view=home)["view"]
    assert v1["type"] == "home" and v1["id"].startswith("V") and v1["hash"]
    v2 = client.views_publish(user_id="U0ALICE", view=home)["view"]
    assert v2["id"] == v1["id"]  # one Home tab per user
    assert emu.home_view("U0ALICE") == v2 and len(emu.published_views("U0ALICE")) == 2
    with pytest.raises(SlackApiError) as bad_user:
        client.views_publish(user_id="U0GHOST", view=home)
    assert api_error(bad_user) == "invalid_arguments"

    modal = {
        "type": "modal",
        "callback_id": "escalate",
        "title": {"type": "plain_text", "text": "Escalate"},
        "blocks": [],
    }
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": modal})
    assert api_error(no_trigger) == "invalid_arguments"
    trigger = emu.new_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=modal)["view"]
    assert opened["callback_id"] == "escalate" and emu.modals()[0]["id"] == opened["id"]
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id=trigger, view=modal)
    assert api_error(reused) == "expired_trigger_id"
    updated = client.views_update(view_id=opened["id"], view={**modal, "callback_id": "done"})
    assert updated["view"]["id"] == opened["id"] and emu.view(opened["id"])["callback_id"] == "done"
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], view=modal, hash="0.stale")
    assert api_error(stale) == "hash_conflict"
    with pytest.raises(SlackApiError) as unknown:
        client.views_update(view_id="V0NOPE", view=modal)
    assert api_error(unknown) == "not_found"


def test_users_info(client: WebClient) -> None:
    user = client.users_info(user="U0ALICE")["user"]
    assert user["id"] == "U0ALICE" and user["profile"]["email"] == "alice@example.com"
    assert user["real_name"] == "Alice Example" and user["is_bot"] is False
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0GHOST")
    assert api_error(excinfo) == "user_not_found"


def test_users_info_gives_the_locale_only_when_asked(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_user("U0ROSA", "rosa", locale="es-LA")
    assert "locale" not in client.users_info(user="U0ROSA")["user"]
    assert client.users_info(user="U0ROSA", include_locale=True)["user"]["locale"] == "es-LA"
    assert client.users_info(user="U0ALICE", include_locale=True)["user"]["locale"] == "en-US"


def test_apps_connections_open_needs_app_token(emu: SlackEmulator) -> None:
    url = WebClient(base_url=emu.api_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=emu.api_url).apps_connections_open(app_token=BOT_TOKEN)
    assert api_error(excinfo) == "not_allowed_token_type"


def test_wait_for_timeout_lists_calls(emu: SlackEmulator, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test -> 200 ok"):
        emu.wait_for("chat.postMessage", timeout=0.2)


# ---------------------------------------------------------------------------
# Failure injection, against slack_sdk's retry handlers
# ---------------------------------------------------------------------------
def test_rate_limit_honoured_by_retry_handler(emu: SlackEmulator, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C0SUPER", text="after limit")["ok"]
    assert time.monotonic() - started >= 1.0  # slept Retry-After
    limited, retried = emu.calls_to("chat.postMessage")
    assert (limited.status, limited.error, limited.injected) == (429, "ratelimited", True)
    assert retried.ok and len(emu.messages("C0SUPER")) == 1


def test_rate_limit_surfaces_without_handler(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0SUPER", text="x")
    assert excinfo.value.response.status_code == 429
    assert api_error(excinfo) == "ratelimited"
    assert excinfo.value.response.headers["Retry-After"] in ("7", ["7"])


def test_server_error_retried_by_server_error_handler(
    emu: SlackEmulator, client: WebClient
) -> None:
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=FAST)
    )
    emu.fail_next("conversations.info", status=500, times=2)
    assert client.conversations_info(channel="C0SUPER")["ok"]
    assert [c.status for c in emu.calls_to("conversations.info")] == [500, 500, 200]


def test_injected_slack_error_and_times(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel="C0SUPER", text="x")
        assert excinfo.value.response.status_code == 200
        assert api_error(excinfo) == "channel_not_found"
    assert client.chat_postMessage(channel="C0SUPER", text="x")["ok"]


def test_dropped_connection_retried_by_default_handler(emu: SlackEmulator) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=FAST)
    ]
    emu.fail_next("auth.test", drop_connection=True)
    assert client.auth_test()["ok"]
    assert [c.status for c in emu.calls_to("auth.test")] == [None, 200]
    emu.fail_next("auth.test", drop_connection=True, times=2)
    with pytest.raises((ConnectionError, urllib.error.URLError)):
        client.auth_test()


def test_answer_lost_after_posting_for_one_channel(emu: SlackEmulator) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=emu.api_url)
    client.retry_handlers = []
    emu.fail_next("chat.postMessage", drop_after=True, channel="C0SUPER")
    assert client.chat_postMessage(channel=emu.open_im("U0ALICE"), text="a DM")["ok"]
    with pytest.raises((ConnectionError, urllib.error.URLError)):
        client.chat_postMessage(channel="C0SUPER", text="posted, answer lost")
    assert [m["text"] for m in emu.messages("C0SUPER")] == ["posted, answer lost"]
    lost = emu.calls_to("chat.postMessage")[-1]
    assert lost.injected and lost.status is None and lost.response["ok"]
    assert client.chat_postMessage(channel="C0SUPER", text="next")["ok"]  # used up


def test_conversations_history_newest_first_with_pages(
    emu: SlackEmulator, client: WebClient
) -> None:
    sent = [client.chat_postMessage(channel="C0SUPER", text=f"m{i}")["ts"] for i in range(5)]
    first = client.conversations_history(channel="C0SUPER", limit=2, oldest=sent[0])
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"]  # `oldest` is exclusive
    assert first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C0SUPER", limit=5, oldest=sent[0], cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1"]
    assert not rest["has_more"] and rest["response_metadata"]["next_cursor"] == ""
    emu.bot_scopes.discard("channels:history")
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_history(channel="C0SUPER")
    assert api_error(excinfo) == "missing_scope"


def test_delay_injection(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("auth.test", delay=0.3)
    started = time.monotonic()
    assert client.auth_test()["ok"]
    assert time.monotonic() - started >= 0.3


# ---------------------------------------------------------------------------
# Socket Mode
# ---------------------------------------------------------------------------
@pytest.fixture
def socket_client(emu: SlackEmulator) -> Iterator[tuple[SocketModeClient, list[dict[str, Any]]]]:
    client = SocketModeClient(app_token=APP_TOKEN, web_client=WebClient(base_url=emu.api_url))
    frames: list[dict[str, Any]] = []
    client.message_listeners.append(lambda _c, message, _raw: frames.append(message))
    yield client, frames
    client.close()


def _auto_ack(payload: dict[str, Any] | None = None) -> Any:
    def listener(client: SocketModeClient, req: SocketModeRequest) -> None:
        client.send_socket_mode_response(SocketModeResponse(req.envelope_id, payload))

    return listener


def test_socket_mode_envelope_and_ack(
    emu: SlackEmulator, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    client, frames = socket_client
    received: list[SocketModeRequest] = []
    client.socket_mode_request_listeners.append(lambda c, r: received.append(r))
    client.socket_mode_request_listeners.append(_auto_ack())
    client.connect()
    emu.wait_socket_connected(5)
    body = payloads.event_callback(payloads.message_im("U0ALICE", "is this ok?"))
    envelope_id = emu.send_envelope("events_api", body, retry_attempt=1, retry_reason="timeout")
    assert emu.wait_ack(envelope_id, timeout=5) == {"envelope_id": envelope_id}
    req = received[0]
    assert req.type == "events_api" and req.payload == body
    assert (req.retry_attempt, req.retry_reason, req.accepts_response_payload) == (
        1,
        "timeout",
        False,
    )
    hello = next(f for f in frames if f.get("type") == "hello")
    assert hello["connection_info"]["app_id"] == emu.app_id and hello["num_connections"] == 1
    assert emu.calls_to("apps.connections.open")[0].token == APP_TOKEN


def test_socket_mode_ack_with_payload_and_redeliver(
    emu: SlackEmulator, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    client, _ = socket_client
    client.socket_mode_request_listeners.append(_auto_ack({"text": "Got it"}))
    client.connect()
    form = emu.slash_command_payload("/boundary", "can I accept a gift?", "U0ALICE")
    envelope_id = emu.send_envelope("slash_commands", form)
    ack = emu.wait_ack(envelope_id)
    assert ack == {"envelope_id": envelope_id, "payload": {"text": "Got it"}}
    retry_id = emu.redeliver(envelope_id)
    assert retry_id != envelope_id and emu.wait_ack(retry_id)["envelope_id"] == retry_id


def test_socket_mode_unacked_envelope(
    emu: SlackEmulator, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    client, _ = socket_client
    client.connect()
    envelope_id = emu.send_event(payloads.app_home_opened("U0ALICE"))
    with pytest.raises(AssertionError, match="no ack"):
        emu.wait_ack(envelope_id, timeout=0.3)
    assert emu.ack_for(envelope_id) is None


def test_socket_mode_disconnect_triggers_reconnect(
    emu: SlackEmulator, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    client, _ = socket_client
    client.socket_mode_request_listeners.append(_auto_ack())
    client.connect()
    emu.wait_socket_connected(5)
    assert emu.disconnect_socket() == 1
    emu.wait_socket_connected(5, total_connects=2)
    assert len(emu.calls_to("apps.connections.open")) == 2  # a fresh URL for the new link
    envelope_id = emu.send_event(payloads.message_im("U0BOB", "still there?"))
    assert emu.wait_ack(envelope_id)["envelope_id"] == envelope_id


def test_bolt_socket_mode_end_to_end(emu: SlackEmulator) -> None:
    app = App(client=WebClient(token=BOT_TOKEN, base_url=emu.api_url))

    @app.message("")
    def reply(message: dict[str, Any], say: Any) -> None:
        say(f"you said: {message['text']}")

    handler = SocketModeHandler(app, APP_TOKEN)
    handler.connect()
    try:
        event = emu.post_user_message("U0ALICE", "hello bot")
        envelope_id = emu.send_event(event)
        assert emu.wait_ack(envelope_id) == {"envelope_id": envelope_id}
        call = emu.wait_for("chat.postMessage")
        assert call.params["channel"] == "D0ALICE" and call.params["text"] == "you said: hello bot"
        assert [m["text"] for m in emu.messages("D0ALICE")] == ["hello bot", "you said: hello bot"]
    finally:
        handler.close()


# ---------------------------------------------------------------------------
# response_url
# ---------------------------------------------------------------------------
def test_response_url_records_and_enforces_five_uses(emu: SlackEmulator) -> None:
    url = emu.new_response_url(channel="D0ALICE", user="U0ALICE")
    webhook = WebhookClient(url)
    for i in range(5):
        resp = webhook.send(text=f"answer {i}", response_type="ephemeral")
        assert (resp.status_code, resp.body) == (200, "ok")
    sixth = webhook.send(text="one too many")
    assert (sixth.status_code, sixth.body) == (404, "used_url")
    bodies = emu.responses(url)
    assert len(bodies) == 5 and bodies[0] == {"text": "answer 0", "response_type": "ephemeral"}
    assert emu.wait_response(url, count=5)["text"] == "answer 4"
    assert [p.status for p in emu.response_posts(url)] == [200] * 5 + [404]
    assert len(emu.ephemeral_messages(user="U0ALICE")) == 5


def test_response_url_replace_original_and_expiry(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0SUPER", text="Unclaimed")["ts"]
    url = emu.new_response_url("actions", channel="C0SUPER", user="U0SUP", message_ts=ts)
    WebhookClient(url).send(text="Claimed", replace_original=True)
    assert emu.message("C0SUPER", ts)["text"] == "Claimed"
    emu.set_response_url_limits(ttl_seconds=0.0)
    expired = WebhookClient(emu.new_response_url()).send(text="late")
    assert (expired.status_code, expired.body) == (404, "expired_url")


# ---------------------------------------------------------------------------
# Signing helpers (HTTP mode)
# ---------------------------------------------------------------------------
SLACK_VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_VECTOR_TS = "1531420618"
SLACK_VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_VECTOR_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_signing_reproduces_slack_test_vector() -> None:
    assert signing.sign(SLACK_VECTOR_SECRET, SLACK_VECTOR_TS, SLACK_VECTOR_BODY) == SLACK_VECTOR_SIG
    assert (
        signing.compute_signature(SLACK_VECTOR_SECRET, SLACK_VECTOR_TS, SLACK_VECTOR_BODY)
        == SLACK_VECTOR_SIG
    )
    verifier = SignatureVerifier(SLACK_VECTOR_SECRET, clock=_FixedClock(int(SLACK_VECTOR_TS)))
    headers = {"x-slack-request-timestamp": SLACK_VECTOR_TS, "x-slack-signature": SLACK_VECTOR_SIG}
    assert verifier.is_valid_request(SLACK_VECTOR_BODY, headers)


class _FixedClock:
    def __init__(self, now: int) -> None:
        self._now = now

    def now(self) -> float:
        return float(self._now)


class _Capture(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[dict[str, str], str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.requests.append(({k.lower(): v for k, v in self.headers.items()}, raw))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def capture_url() -> Iterator[tuple[str, list[tuple[dict[str, str], str]]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    _Capture.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slack/events", _Capture.requests
    server.shutdown()
    server.server_close()


def test_signed_requests_verify_and_use_slack_content_types(
    capture_url: tuple[str, list[tuple[dict[str, str], str]]],
) -> None:
    url, requests = capture_url
    secret = "s3cr3t"
    event = payloads.event_callback(payloads.message_im("U0ALICE", "hi"))
    form = payloads.slash_command("/boundary", "help me", "U0ALICE", "D0ALICE", "http://x/commands")
    action = payloads.block_actions(
        "U0ALICE",
        "claim",
        "claim:1",
        message={"ts": "1.000001"},
        channel_id="C0SUPER",
        response_url="http://x",
    )
    assert (
        signing.post_event(url, event, secret, retry_num=1, retry_reason="http_timeout")[0] == 200
    )
    assert signing.post_command(url, form, secret)[0] == 200
    assert signing.post_interaction(url, action, secret)[0] == 200
    verifier = SignatureVerifier(secret)
    (eh, eb), (ch, cb), (ih, ib) = requests
    assert ih["content-type"] == "application/x-www-form-urlencoded"
    for headers, raw in requests:
        assert verifier.is_valid_request(raw, headers)
    assert eh["content-type"] == "application/json" and json.loads(eb) == event
    assert eh["x-slack-retry-num"] == "1" and eh["x-slack-retry-reason"] == "http_timeout"
    assert ch["content-type"] == "application/x-www-form-urlencoded"
    assert {k: v[0] for k, v in parse_qs(cb, keep_blank_values=True).items()} == form
    assert json.loads(parse_qs(ib)["payload"][0]) == action


def _bolt_request(raw: str, content_type: str, secret: str) -> BoltRequest:
    headers = {k.lower(): [v] for k, v in signing.signature_headers(secret, raw).items()}
    headers["content-type"] = [content_type]
    return BoltRequest(body=raw, headers=headers)


def test_bolt_accepts_signed_payloads(emu: SlackEmulator) -> None:
    secret = "bolt-secret"
    app = App(client=WebClient(token=BOT_TOKEN, base_url=emu.api_url), signing_secret=secret)
    seen: list[str] = []

    @app.command("/boundary")
    def command(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(f"command:{body['text']}")

    @app.action("claim")
    def claim(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(f"{body['container']['type']}:{body['actions'][0].get('value')}")

    @app.view("escalate")
    def submit(ack: Any, view: dict[str, Any]) -> None:
        ack()
        seen.append(f"view:{view['state']['values']['q']['text']['value']}")

    form = emu.slash_command_payload("/boundary", "gift?", "U0ALICE")
    resp = app.dispatch(_bolt_request(urlencode(form), signing.FORM, secret))
    assert resp.status == 200

    ts = WebClient(token=BOT_TOKEN, base_url=emu.api_url).chat_postMessage(
        channel="C0SUPER",
        text="esc",
        blocks=[
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "claim",
                        "text": {"type": "plain_text", "text": "Claim"},
                        "value": "claim:42",
                    }
                ],
            }
        ],
    )["ts"]
    msg_click = emu.message_button_payload("U0SUP", "C0SUPER", ts, "claim")
    assert (
        msg_click["actions"][0]["block_id"] == emu.message("C0SUPER", ts)["blocks"][0]["block_id"]
    )
    raw = urlencode({"payload": json.dumps(msg_click)})
    assert app.dispatch(_bolt_request(raw, signing.FORM, secret)).status == 200

    unsigned = BoltRequest(body=raw, headers={"content-type": [signing.FORM]})
    assert app.dispatch(unsigned).status == 401

    submission = payloads.view_submission("U0ALICE", "escalate", "meta", {"q": {"text": "why?"}})
    raw = urlencode({"payload": json.dumps(submission)})
    assert app.dispatch(_bolt_request(raw, signing.FORM, secret)).status == 200
    assert seen == ["command:gift?", "message:claim:42", "view:why?"]


# ---------------------------------------------------------------------------
# Payload shapes
# ---------------------------------------------------------------------------
def test_event_callback_and_inner_event_shapes() -> None:
    body = payloads.event_callback(payloads.message_im("U0ALICE", "hi", "D0ALICE", ts="1.000100"))
    assert body["type"] == "event_callback" and body["event_id"].startswith("Ev")
    assert {
        "token",
        "team_id",
        "api_app_id",
        "event",
        "event_time",
        "authorizations",
    } <= body.keys()
    assert body["authorizations"][0]["user_id"] == "U0BOT"
    event = body["event"]
    assert {
        k: event[k] for k in ("type", "channel", "user", "text", "ts", "event_ts", "channel_type")
    } == {
        "type": "message",
        "channel": "D0ALICE",
        "user": "U0ALICE",
        "text": "hi",
        "ts": "1.000100",
        "event_ts": "1.000100",
        "channel_type": "im",
    }
    home = payloads.app_home_opened("U0ALICE")
    assert home["type"] == "app_home_opened" and home["tab"] == "home" and "view" not in home


def test_a_message_with_a_photo_is_a_file_share(emu: SlackEmulator) -> None:
    photo = payloads.image_file("U0ALICE")
    event = emu.post_user_message("U0ALICE", "is this ok?", files=[photo])
    assert event["subtype"] == "file_share" and event["files"] == [photo]
    assert event["upload"] is True and event["display_as_bot"] is False
    assert photo["id"].startswith("F") and photo["mimetype"] == "image/jpeg"
    bare = emu.post_user_message("U0ALICE", "", files=[payloads.image_file("U0ALICE")])
    assert bare["text"] == "" and "blocks" not in bare
    assert emu.messages(event["channel"])[0]["files"] == [photo]  # stored as Slack keeps it


def test_block_actions_home_vs_message(emu: SlackEmulator, client: WebClient) -> None:
    button = {
        "type": "actions",
        "block_id": "home_actions",
        "elements": [
            {
                "type": "button",
                "action_id": "resolve",
                "text": {"type": "plain_text", "text": "Resolve"},
            }
        ],
    }
    client.views_publish(user_id="U0SUP", view={"type": "home", "blocks": [button]})
    home_click = emu.home_button_payload("U0SUP", "resolve", "esc:9")
    assert home_click["container"] == {"type": "view", "view_id": emu.home_view("U0SUP")["id"]}
    assert "response_url" not in home_click and "channel" not in home_click
    assert "message" not in home_click and home_click["view"]["type"] == "home"
    assert home_click["actions"][0]["block_id"] == "home_actions"
    ts = client.chat_postMessage(channel="C0SUPER", text="x", blocks=[button])["ts"]
    msg_click = emu.message_button_payload("U0SUP", "C0SUPER", ts, "resolve", "esc:9")
    assert msg_click["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": "C0SUPER",
        "is_ephemeral": False,
    }
    assert msg_click["channel"] == {"id": "C0SUPER", "name": "supervisors"}
    assert msg_click["response_url"].startswith(emu.base_url)
    assert msg_click["actions"][0]["value"] == "esc:9"
    with pytest.raises(ValueError):
        payloads.block_actions("U0SUP", "resolve", "x", message={"ts": "1.1"}, channel_id="C0SUPER")
