"""Everything the escalation feature says to the person who asked for help, in one place so it
can be translated (`bot.escalation.messages` builds the Block Kit around these).

Texts are mrkdwn; `{placeholders}` are filled with Slack ids and numbers the bot made, never
with user text. What supervisors read stays in `bot.escalation.messages`.
"""

from __future__ import annotations

# The asker's confirmation, with its buttons
SENT = "Done: I've asked {who}. You'll hear here as soon as someone picks it up."
WHO_SUPERVISOR = "a supervisor"
WHO_HANDOVER = "another team member to take over"
ADD_DETAILS = "Add details"
CANCEL_REQUEST = "Cancel request"

# Replies to the asker's own clicks
CANCELLED = "Cancelled. The supervisors can see you withdrew it."
DETAILS_ADDED = "Thanks, I've added that for the supervisors."
NOT_ASKER_ESCALATE = "Only the person who asked can escalate this."
NOT_ASKER_CANCEL = "You can only cancel your own requests."
NOT_ASKER_DETAILS = "You can only add details to your own requests."
GONE = "That escalation no longer exists."
QUESTION_GONE = "That question is no longer on record."
CLOSED = "That request is already closed."

# The "Add details" modal
DETAILS_TITLE = "Add details"
DETAILS_LABEL = "What should the supervisor know?"
DETAILS_SUBMIT = "Add"
DETAILS_CLOSE = "Cancel"
DETAILS_EMPTY = "Please write something first."

# Where things stand, delivered by the outbox
ALERTED = (
    ":bell: I've alerted the supervisors and I'll tell you here as soon as someone takes it. "
    "If you are in danger, call {number} now."
)
ALERTED_MISSED_CHECKIN = (
    ":bell: You didn't answer your check-in, so I've alerted the supervisors. If you are in "
    "danger, call {number} now. If you're OK, you can still tap *I'm OK* on the check-in."
)
STILL_TRYING = (
    ":hourglass_flowing_sand: Nobody has taken your request yet. I'm still trying to reach "
    "someone. *If you are in danger, call {number} now.*"
)
CLAIMED = ":raising_hand: <@{supervisor}> is on it and will message you in a group chat with me."
GROUP_INTRO = (
    "<@{asker}> asked for help and <@{supervisor}> is taking it from here. The question was:"
)
GROUP_DETAILS = "*Details added:*"
RESOLVED = "<@{supervisor}> marked your request as resolved. Did it help?"
HELPFUL = "Helpful"
NOT_HELPFUL = "Not helpful"
THEIR_ADVICE = "Their advice:"
