"""The Slack deliveries an escalation can queue (the `job` column of `outbox`): one name each."""

from __future__ import annotations

from enum import StrEnum


class Job(StrEnum):
    CARD = "card"  # the card in the supervisor channel
    CARD_UPDATE = "card_update"  # the card redrawn after a change
    REMINDER = "reminder"  # a ping in the channel while nobody has claimed it
    CLAIMED = "claimed"  # tell the asker who is on it
    GROUP_DM = "group_dm"  # open the asker + supervisor group DM with the question
    RESOLVED = "resolved"  # tell the asker it was resolved; ask whether it helped
