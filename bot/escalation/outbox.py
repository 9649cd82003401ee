"""The delivery worker: climbs the ladder, and posts what was queued, until Slack has it.

Exactly once, as far as Slack allows. Slack's chat.postMessage has no idempotency key, so a
post whose outcome is unknown (the process died mid-call, the connection dropped, a 5xx) may
or may not be in the channel. Cards, reminders, backup copies and the ladder's notices to the
asker therefore carry a marker (`block_id`), and:

* each job commits `attempted_at` (and `attempts`) before its Slack call, and `delivered_at`
  (with where it posted, and the audit trail's event, in the same commit) after it;
* a job that was ever attempted before looks for its marker in the channel's history (a DM's
  too) since the job was queued, and if it is there just records it instead of posting;
* marked posts go through a client that retries 429s only (Slack did not act on them); any
  other failure is handed back to this worker, which reschedules the job with exponential
  backoff, so the retry goes through the history check above. slack_sdk's connection and 5xx
  retries would re-post blindly, after a post that may have landed;
* a history read that fails for a passing reason (429, 5xx, connection) fails the job, to be
  retried; only a history that cannot be read at all (missing scope, unknown method) makes
  the job post anyway: a rare duplicate is better than a lost escalation.

The claimed / group DM / resolved notices are retried the same way but not reconciled: at
least once. Failures back off exponentially, forever: an escalation must land. On start every
pending job is due at once (`resume_pending`), whatever backoff it was in.

Other features queue their own jobs in the same outbox and `register` a handler for them
(`bot.checkins.delivery`), so they get the same guarantees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.asking.locale import Languages, NoHints, preferred
from bot.config import Settings
from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.jobs import Job
from bot.escalation.ladder import Ladder
from bot.escalation.outbox_store import OutboxJob, OutboxStore, Posted
from bot.escalation.states import Move, can
from bot.escalation.store import Escalation, EscalationStore, Event
from bot.slack.background import BackgroundWorker, failure_reason
from bot.slack.blocks import Message
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
COPIES = (Job.BACKUP, Job.ONCALL)  # the card's copies, redrawn with it

Handler = Callable[[OutboxJob], Posted | None]  # raises on failure; None: nothing was posted


class PostOnce:
    """Posts that carry a marker, checked for in the history before any retry."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.poster = post_once_client(client)

    def post(self, job: OutboxJob, channel: str, message: Message, marker: str) -> Posted:
        """Post `message` with `marker` as its first block_id, unless an earlier attempt of
        `job` already did; returns where it is."""
        ts = self.already_posted(job, channel, marker)
        if ts is not None:
            return channel, ts
        response = self.poster.chat_postMessage(channel=channel, **message.marked(marker).kwargs())
        return response["channel"], response["ts"]

    def direct(self, job: OutboxJob, users: Sequence[str], message: Message, marker: str) -> Posted:
        """The same in the DM (one user) or group DM of these users and the bot."""
        opened = self.client.conversations_open(users=",".join(dict.fromkeys(users)))
        return self.post(job, opened["channel"]["id"], message, marker)

    def already_posted(self, job: OutboxJob, channel: str, marker: str) -> str | None:
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


