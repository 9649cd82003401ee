"""The guidance feature's Slack ids: the App Home buttons and the review modal's.

Button values carry a guidance entry's id (a question's id for a gap), never text.
"""

from __future__ import annotations

# On a suggestion
APPROVE = "guidance_approve"
EDIT = "guidance_edit"
DISCARD = "guidance_discard"
# On approved guidance
EDIT_APPROVED = "guidance_edit_approved"
RETRACT = "guidance_retract"
# On a gap
WRITE = "guidance_write"

# The review modal: its block ids are `bot.guidance.draft.Field` values
REVIEW_CALLBACK = "guidance_review"
INPUT = "value"  # every input's action_id (one input per block)
