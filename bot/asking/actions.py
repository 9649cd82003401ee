"""The asking feature's Slack ids: the buttons on an answer.

The answer also carries the escalation feature's buttons (`bot.escalation.actions`).
"""

from __future__ import annotations

HELPFUL = "answer_helpful"
NOT_HELPFUL = "answer_not_helpful"
SHOW_GUIDANCE = "answer_show_guidance"  # opens the full guidance behind the answer
HELP_NOW = "asking_help_now"  # "I need help now": on every reply, the help and the App Home
