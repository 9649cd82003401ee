"""The Slack deliveries a check-in queues through the escalation outbox (its `job` column)."""

from __future__ import annotations

from enum import StrEnum


class CheckinJob(StrEnum):
    PROMPT = "checkin_prompt"  # "Are you OK?" in the worker's DM (step: which prompt)
