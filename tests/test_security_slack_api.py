"""The bot's own Slack plumbing (`bot/app.py`): request verification with Slack's published
test vector, and retries through slack_sdk's handlers for the Web API and response_urls."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import slack_sdk.signature
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.app import build_app
from bot.config import Settings, load_settings
from bot.serve import forget_slack_secrets
from bot.services import build_services
from bot.slack.client import ResponseUrlError, RetryingRespond, slack_client
from tests.bot_harness import BOT_TOKEN, SUPERVISOR_CHANNEL
from tests.fakes import FakeEngine
from tests.slack_emulator import SlackEmulator, payloads, signing

# docs.slack.dev/authentication/verifying-requests-from-slack (as in the platform notes)
VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TS = "1531420618"
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
BOT_HANDLERS = {ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler}


def settings_for(emu: SlackEmulator, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": emu.api_url,
            "SLACK_SIGNING_SECRET": VECTOR_SECRET,
            "SUPERVISOR_CHANNEL_ID": SUPERVISOR_CHANNEL,
            "BOUNDARY_DATA_DIR": str(tmp_path),
        },
        slack=True,
        http=True,
    )


@pytest.fixture
def app(emu: SlackEmulator, tmp_path: Path) -> App:
    """The bot's Bolt app exactly as `serve` builds it (the engine is never reached here)."""
    settings = settings_for(emu, tmp_path)
    client = slack_client(settings)
    return build_app(settings, client, build_services(settings, FakeEngine(), client))


def vector_request(signature: str = VECTOR_SIGNATURE, body: str = VECTOR_BODY) -> BoltRequest:
    return BoltRequest(
        body=body,
        headers={
            "content-type": ["application/x-www-form-urlencoded"],
            "x-slack-request-timestamp": [VECTOR_TS],
            "x-slack-signature": [signature],
        },
    )


