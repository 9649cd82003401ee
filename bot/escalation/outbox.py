"""The delivery worker: posts what the escalation service queued, until Slack has it.

Exactly once, as far as Slack allows. Slack's chat.postMessage has no idempotency key, so a
post whose outcome is unknown (the process died mid-call, the connection dropped, a 5xx) may
or may not be in the channel. Cards and reminders therefore carry a marker (`block_id`), and:

* each job commits `attempted_at` (and `attempts`) before its Slack call, and `delivered_at`
  (with the card's ts, in the same commit) after it;
* a job that was ever attempted before looks for its marker in the supervisor channel's
  history since the job was queued, and if it is there just records it instead of posting;
* card and reminder posts go through a client that retries 429s only (Slack did not act on
  them); any other failure is handed back to this worker, which reschedules the job with
  exponential backoff, so the retry goes through the history check above. slack_sdk's
  connection and 5xx retries would re-post blindly, after a post that may have landed;
* a history read that fails for a passing reason (429, 5xx, connection) fails the job, to be
  retried; only a history that cannot be read at all (missing scope, unknown method) makes
  the job post anyway: a rare duplicate is better than a lost escalation.

DMs to the asker (claimed / group DM / resolved notices) are retried the same way but not
reconciled: at least once. Failures back off exponentially, forever: an escalation must land.
On start every pending job is due at once (`resume_pending`), whatever backoff it was in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.jobs import Job
from bot.escalation.outbox_store import OutboxJob, OutboxStore
from bot.escalation.states import Kind, Move, can
from bot.escalation.store import Escalation, EscalationStore
from bot.slack.background import BackgroundWorker, failure_reason
from bot.slack.client import post_once_client
from bot.slack.replies import direct_message

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
BACKOFF_BASE = 1.0
BACKOFF_MAX = 300.0
HISTORY_SLACK = 60.0  # seconds before the job was queued to search from, for clock skew
# History errors that will not go away by retrying: post without the check rather than never.
HISTORY_UNREADABLE = frozenset(
    {
        "missing_scope",
        "not_in_channel",
        "channel_not_found",
        "unknown_method",
        "method_deprecated",
        "not_allowed_token_type",
    }
)


class DeliveryWorker(BackgroundWorker):
    name = "outbox"
    poll = POLL_SECONDS

    def __init__(
        self,
        outbox: OutboxStore,
        escalations: EscalationStore,
        client: WebClient,
        settings: Settings,
    ) -> None:
        super().__init__()
        self.outbox = outbox
        self.escalations = escalations
        self.client = client
        self.poster = post_once_client(client)
        self.settings = settings
        # Each handler delivers one job; a card handler returns (channel, ts) to record.
        self._handlers: dict[Job, Callable[[OutboxJob, Escalation], tuple[str, str] | None]] = {
            Job.CARD: self._post_card,
            Job.CARD_UPDATE: self._update_card,
            Job.REMINDER: self._post_reminder,
            Job.CLAIMED: lambda job, escalation: direct_message(
                client, [escalation.asker], messages.claimed_notice(escalation)
            ),
            Job.GROUP_DM: lambda job, escalation: direct_message(
                client,
                [escalation.asker, escalation.claimed_by or ""],
                messages.group_intro(escalation),
            ),
            Job.RESOLVED: lambda job, escalation: direct_message(
                client, [escalation.asker], messages.resolved_notice(escalation)
            ),
        }

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        resumed = self.outbox.resume_pending(time.time())
        if resumed:
            log.info("resuming %d pending deliveries", resumed)
        super().start()

    # --- one pass -------------------------------------------------------------------------
    def run_once(self, now: float | None = None) -> int:
        """Queue due reminders, then deliver due jobs; returns how many were delivered."""
        now = time.time() if now is None else now
        self.escalations.queue_reminders(
            now,
            self.settings.escalation_remind_minutes * 60,
            self.settings.escalation_remind_urgent_minutes * 60,
        )
        delivered = 0
        while not self.stopping:  # each pass frees the next job of each escalation
            jobs = self.outbox.due(now)
            progress = sum(self._deliver(job) for job in jobs)
            delivered += progress
            if not progress:
                return delivered
        return delivered

    def _deliver(self, job: OutboxJob) -> int:
        escalation = self.escalations.get(job.escalation_id)
        now = time.time()
        if escalation is None:  # purged meanwhile: nothing left to say
            self.outbox.mark_delivered(job.id, now)
            return 0
        self.outbox.mark_attempt(job.id, now)
        try:
            card = self._handlers[job.job](job, escalation)
        except Exception as exc:
            error = failure_reason(exc)
            delay = min(BACKOFF_BASE * 2**job.attempts, BACKOFF_MAX)
            log.warning(
                "delivery %s (%s) of escalation %s failed: %s; retry in %.0f s",
                job.id,
                job.job,
                escalation.id,
                error,
                delay,
            )
            self.outbox.reschedule(job.id, time.time() + delay, str(error))
            return 0
        self.outbox.mark_delivered(job.id, time.time(), card=card or None)
        return 1

    # --- handlers -------------------------------------------------------------------------
    def _post_card(self, job: OutboxJob, escalation: Escalation) -> tuple[str, str]:
        channel = self.settings.supervisor_channel_id
        ts = self._already_posted(job, channel, ids.CARD_MARKER + escalation.id)
        if ts is None:
            response = self.poster.chat_postMessage(
                channel=channel, **messages.supervisor_card(escalation).kwargs()
            )
            channel, ts = response["channel"], response["ts"]
        return channel, ts

    def _update_card(self, job: OutboxJob, escalation: Escalation) -> None:
        if escalation.card_ts:
            self.client.chat_update(
                channel=escalation.card_channel,
                ts=escalation.card_ts,
                **messages.supervisor_card(escalation).kwargs(),
            )

    def _post_reminder(self, job: OutboxJob, escalation: Escalation) -> None:
        if not can(Move.CLAIM, escalation.state):  # claimed in the meantime: no need to ping
            return
        channel = self.settings.supervisor_channel_id
        if self._already_posted(job, channel, ids.REMINDER_MARKER + escalation.id) is None:
            minutes = (
                self.settings.escalation_remind_urgent_minutes
                if escalation.kind is Kind.URGENT
                else self.settings.escalation_remind_minutes
            )
            self.poster.chat_postMessage(
                channel=channel, **messages.reminder(escalation, minutes).kwargs()
            )

    def _already_posted(self, job: OutboxJob, channel: str, marker: str) -> str | None:
        """The ts of a message carrying `marker` posted by an earlier attempt of this job.

        Searched from when the job was queued, not from its last attempt: an attempt that
        died before its own check must not hide the post of the attempt before it.
        """
        if not job.ever_attempted:
            return None  # never tried: nothing can be there
        try:
            cursor = None
            while True:
                page = self.client.conversations_history(
                    channel=channel,
                    oldest=f"{job.created_at - HISTORY_SLACK:.6f}",
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
            error = exc.response.get("error")
            if error not in HISTORY_UNREADABLE:
                raise  # passing trouble: retry the job later, history check included
            log.warning("cannot check history before re-posting (%s); posting again", error)
            return None
