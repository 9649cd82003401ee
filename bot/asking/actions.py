"""The asking feature's Slack ids: the feedback buttons on an answer.

The answer also carries the escalation feature's buttons (`bot.escalation.actions`).
"""

from __future__ import annotations

HELPFUL = "answer_helpful"
NOT_HELPFUL = "answer_not_helpful"
