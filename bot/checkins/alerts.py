"""What supervisors read about a check-in once it went up to them: the text of its escalation
(the note of a missed check-in, shown to supervisors only then) and the details added when the
worker answers after all. Supervisor-facing, so not in `bot.checkins.strings`."""

from __future__ import annotations

from bot.checkins.store import Checkin
from bot.escalation.states import Kind

NO_NOTE = "(no note given)"
HELP_TEXT = "I need help now (tapped on a visit check-in)."
HELP_NOTE = "Check-in note:"
HELP_DETAIL = 'Tapped "I need help now" on the check-in.'
LATE_OK_DETAIL = 'Answered the check-in late: "I\'m OK".'


def alert_text(checkin: Checkin, kind: Kind) -> str:
    """The escalation's text (its card shows it to supervisors): the note of a missed
    check-in; for a call for help, that and the note."""
    if kind is Kind.MISSED_CHECKIN:
        return checkin.note or NO_NOTE
    return f"{HELP_TEXT} {HELP_NOTE} {checkin.note}" if checkin.note else HELP_TEXT
