"""Handle each Slack delivery once: retries, replays and reconnects are acknowledged, not redone.

Slack redelivers events it thinks were missed (`X-Slack-Retry-Num`, Socket Mode
`retry_attempt`) with the same ids, and people double-click. Every delivery has a key (below)
that all its copies share; the key is stored in SQLite (`processed_events`) before the
listener runs, so it holds across restarts too, with a state:

* `started` (and the id of this process run) when first seen, then `done` when its listener
  finishes, answered or apologised (Bolt's listener completion handler);
* a copy of a `done` key, or of a key this run is still working on, is acked and dropped;
* a copy of a key still `started` by an earlier run was cut off by a crash (one bot process
  per `bot.db`, so an earlier run's unfinished key is a dead one): it is handled again, so
  the answer a crash interrupted is not lost.

That makes answers exactly once except in the short gap between Slack accepting the answer
and the key turning `done`: a crash there and a redelivery repeat the answer (at least once).

Slack only redelivers what it did not see acknowledged, and Bolt acknowledges events (and
`/boundary` acknowledges itself) before the work is done. So the body of an event or command
is kept with its `started` key, and `replay_unfinished`, called once at startup, dispatches
again every recent one a dead run left unfinished (each started again at most MAX_REPLAYS
times, counted when its listener starts: a replay still queued when the run dies is not used
up). Clicks
need no replay: the escalation is committed before the click is acknowledged.
Escalations do not depend on any of this: they are idempotent per question (or clicked
message, or open urgent question), committed before any Slack call, and posted by the outbox.
Double clicks are distinct deliveries (new `action_ts`); the services make those idempotent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_bolt.listener.listener_start_handler import ListenerStartHandler

from bot.slack.deliveries import DeliveryStore, Verdict

log = logging.getLogger(__name__)

CONTEXT_KEY = "dedupe_key"  # where the middleware leaves the key for the completion handler
RESUMED_KEY = "dedupe_resumed"  # set when a dead run's unfinished delivery is handled again
RUN_ID = uuid.uuid4().hex  # this process run: a key another run left `started` is a dead one
REPLAY_WINDOW = 3600.0  # seconds: older unfinished deliveries are not replayed
MAX_REPLAYS = 2


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
        # The hash changes only when the app updates the view: a submission corrected after
        # a `response_action: errors` keeps it, and must not pass for a copy of the first.
        view = body.get("view") or {}
        typed = json.dumps((view.get("state") or {}).get("values"), sort_keys=True)
        digest = hashlib.sha256(typed.encode()).hexdigest()[:16]
        return f"view:{view['id']}:{view.get('hash')}:{digest}" if view.get("id") else None
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    return None


class FinishDelivery(ListenerCompletionHandler):
    """Marks a delivery's key `done` once its listener has run, after any handler before it."""

    def __init__(self, deliveries: DeliveryStore, inner: ListenerCompletionHandler | None) -> None:
        self.deliveries = deliveries
        self.inner = inner

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        try:
            if self.inner is not None:
                self.inner.handle(request=request, response=response)
        finally:
            key = request.context.get(CONTEXT_KEY)
            if key:
                self.deliveries.finish(key)


class StartDelivery(ListenerStartHandler):
    """Counts a replay when its listener starts (see `DeliveryStore.retried`)."""

    def __init__(self, deliveries: DeliveryStore, inner: ListenerStartHandler | None) -> None:
        self.deliveries = deliveries
        self.inner = inner

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        key = request.context.get(CONTEXT_KEY)
        if key and request.context.get(RESUMED_KEY):
            self.deliveries.retried(key)
        if self.inner is not None:
            self.inner.handle(request=request, response=response)


def replayable(body: dict[str, Any]) -> bool:
    """Events and slash commands are acknowledged before their work is done."""
    return body.get("type") == "event_callback" or bool(body.get("command"))


def dedupe_middleware(
    deliveries: DeliveryStore, run_id: str = RUN_ID
) -> Callable[..., BoltResponse | None]:
    """Bolt global middleware; `run_id` names this process run."""
    run = run_id
    installed = threading.Lock()

    def install_completion(context: BoltContext) -> None:
        """Chain StartDelivery and FinishDelivery into Bolt's listener runner (once; Bolt has
        no public hook)."""
        runner = context.get("listener_runner")
        with installed:
            if runner is None:
                return
            if not isinstance(runner.listener_start_handler, StartDelivery):
                runner.listener_start_handler = StartDelivery(
                    deliveries, runner.listener_start_handler
                )
            if not isinstance(runner.listener_completion_handler, FinishDelivery):
                runner.listener_completion_handler = FinishDelivery(
                    deliveries, runner.listener_completion_handler
                )

    def dedupe(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        key = dedupe_key(body)
        if key is None:
            next()
            return None
        install_completion(context)
        kept = json.dumps(body) if replayable(body) else None
        verdict = deliveries.claim(key, run, time.time(), kept)
        if verdict is Verdict.DUPLICATE:
            log.info("duplicate delivery acknowledged and skipped (%s)", key.split(":", 1)[0])
            return BoltResponse(status=200, body="")
        if verdict is Verdict.RESUMED:
            log.info("redelivery of an unfinished delivery handled again (%s)", key.split(":")[0])
            context[RESUMED_KEY] = True
        context[CONTEXT_KEY] = key
        next()
        return None

    return dedupe


def replay_unfinished(app: App, deliveries: DeliveryStore, run_id: str = RUN_ID) -> int:
    """Dispatch again the events and commands a dead run acknowledged but never finished.

    Call once at startup, after the app is built. Each goes through the middleware above
    (so it is claimed by this run, and a Slack redelivery of it is a duplicate); returns
    how many were replayed.
    """
    bodies = deliveries.unfinished(run_id, time.time() - REPLAY_WINDOW, MAX_REPLAYS)
    for body in bodies:
        app.dispatch(BoltRequest(body=json.loads(body), mode="socket_mode"))
    if bodies:
        log.info("replayed %d deliveries a previous run left unfinished", len(bodies))
    return len(bodies)
