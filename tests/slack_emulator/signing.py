"""Send signed requests to the bot's HTTP endpoint exactly as Slack does.

Slack signs ``v0:{timestamp}:{raw_body}`` with HMAC-SHA256 and sends
``X-Slack-Request-Timestamp`` / ``X-Slack-Signature: v0=<hex>``
(docs.slack.dev/authentication/verifying-requests-from-slack). Content types:

* Events API -> ``application/json`` body;
* slash commands -> ``application/x-www-form-urlencoded`` fields;
* interactivity -> form-encoded single field ``payload=<json>``.

Signing uses slack_sdk's own ``SignatureVerifier`` so the helper and the bot
agree by construction; :func:`compute_signature` is an independent HMAC used by
the tests to cross-check it against Slack's published test vector.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def compute_signature(secret: str, timestamp: str | int, body: str) -> str:
    """Plain-stdlib ``v0=`` signature (independent of slack_sdk)."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: str | int, body: str) -> str:
    """``v0=`` signature via ``slack_sdk.signature.SignatureVerifier.generate_signature``."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    assert signature is not None
    return signature


def signature_headers(secret: str, body: str, timestamp: str | int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(secret, ts, body)}


def encode_body(body: str | dict[str, Any], content_type: str) -> str:
    """Serialise ``body`` as Slack would for ``content_type`` (strings pass through as-is)."""
    if isinstance(body, str):
        return body
    if content_type.startswith(FORM):
        return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    return json.dumps(body)


def signed_post(
    url: str,
    body: str | dict[str, Any],
    secret: str,
    content_type: str | None = None,
    timestamp: str | int | None = None,
    headers: dict[str, str] | None = None,
    *,
    timeout: float = 10.0,
) -> tuple[int, str]:
    """POST a signed request; returns ``(status, response_body_text)`` even for 4xx/5xx.

    ``content_type`` defaults to JSON for dicts.  ``timestamp`` lets tests send
    stale requests (Bolt rejects ones older than 5 minutes).  Extra ``headers``
    (e.g. ``X-Slack-Retry-Num``) are added after signing; an explicit
    ``X-Slack-Signature`` in ``headers`` overrides the computed one.
    """
    content_type = content_type or JSON
    raw = encode_body(body, content_type)
    all_headers = {
        "Content-Type": content_type,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    all_headers.update(signature_headers(secret, raw, timestamp))
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=raw.encode(), headers=all_headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def post_event(
    url: str,
    event_callback_body: dict[str, Any],
    secret: str,
    *,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    timestamp: str | int | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Deliver an Events API body as JSON; ``retry_num`` adds ``X-Slack-Retry-Num``/``-Reason``."""
    extra = dict(headers or {})
    if retry_num is not None:
        extra["X-Slack-Retry-Num"] = str(retry_num)
        extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return signed_post(url, event_callback_body, secret, JSON, timestamp, extra)


def post_command(
    url: str,
    form: dict[str, str],
    secret: str,
    *,
    timestamp: str | int | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Deliver a slash command as ``application/x-www-form-urlencoded``."""
    return signed_post(url, urlencode(form), secret, FORM, timestamp, headers)


def post_interaction(
    url: str,
    payload: dict[str, Any],
    secret: str,
    *,
    timestamp: str | int | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """Deliver an interaction as form-encoded ``payload=<json>``."""
    return signed_post(
        url, urlencode({"payload": json.dumps(payload)}), secret, FORM, timestamp, headers
    )
