"""The ladder a company sets in its settings: how often unclaimed escalations are reminded,
and who the backup is, turned into the deliveries of each round (`bot.escalation.states.climb`
says which; this says to whom)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.escalation.jobs import Job
from bot.escalation.states import URGENT_KINDS, Kind, climb


@dataclass(frozen=True)
class Ladder:
    remind_after: float  # seconds before an ordinary escalation's one reminder
    urgent_every: float  # seconds between the rounds of an urgent one
    backup_after: int  # urgent reminders that go unanswered before the backup is called
    backup_channel: str = ""
    oncall: tuple[str, ...] = ()  # on-call people: mentioned in reminders, DMed as backup

    @classmethod
    def from_settings(cls, settings: Settings) -> Ladder:
        return cls(
            settings.escalation_remind_minutes * 60,
            settings.escalation_remind_urgent_minutes * 60,
            settings.escalation_backup_after,
            settings.escalation_backup_channel_id,
            settings.escalation_backup_user_ids,
        )

    def every(self, kind: Kind) -> float:
        """Seconds between rounds (for an ordinary kind, before its only round)."""
        return self.urgent_every if kind in URGENT_KINDS else self.remind_after

    def minutes(self, kind: Kind, step: int) -> float:
        """How long an escalation has waited by round `step`, as the reminder says it."""
        return self.every(kind) * step / 60

    def deliveries(self, kind: Kind, step: int) -> list[tuple[Job, str]]:
        """(job, target) for round `step`; the backup fans out to its channel and each
        on-call person, each a target of its own."""
        deliveries: list[tuple[Job, str]] = []
        for job in climb(kind, step, self.backup_after):
            if job is Job.BACKUP:
                if self.backup_channel:
                    deliveries.append((Job.BACKUP, self.backup_channel))
                deliveries += [(Job.ONCALL, user) for user in self.oncall]
            else:
                deliveries.append((job, ""))
        return deliveries
