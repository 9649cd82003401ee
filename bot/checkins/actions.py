"""The check-in feature's Slack ids: buttons, the modal's ids, the prompt's marker.

Button values carry a check-in id only, never the note.
"""

from __future__ import annotations

# On "Are you OK?" (and, for EXTEND and END, on the App Home)
OK = "checkin_ok"
EXTEND = "checkin_extend"
HELP = "checkin_help"
END = "checkin_end"
# On the App Home: opens the modal
START = "checkin_start"

# The "Start a check-in" modal
MODAL_CALLBACK = "checkin_start"
MINUTES_BLOCK = "checkin_minutes"
MINUTES_INPUT = "minutes"
NOTE_BLOCK = "checkin_note"
NOTE_INPUT = "note"

# block_id of "Are you OK?", followed by the check-in id and the prompt's number
PROMPT_MARKER = "checkin:"
