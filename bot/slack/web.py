"""The HTTP endpoint: `/healthz` and Bolt's `/slack/events`, as one WSGI app for waitress."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

SLACK_PATH = "/slack/events"
REJECTED = "rejected a request: invalid or expired signature"

StartResponse = Callable[..., Any]


class RedactRejectedRequests(logging.Filter):
    """Bolt logs each request that fails signature verification with its whole body at INFO:
    people's questions and live response_urls. Keep the line, drop the contents."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = REJECTED, ()
        return True


REDACT_REJECTED = RedactRejectedRequests()


def redact_rejected_requests() -> None:
    """Install the filter on Bolt's request verification logger (once; adding it is idempotent)."""
    logging.getLogger("slack_bolt.RequestVerification").addFilter(REDACT_REJECTED)


class WsgiApp:
    """`/healthz` (200 once the engine is loaded, 503 before) and Bolt's `/slack/events`."""

    def __init__(self) -> None:
        self._slack: SlackRequestHandler | None = None

    def ready(self, slack: SlackRequestHandler) -> None:
        self._slack = slack

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            if self._slack is None:
                return _plain(start_response, "503 Service Unavailable", "loading")
            return _plain(start_response, "200 OK", "ok")
        if path == SLACK_PATH:
            if self._slack is None:
                return _plain(start_response, "503 Service Unavailable", "loading")
            return self._slack(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
