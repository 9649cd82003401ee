"""The Slack deliveries an escalation can queue (the `job` column of `outbox`): one name each.

Other features queue their own (`bot.checkins.jobs`) through the same outbox."""

from __future__ import annotations

from enum import StrEnum


class Job(StrEnum):
    CARD = "card"  # the card in the supervisor channel
    CARD_UPDATE = "card_update"  # the card redrawn after a change
    REMINDER = "reminder"  # a ping in the channel while nobody has claimed it
    CLAIMED = "claimed"  # tell the asker who is on it
    GROUP_DM = "group_dm"  # open the asker + supervisor group DM with the question
    RESOLVED = "resolved"  # tell the asker it was resolved; ask whether it helped
    # The ladder of urgent escalations (bot.escalation.states.climb)
    ALERTED = "alerted"  # tell the asker supervisors were alerted (when no answer said so)
    STILL_TRYING = "still_trying"  # tell the asker nobody has taken it yet: call 911 if in danger
    BACKUP = "backup"  # the card in the backup channel (target: the channel)
    ONCALL = "oncall"  # the card in an on-call person's DM (target: the user)
