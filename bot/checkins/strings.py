"""Everything check-ins say to the worker, in one place so it can be translated
(`bot.checkins.messages` and `bot.checkins.home` build the Block Kit around these).

Texts are mrkdwn. `{placeholders}` are filled with numbers, dates and ids the bot made, and
`{note}` with the worker's own note, escaped first. What supervisors read stays in
`bot.checkins.messages`.
"""

from __future__ import annotations

# `/boundary checkin ...` and its one-line replies to bad input
USAGE = (
    "To start a visit check-in: `/boundary checkin MINUTES note`, e.g. "
    "`/boundary checkin 90 Mrs Lee, 12 Oak St` (1 to {max_minutes} minutes; the note is "
    "optional). To end it: `/boundary checkin end`."
)
BAD_MINUTES = (
    "A check-in needs a whole number of minutes from 1 to {max_minutes} (12 hours), e.g. "
    "`/boundary checkin 90 Mrs Lee`."
)
NOTE_TOO_LONG = "Please keep the note under {max_note} characters; no check-in was started."
NOTHING_RUNNING = "You have no check-in running."

# Started
STARTED = (
    ":stopwatch: Check-in set. At {due} I'll ask if you're OK; if you don't answer within "
    "{grace:g} minutes, I'll alert the supervisors."
)
REPLACED = "It replaces the check-in you had running."
NOTE = "*Your note* (only you see it, unless you miss the check-in):\n{note}"
END_BUTTON = "End check-in"

# "Are you OK?" and its buttons
PROMPT = ":wave: *Are you OK?* Your visit check-in is due."
PROMPT_FALLBACK = "Are you OK? Your visit check-in is due."
PROMPT_GRACE = "If you don't answer within {grace:g} minutes, I'll alert the supervisors."
OK_BUTTON = "I'm OK"
EXTEND_BUTTON = "Add {minutes} minutes"
HELP_BUTTON = "I need help now"

# What each answer gets back
OK_DONE = ":white_check_mark: Glad you're OK. Your check-in is closed."
EXTENDED = ":stopwatch: OK, I'll check on you again at {due}."
ENDED = "Check-in ended. Stay safe."
HELP_SENT = (
    ":rotating_light: I've alerted the supervisors and I'll tell you here as soon as someone "
    "takes it. *If you are in danger, call {number} now.*"
)
LATE_OK = (
    "Thanks. Your check-in had already gone to the supervisors, so I've told them you're OK. "
    "They may still contact you."
)
ALREADY_ALERTED = (
    "The supervisors already know about this check-in and will contact you. If you are in "
    "danger, call {number} now."
)
ALREADY_OVER = "That check-in is already over."
NOT_YET = "Your check-in is still running: I'll ask if you're OK at {due}."
NOT_YOURS = "That check-in isn't yours."

# App Home
HOME_HEADER = "Visit check-in"
HOME_RUNNING = ":stopwatch: Check-in running: I'll ask if you're OK at {due}."
HOME_DUE = ":wave: Your check-in is due: please answer *Are you OK?* in our messages."
HOME_NONE = (
    "Going somewhere new? Start a check-in and I'll ask if you're OK when it's due. If you "
    "don't answer, I alert the supervisors. You can also type `/boundary checkin 90 note`."
)
START_BUTTON = "Start a check-in"

# The "Start a check-in" modal
MODAL_TITLE = "Visit check-in"
MODAL_SUBMIT = "Start"
MODAL_CLOSE = "Cancel"
MODAL_MINUTES = "Check on me in (minutes)"
MODAL_NOTE = "Note (optional)"
MODAL_NOTE_HINT = (
    "For example the client's first name or the address. Only you see it, unless you miss "
    "the check-in: then your supervisors do."
)
