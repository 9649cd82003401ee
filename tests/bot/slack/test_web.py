"""The WSGI app in this process: `/healthz` while loading and after, and what
`/slack/events` answers for bodies Bolt cannot parse (the whole-process check is in
tests/test_security_http.py)."""

from __future__ import annotations

import io
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App

from bot.slack.web import SLACK_PATH, SlackEndpoint, WsgiApp
from tests.slack_emulator import signing

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOT_JSON = urlencode({"payload": "{not json"})


def call(app: WsgiApp, path: str, body: str = "", headers: dict[str, str] | None = None) -> tuple:
    """(status line, body) of one request through the WSGI app."""
    raw = body.encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST" if body else "GET",
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": signing.FORM,
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    seen: list[str] = []
    chunks = app(environ, lambda status, _headers: seen.append(status))
    return seen[0], b"".join(chunks).decode()


@pytest.fixture
def web() -> WsgiApp:
    app = App(token="xoxb-test", signing_secret=SECRET, token_verification_enabled=False)
    web = WsgiApp()
    web.ready(SlackEndpoint(app, SECRET))
    return web


def test_healthz_says_loading_until_ready() -> None:
    web = WsgiApp()
    assert call(web, "/healthz")[0].startswith("503")
    assert call(web, SLACK_PATH, NOT_JSON)[0].startswith("503")
    web.ready(SlackEndpoint(App(token="x", token_verification_enabled=False), SECRET))
    assert call(web, "/healthz") == ("200 OK", "ok")
    assert call(web, "/elsewhere")[0].startswith("404")


def test_signed_unreadable_body_is_400(web: WsgiApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for body in (NOT_JSON, urlencode({"payload": json.dumps(["a list"])})):
        status, text = call(web, SLACK_PATH, body, signing.signature_headers(SECRET, body))
        assert status.startswith("400") and json.loads(text) == {"error": "invalid body"}
    assert "not json" not in caplog.text and "a list" not in caplog.text  # never the body


def test_unsigned_or_stale_unreadable_body_is_401(web: WsgiApp) -> None:
    stale = signing.signature_headers(SECRET, NOT_JSON, int(time.time()) - 600)
    garbled = {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=0"}
    for headers in ({}, signing.signature_headers("another-secret", NOT_JSON), stale, garbled):
        assert call(web, SLACK_PATH, NOT_JSON, headers)[0].startswith("401")
