"""Handle each Slack delivery once: retries, replays and reconnects are acknowledged, not redone.

Slack redelivers events it thinks were missed (`X-Slack-Retry-Num`, Socket Mode
`retry_attempt`) with the same ids, so the key below is stored in SQLite when a delivery is
first seen and any later copy is acked with 200 and dropped, across restarts too. The choice
is at most once: a crash mid-answer loses that answer rather than risking two. Escalations
do not depend on it: they are committed before any Slack call and delivered by the outbox.
Double clicks are distinct deliveries (new `action_ts`); the services make those idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.storage import Storage

log = logging.getLogger(__name__)


def dedupe_key(body: dict[str, Any]) -> str | None:
    """A key that every copy of one delivery shares, or None if it needs no dedupe."""
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event") or {}
        if event.get("type") == "message" and event.get("channel") and event.get("ts"):
            return f"message:{event['channel']}:{event['ts']}"
        return f"event:{body['event_id']}" if body.get("event_id") else None
    if kind == "block_actions":
        action = (body.get("actions") or [{}])[0]
        user = (body.get("user") or {}).get("id", "")
        return f"action:{user}:{action['action_ts']}" if action.get("action_ts") else None
    if kind == "view_submission":
        view = body.get("view") or {}
        return f"view:{view.get('id')}:{view.get('hash')}" if view.get("id") else None
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    return None


def dedupe_middleware(storage: Storage) -> Callable[..., BoltResponse | None]:
    def dedupe(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        key = dedupe_key(body)
        if key is None or storage.first_time(key):
            next()
            return None
        log.info("duplicate delivery acknowledged and skipped (%s)", key.split(":", 1)[0])
        return BoltResponse(status=200, body="")

    return dedupe
