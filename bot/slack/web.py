"""The HTTP endpoint: `/healthz` and Bolt's `/slack/events`, as one WSGI app for waitress.

Bolt parses a request's body before it verifies the signature, and a body it cannot parse
(a `payload=` field that is not JSON, say) raises out of its WSGI adapter: a 500, which Slack
retries. `SlackEndpoint` answers those itself: 401 unless slack_sdk's own `SignatureVerifier`
accepts the signature (so a forger learns nothing), else 400, which Slack does not retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

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


class SlackEndpoint(SlackRequestHandler):
    """Bolt's WSGI handler, with 400 (not 500) for a signed request it cannot parse."""

    def __init__(self, app: App, signing_secret: str, path: str = SLACK_PATH) -> None:
        super().__init__(app, path=path)
        self.verifier = SignatureVerifier(signing_secret)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        body, headers = request.get_body(), request.get_headers()
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except Exception:  # Bolt's body parsing: bad JSON, or JSON that is not an object
            return self._unreadable(body, headers)
        return self.app.dispatch(bolt_request)

    def _unreadable(self, body: str, headers: dict[str, Any]) -> BoltResponse:
        try:
            signed = self.verifier.is_valid_request(body, headers)
        except ValueError:  # a timestamp header that is not a number
            signed = False
        if not signed:
            log.info(REJECTED)
            return BoltResponse(status=401, body={"error": "invalid request"})
        log.warning("a signed request had a body that is not valid JSON: answered 400")
        return BoltResponse(status=400, body={"error": "invalid body"})


class WsgiApp:
    """`/healthz` (200 once the engine is loaded, 503 before) and Bolt's `/slack/events`."""

    def __init__(self) -> None:
        self._slack: SlackEndpoint | None = None

    def ready(self, slack: SlackEndpoint) -> None:
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
