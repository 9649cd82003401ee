"""Delivering "Are you OK?" through the escalation outbox: queued in the commit that fires the
check-in, posted once (an earlier attempt's message is looked for in the DM before any retry),
retried with backoff until Slack has it, resumed after a restart."""

from __future__ import annotations

from collections.abc import Callable

from bot.asking.strings import ENGLISH
from bot.checkins import actions as ids
from bot.checkins import messages
from bot.checkins.jobs import CheckinJob
from bot.checkins.states import State
from bot.checkins.store import CheckinStore
from bot.escalation.outbox import DeliveryWorker
from bot.escalation.outbox_store import OutboxJob, Posted

# A prompt still worth sending: waiting for its answer, or missed meanwhile (the worker can
# still say "I'm OK", and the supervisors are told).
ASKING = (State.DUE, State.MISSED)


def register(
    worker: DeliveryWorker,
    store: CheckinStore,
    grace_minutes: float,
    language: Callable[[str], str] = lambda user_id: ENGLISH,
) -> None:
    """Have `worker` deliver the check-ins' jobs; "Are you OK?" is in the worker's `language`
    (`bot.checkins.service.WorkerLanguage`)."""

    def prompt(job: OutboxJob) -> Posted | None:
        checkin = store.get(job.escalation_id)
        if checkin is None or checkin.state not in ASKING or checkin.prompts != job.step:
            return None  # answered, ended, or asked again since: nothing to ask
        marker = f"{ids.PROMPT_MARKER}{checkin.id}:{job.step}"
        message = messages.prompt(checkin, grace_minutes, language(checkin.user_id))
        return worker.once.direct(job, [checkin.user_id], message, marker)

    worker.register(CheckinJob.PROMPT, prompt)
