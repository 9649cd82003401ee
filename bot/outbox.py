"""The delivery worker: posts what the escalation service queued, until Slack has it.

Exactly once, as far as Slack allows: each job records `attempted_at` (committed) before its
Slack call and `delivered_at` after it. A crash between the two leaves a job that may already
be in the channel, so before posting again a card or reminder job looks for its own marker
(`block_id`) in the channel history since that attempt and, if found, just records it. If the
history cannot be read (missing scope, an emulator without it) the job posts again: a rare
duplicate is better than a lost escalation. DMs to the asker are retried the same way but not
reconciled (at least once). Failures back off exponentially, forever: an escalation must land.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.config import Settings
from bot.replies import direct_message
from bot.storage import Row, Storage

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
BACKOFF_BASE = 1.0
BACKOFF_MAX = 300.0
HISTORY_SLACK = 5.0  # seconds before `attempted_at` to search, for clock skew


class DeliveryWorker:
    def __init__(self, storage: Storage, client: WebClient, settings: Settings) -> None:
        self.storage = storage
        self.client = client
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[Row, Row], None]] = {
            "card": self._post_card,
            "card_update": self._update_card,
            "reminder": self._post_reminder,
            "claimed": lambda job, row: direct_message(
                client, [row["asker"]], blocks.claimed_notice(row)
            ),
            "group_dm": lambda job, row: direct_message(
                client, [row["asker"], row["claimed_by"]], blocks.group_intro(row)
            ),
            "resolved": lambda job, row: direct_message(
                client, [row["asker"]], blocks.resolved_notice(row)
            ),
        }

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the worker must outlive any single bad moment
                log.exception("delivery loop failed; retrying")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    # --- one pass -------------------------------------------------------------------------
    def run_once(self, now: float | None = None) -> int:
        """Queue due reminders, then deliver due jobs; returns how many were delivered."""
        now = time.time() if now is None else now
        self.storage.queue_reminders(
            now,
            self.settings.escalation_remind_minutes * 60,
            self.settings.escalation_remind_urgent_minutes * 60,
        )
        delivered = 0
        while not self._stop.is_set():  # each pass frees the next job of each escalation
            jobs = self.storage.due_jobs(now)
            progress = sum(self._deliver(job) for job in jobs)
            delivered += progress
            if not progress:
                return delivered
        return delivered

    def _deliver(self, job: Row) -> int:
        row = self.storage.escalation(job["escalation_id"])
        now = time.time()
        if row is None:  # purged meanwhile: nothing left to say
            self.storage.mark_delivered(job["id"], now)
            return 0
        self.storage.mark_attempt(job["id"], now)
        try:
            self._handlers[job["job"]](job, row)
        except Exception as exc:
            error = (
                exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            )
            delay = min(BACKOFF_BASE * 2 ** job["attempts"], BACKOFF_MAX)
            log.warning(
                "delivery %s (%s) of escalation %s failed: %s; retry in %.0f s",
                job["id"],
                job["job"],
                row["id"],
                error,
                delay,
            )
            self.storage.reschedule(job["id"], time.time() + delay, str(error))
            return 0
        self.storage.mark_delivered(job["id"], time.time())
        return 1

    # --- handlers -------------------------------------------------------------------------
    def _post_card(self, job: Row, row: Row) -> None:
        channel = self.settings.supervisor_channel_id
        ts = self._already_posted(job, channel, blocks.CARD_MARKER + row["id"])
        if ts is None:
            response = self.client.chat_postMessage(
                channel=channel, **blocks.supervisor_card(row).kwargs()
            )
            channel, ts = response["channel"], response["ts"]
        self.storage.set_card(row["id"], channel, ts)

    def _update_card(self, job: Row, row: Row) -> None:
        if row["card_ts"]:
            self.client.chat_update(
                channel=row["card_channel"],
                ts=row["card_ts"],
                **blocks.supervisor_card(row).kwargs(),
            )

    def _post_reminder(self, job: Row, row: Row) -> None:
        if row["state"] != "open":  # claimed in the meantime: no need to ping
            return
        channel = self.settings.supervisor_channel_id
        if self._already_posted(job, channel, blocks.REMINDER_MARKER + row["id"]) is None:
            minutes = (
                self.settings.escalation_remind_urgent_minutes
                if row["kind"] == "urgent"
                else self.settings.escalation_remind_minutes
            )
            self.client.chat_postMessage(channel=channel, **blocks.reminder(row, minutes).kwargs())

    def _already_posted(self, job: Row, channel: str, marker: str) -> str | None:
        """The ts of a message carrying `marker` posted since this job's last attempt."""
        if not job["attempted_at"]:
            return None
        try:
            cursor = None
            while True:
                page = self.client.conversations_history(
                    channel=channel,
                    oldest=str(job["attempted_at"] - HISTORY_SLACK),
                    limit=200,
                    cursor=cursor,
                )
                for message in page.get("messages", []):
                    if any(b.get("block_id") == marker for b in message.get("blocks") or []):
                        return message["ts"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return None
        except SlackApiError as exc:
            log.info("cannot check history before re-posting: %s", exc.response.get("error"))
            return None