class DeliveryWorker(BackgroundWorker):
    name = "outbox"
    poll = POLL_SECONDS

    def __init__(
        self,
        outbox: OutboxStore,
        escalations: EscalationStore,
        client: WebClient,
        settings: Settings,
        clock: Callable[[], float] = time.time,
        languages: Languages | None = None,
    ) -> None:
        super().__init__()
        self.outbox = outbox
        self.escalations = escalations
        self.client = client
        self.once = PostOnce(client)
        self.settings = settings
        self.ladder = Ladder.from_settings(settings)
        self.clock = clock  # injectable, so tests move time instead of sleeping
        self.languages = languages or NoHints()  # Slack languages, for notices of no question
        self._handlers: dict[str, Handler] = {}
        self._audited: set[str] = set()
        escalation_jobs: dict[Job, Callable[[OutboxJob, Escalation], Posted | None]] = {
            Job.CARD: self._post_card,
            Job.CARD_UPDATE: self._update_card,
            Job.REMINDER: self._post_reminder,
            Job.BACKUP: self._post_backup,
            Job.ONCALL: self._post_oncall,
            Job.ALERTED: self._tell_alerted,
            Job.STILL_TRYING: self._tell_still_trying,
            Job.CLAIMED: lambda job, escalation: direct_message(
                client,
                [escalation.asker],
                messages.claimed_notice(escalation, self.language(escalation)),
            ),
            Job.GROUP_DM: lambda job, escalation: direct_message(
                client,
                [escalation.asker, escalation.claimed_by or ""],
                messages.group_intro(escalation, self.language(escalation)),
            ),
            Job.RESOLVED: lambda job, escalation: direct_message(
                client,
                [escalation.asker],
                messages.resolved_notice(escalation, self.language(escalation)),
            ),
        }
        for job, deliver in escalation_jobs.items():
            self.register(job, self._about_escalation(deliver), audit=job is not Job.CARD_UPDATE)

    def register(self, job: str, handler: Handler, *, audit: bool = False) -> None:
        """Deliver jobs named `job` with `handler`; `audit`: record each post that reaches Slack
        in the escalation's audit trail."""
        self._handlers[job] = handler
        if audit:
            self._audited.add(job)

    def language(self, escalation: Escalation) -> str:
        """What the asker is told in: the escalation's question's language, else their Slack
        language (a missed check-in, a request with no question), else English."""
        return preferred(escalation.language, escalation.asker, self.languages)

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        resumed = self.outbox.resume_pending(self.clock())
        if resumed:
            log.info("resuming %d pending deliveries", resumed)
        super().start()

    # --- one pass -------------------------------------------------------------------------
    def run_once(self, now: float | None = None) -> int:
        """Take the ladder's due rounds, then deliver due jobs; returns how many were
        delivered."""
        now = self.clock() if now is None else now
        self.escalations.climb(now, self.ladder)
        delivered = 0
        while not self.stopping:  # each pass frees the next job of each escalation
            jobs = self.outbox.due(now)
            progress = sum(self._deliver(job) for job in jobs)
            delivered += progress
            if not progress:
                return delivered
        return delivered

    def _deliver(self, job: OutboxJob) -> int:
        self.outbox.mark_attempt(job.id, self.clock())
        try:
            posted = self._handlers[job.job](job)
        except Exception as exc:
            error = failure_reason(exc)
            delay = min(BACKOFF_BASE * 2**job.attempts, BACKOFF_MAX)
            log.warning(
                "delivery %s (%s) of %s failed: %s; retry in %.0f s",
                job.id,
                job.job,
                job.escalation_id,
                error,
                delay,
            )
            self.outbox.reschedule(job.id, self.clock() + delay, str(error))
            return 0
        audit = job.job in self._audited
        self.outbox.mark_delivered(
            job.id,
            self.clock(),
            posted,
            card=job.job == Job.CARD,
            event=(Event.NOTIFIED, _detail(job, posted)) if audit else None,
        )
        return 1

    def _about_escalation(
        self, deliver: Callable[[OutboxJob, Escalation], Posted | None]
    ) -> Handler:
        def handler(job: OutboxJob) -> Posted | None:
            escalation = self.escalations.get(job.escalation_id)
            if escalation is None:  # purged meanwhile: nothing left to say
                return None
            return deliver(job, escalation)

        return handler

    # --- handlers -------------------------------------------------------------------------
    def _post_card(self, job: OutboxJob, escalation: Escalation) -> Posted:
        channel = self.settings.supervisor_channel_id
        marker = ids.CARD_MARKER + escalation.id
        return self.once.post(job, channel, messages.supervisor_card(escalation), marker)

    def _update_card(self, job: OutboxJob, escalation: Escalation) -> None:
        if escalation.card_ts:
            self.client.chat_update(
                channel=escalation.card_channel,
                ts=escalation.card_ts,
                **messages.supervisor_card(escalation).kwargs(),
            )
        for copy in self.outbox.posted(escalation.id, COPIES):
            try:  # a courtesy: a stale copy's Claim button just says who has it
                self.client.chat_update(
                    channel=copy.channel, ts=copy.ts, **self._copy(copy, escalation).kwargs()
                )
            except SlackApiError as exc:
                log.warning("backup copy of %s not redrawn: %s", escalation.id, failure_reason(exc))

    def _post_reminder(self, job: OutboxJob, escalation: Escalation) -> Posted | None:
        if not can(Move.CLAIM, escalation.state):  # claimed in the meantime: no need to ping
            return None
        step = job.step or 1
        message = messages.reminder(
            escalation, self.ladder.minutes(escalation.kind, step), step, self.ladder.oncall
        )
        marker = ids.marker(ids.REMINDER_MARKER, escalation.id, step)
        return self.once.post(job, self.settings.supervisor_channel_id, message, marker)

    def _post_backup(self, job: OutboxJob, escalation: Escalation) -> Posted | None:
        if not can(Move.CLAIM, escalation.state):
            return None
        return self.once.post(job, job.target, self._copy(job, escalation), _copy_marker(job))

    def _post_oncall(self, job: OutboxJob, escalation: Escalation) -> Posted | None:
        if not can(Move.CLAIM, escalation.state):
            return None
        message = self._copy(job, escalation)
        return self.once.direct(job, [job.target], message, _copy_marker(job))

    def _copy(self, job: OutboxJob, escalation: Escalation) -> Message:
        minutes = self.ladder.minutes(escalation.kind, job.step or 1)
        return messages.backup_card(escalation, minutes, _copy_marker(job))

    def _tell_alerted(self, job: OutboxJob, escalation: Escalation) -> Posted:
        message = messages.alerted_notice(
            escalation, self.settings.emergency_number, self.language(escalation)
        )
        marker = ids.ALERTED_MARKER + escalation.id
        return self.once.direct(job, [escalation.asker], message, marker)

    def _tell_still_trying(self, job: OutboxJob, escalation: Escalation) -> Posted | None:
        if not can(Move.CLAIM, escalation.state):
            return None
        message = messages.still_trying_notice(
            escalation, self.settings.emergency_number, self.language(escalation)
        )
        marker = ids.STILL_TRYING_MARKER + escalation.id
        return self.once.direct(job, [escalation.asker], message, marker)


def _copy_marker(job: OutboxJob) -> str:
    prefix = ids.BACKUP_MARKER if job.job == Job.BACKUP else ids.ONCALL_MARKER
    return prefix + job.escalation_id


def _detail(job: OutboxJob, posted: Posted | None) -> str:
    """What the audit trail says was sent where: `reminder round 2 to G0SUPERS`."""
    round_ = f" round {job.step}" if job.step else ""
    where = posted[0] if posted else job.target
    return f"{job.job}{round_} to {where}"