# --- authenticity -------------------------------------------------------------------------
def test_slack_test_vector_passes_the_bots_own_verification(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through Bolt's RequestVerification in the app `serve` runs, with the clock fixed at
    the vector's timestamp; any other signature, body or time is refused."""
    assert app.dispatch(vector_request()).status == 401  # 2018: far outside 5 minutes
    monkeypatch.setattr(slack_sdk.signature.Clock, "now", lambda self: float(VECTOR_TS))
    assert app.dispatch(vector_request()).status == 200  # verified (and acked, though unhandled)
    flipped = VECTOR_SIGNATURE[:-1] + ("0" if VECTOR_SIGNATURE[-1] != "0" else "1")
    assert app.dispatch(vector_request(flipped)).status == 401
    assert app.dispatch(vector_request(body=VECTOR_BODY.replace("text=", "text=x"))).status == 401
    assert app.dispatch(vector_request("")).status == 401
    # An independent HMAC agrees with Slack's published signature.
    assert signing.compute_signature(VECTOR_SECRET, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE


def test_rejected_requests_are_logged_without_their_contents(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt logs a rejected request's signature and whole body at INFO; the bot keeps only
    the fact, so a forged or delayed request cannot put a question or response_url in logs."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="slack_bolt.RequestVerification")
    assert app.dispatch(vector_request()).status == 401
    assert "rejected a request" in caplog.text
    for secret in ("roadrunner", "hooks.slack.com", "96rGlfmibIGlgcZRskXaIFfN", VECTOR_SIGNATURE):
        assert secret not in caplog.text


def test_bolt_is_not_told_of_a_token_it_would_call_unused(
    emu: SlackEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bolt's App falls back to SLACK_BOT_TOKEN when no `token` is passed, and next to our own
    `client` warns that the token "will be unused". `serve` takes the secrets out of the
    environment (settings hold them) before it builds the app."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    caplog.set_level(logging.WARNING)
    forget_slack_secrets()
    assert "SLACK_BOT_TOKEN" not in os.environ
    settings = settings_for(emu, tmp_path)
    client = slack_client(settings)
    app = build_app(settings, client, build_services(settings, FakeEngine(), client))
    assert app.client.token == BOT_TOKEN  # the client's own token is the one in use
    assert "will be unused" not in caplog.text


def test_listeners_get_a_client_with_the_bots_retry_handlers(app: App, emu: SlackEmulator) -> None:
    """Bolt hands each listener a copy of the app's client and a respond(); both retry."""
    seen: list[Any] = []
    done = threading.Event()

    @app.action("probe")
    def probe(ack: Any, client: WebClient, respond: Any) -> None:
        ack()
        seen.extend([client, respond])
        done.set()

    click = payloads.block_actions(
        "U0ALICE",
        "probe",
        "1",
        message={"ts": "1.000001", "text": "x"},
        channel_id="D1",
        response_url=emu.new_response_url("actions"),
    )
    raw = urlencode({"payload": json.dumps(click)})
    headers = {k.lower(): [v] for k, v in signing.signature_headers(VECTOR_SECRET, raw).items()}
    response = app.dispatch(
        BoltRequest(body=raw, headers={**headers, "content-type": [signing.FORM]})
    )
    assert response.status == 200 and done.wait(5)
    assert {type(h) for h in seen[0].retry_handlers} == BOT_HANDLERS
    assert {type(h) for h in app.client.retry_handlers} == BOT_HANDLERS
    assert isinstance(seen[1], RetryingRespond)  # response_url posts retry too


# --- the Web API --------------------------------------------------------------------------
@pytest.fixture
def client(emu: SlackEmulator, tmp_path: Path) -> WebClient:
    return slack_client(settings_for(emu, tmp_path))


def post(client: WebClient, emu: SlackEmulator) -> list[Any]:
    client.chat_postMessage(channel=SUPERVISOR_CHANNEL, text="card")
    assert len(emu.messages(SUPERVISOR_CHANNEL)) == 1  # delivered exactly once
    return emu.calls_to("chat.postMessage")


def test_429_waits_out_retry_after_then_delivers_once(client: WebClient, emu: SlackEmulator):
    emu.fail_next("chat.postMessage", status=429, retry_after=1)
    limited, delivered = post(client, emu)
    assert (limited.status, delivered.status) == (429, 200)
    assert delivered.time - limited.time >= 1.0  # Retry-After: 1 was honoured


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_with_backoff(
    client: WebClient, emu: SlackEmulator, status: int
) -> None:
    emu.fail_next("chat.postMessage", status=status, times=2)
    first, second, delivered = post(client, emu)
    assert [c.status for c in (first, second, delivered)] == [status, status, 200]
    assert second.time - first.time >= 0.5  # backoff, not a hammering loop
    assert delivered.time - second.time >= 1.0  # and growing


def test_dropped_connection_is_retried(client: WebClient, emu: SlackEmulator) -> None:
    emu.fail_next("chat.postMessage", drop_connection=True)
    dropped, delivered = post(client, emu)
    assert (dropped.status, delivered.status) == (None, 200)


def test_retries_are_bounded(client: WebClient, emu: SlackEmulator) -> None:
    """Slack down for good: the error surfaces (for the outbox to retry later), no hang."""
    emu.fail_next("chat.postMessage", status=500, times=10)
    started = time.monotonic()
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=SUPERVISOR_CHANNEL, text="card")
    assert len(emu.calls_to("chat.postMessage")) == 4  # the call and 3 retries
    assert time.monotonic() - started < 20
    emu.clear_failures()


# --- response_url -------------------------------------------------------------------------
def respond_for(emu: SlackEmulator) -> tuple[RetryingRespond, str]:
    url = emu.new_response_url("commands", channel="D0ALICE", user="U0ALICE")
    return RetryingRespond(response_url=url), url


@pytest.mark.parametrize(
    ("failure", "gap"),
    [({"status": 429, "retry_after": 1}, 1.0), ({"status": 500}, 0.5), ({"status": 503}, 0.5)],
    ids=["429", "500", "503"],
)
def test_response_url_posts_are_retried(
    emu: SlackEmulator, failure: dict[str, Any], gap: float
) -> None:
    respond, url = respond_for(emu)
    emu.fail_next("response_url", **failure)
    started = time.monotonic()
    respond(text="answer", response_type="ephemeral", replace_original=False)
    assert time.monotonic() - started >= gap
    assert [p.body["text"] for p in emu.response_posts(url)] == ["answer"]  # once


def test_a_refused_response_url_post_raises_without_naming_the_url(emu: SlackEmulator) -> None:
    respond, url = respond_for(emu)
    emu.fail_next("response_url", status=500, times=4)
    with pytest.raises(ResponseUrlError) as error:
        respond(text="answer", response_type="ephemeral")
    assert url not in str(error.value) and "/commands/" not in str(error.value)
    assert emu.response_posts(url) == []
