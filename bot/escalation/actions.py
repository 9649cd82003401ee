"""The escalation feature's Slack ids: button action_ids, the details modal's ids, and the
block_id markers that let the outbox find a card or reminder it posted.

Listeners (`bot.listeners`) match on these and the messages (`bot.escalation.messages`) set
them, so a new button touches this folder and one listener module.
"""

from __future__ import annotations

# Buttons on answers and apologies (raise one)
ESCALATE = "escalate_supervisor"
HANDOVER = "escalate_handover"
# On the supervisor card, the reminder and the App Home queue
CLAIM = "escalation_claim"
RESOLVE = "escalation_resolve"
# On the asker's confirmation (and on an urgent answer)
CANCEL = "escalation_cancel"
ADD_DETAILS = "escalation_details"
# On the "resolved" notice to the asker
RESOLUTION_HELPFUL = "resolution_helpful"
RESOLUTION_NOT_HELPFUL = "resolution_not_helpful"

# The "Add details" modal
DETAILS_CALLBACK = "escalation_details"
DETAILS_BLOCK = "details"
DETAILS_INPUT = "details_text"

# The Resolve modal: what the supervisor advised, and whether to suggest it as guidance
RESOLVE_CALLBACK = "escalation_resolve"
ADVICE_BLOCK = "advice"
ADVICE_INPUT = "advice_text"
SUGGEST_BLOCK = "suggest"
SUGGEST_INPUT = "suggest_guidance"
SUGGEST_OPTION = "suggest"

# block_id prefixes, followed by the escalation id (and, for a reminder, its round): how the
# outbox finds a message an earlier attempt may have posted
CARD_MARKER = "escalation:"
REMINDER_MARKER = "reminder:"
BACKUP_MARKER = "backup:"  # the card in the backup channel
ONCALL_MARKER = "oncall:"  # the card in an on-call person's DM
ALERTED_MARKER = "alerted:"  # notices to the asker
STILL_TRYING_MARKER = "still-trying:"


def marker(prefix: str, subject_id: str, step: int = 0) -> str:
    """The block_id of one delivery: `prefix` + id, and `:step` for a round of the ladder."""
    return f"{prefix}{subject_id}:{step}" if step else prefix + subject_id
