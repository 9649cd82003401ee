"""``response_url`` webhooks handed out in slash-command and block_actions payloads.

Slack lets an app use a response_url "up to 5 times within 30 minutes"; the
emulator enforces both and answers like an incoming webhook (``200 ok``,
or a 4xx with a short plain-text error such as ``used_url``).  When the URL is
bound to a channel/message, ``in_channel`` posts, ``replace_original`` and
``delete_original`` are applied to the stored messages so tests can read the
outcome from ``emu.messages(channel)``.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .state import Workspace
from .web_api import WebApi, truthy, with_block_ids

MAX_USES = 5
TTL_SECONDS = 30 * 60


@dataclass
class ResponseUrlPost:
    """One POST to a response_url, accepted or refused."""

    body: dict[str, Any] | None
    status: int
    answer: str
    time: float
    raw: str


@dataclass
class _Entry:
    url: str
    kind: str
    created: float
    channel: str | None
    user: str | None
    message_ts: str | None
    posts: list[ResponseUrlPost] = field(default_factory=list)

    @property
    def accepted(self) -> list[ResponseUrlPost]:
        return [p for p in self.posts if p.status == 200]


class ResponseUrls:
    """Registry of issued response_urls keyed by URL path."""

    def __init__(self, ws: Workspace, api: WebApi) -> None:
        self.ws = ws
        self.api = api
        self.max_uses = MAX_USES
        self.ttl_seconds: float = TTL_SECONDS
        self._cond = threading.Condition()
        self._entries: dict[str, _Entry] = {}

    def create(
        self,
        base_url: str,
        *,
        kind: str = "commands",
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Issue a URL like ``/commands/T0001/123456789/<secret>`` (kind: commands|actions)."""
        owner = self.ws.team_id if kind == "commands" else self.ws.app_id
        path = f"/{kind}/{owner}/{secrets.randbelow(10**12)}/{secrets.token_urlsafe(18)}"
        url = base_url.rstrip("/") + path
        with self._cond:
            self._entries[path] = _Entry(
                url=url,
                kind=kind,
                created=time.monotonic(),
                channel=channel,
                user=user,
                message_ts=message_ts,
            )
        return url

    def owns(self, path: str) -> bool:
        with self._cond:
            return path in self._entries

    def handle(self, path: str, raw: str, content_type: str) -> tuple[int, str]:
        """Process a POST; returns (HTTP status, plain-text answer)."""
        with self._cond:
            entry = self._entries[path]
            status, answer, body = self._evaluate(entry, raw, content_type)
            entry.posts.append(
                ResponseUrlPost(body=body, status=status, answer=answer, time=time.time(), raw=raw)
            )
            self._cond.notify_all()
            return status, answer

    def _evaluate(
        self, entry: _Entry, raw: str, content_type: str
    ) -> tuple[int, str, dict[str, Any] | None]:
        if time.monotonic() - entry.created > self.ttl_seconds:
            return 404, "expired_url", None
        if len(entry.accepted) >= self.max_uses:
            return 404, "used_url", None
        try:
            if "application/x-www-form-urlencoded" in content_type:
                body = json.loads(parse_qs(raw).get("payload", [""])[0])
            else:
                body = json.loads(raw)
        except ValueError:
            return 400, "invalid_payload", None
        if not isinstance(body, dict):
            return 400, "invalid_payload", None
        if truthy(body.get("delete_original")):
            self._delete_original(entry)
            return 200, "ok", body
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return 400, "no_text", body
        self._apply(entry, body)
        return 200, "ok", body

    def _delete_original(self, entry: _Entry) -> None:
        if entry.channel and entry.message_ts:
            stored = self.ws.find_message(entry.channel, entry.message_ts)
            if stored is not None:
                stored.deleted = True

    def _apply(self, entry: _Entry, body: dict[str, Any]) -> None:
        ws = self.ws
        with ws.lock:
            if truthy(body.get("replace_original")) and entry.channel and entry.message_ts:
                stored = ws.find_message(entry.channel, entry.message_ts)
                if stored is not None:
                    new = copy.deepcopy(stored.latest)
                    for key in ("text", "blocks", "attachments"):
                        if key in body:
                            new[key] = with_block_ids(body[key]) if key == "blocks" else body[key]
                    new["edited"] = {"user": ws.bot_user_id, "ts": ws.clock.next()}
                    stored.versions.append(new)
                    return
            ts = ws.clock.next()
            message = self.api.bot_message(ts, body, str(body.get("text", "")))
            if body.get("response_type") == "in_channel" and entry.channel:
                ws.store_message(entry.channel, message)
            else:
                ws.ephemeral.append(
                    {
                        "channel": entry.channel,
                        "user": entry.user,
                        "message_ts": ts,
                        "message": message,
                        "via": "response_url",
                    }
                )

    def posts(self, url: str) -> list[ResponseUrlPost]:
        with self._cond:
            return list(self._entry_for(url).posts)

    def wait(self, url: str, timeout: float, count: int = 1) -> ResponseUrlPost:
        """Block until ``count`` accepted POSTs arrived; return the ``count``-th."""
        deadline = time.monotonic() + timeout
        with self._cond:
            entry = self._entry_for(url)
            while len(entry.accepted) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = (
                        "\n".join(f"  {p.status} {p.answer} {p.raw[:120]}" for p in entry.posts)
                        or "  (none)"
                    )
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} POST(s) to {url};"
                        f" got:\n{seen}"
                    )
                self._cond.wait(remaining)
            return entry.accepted[count - 1]

    def _entry_for(self, url: str) -> _Entry:
        for entry in self._entries.values():
            if entry.url == url:
                return entry
        raise KeyError(f"unknown response_url {url!r} (create it with emu.new_response_url())")
