"""Block Kit for escalations: the supervisor card, its reminders and backup copies, the notices
to the asker, the "Add details" modal, and `reply`, which renders a service `Outcome` for the
person who clicked.

All user and knowledge text passes through `bot.slack.text.safe`, so nothing it contains can
mention or link; the only mentions are the bot's own (ids it was configured with or got from
Slack). Button values carry an escalation id only. What the asker reads is in
`bot.escalation.strings`, in the escalation's language (`language` below: the question's,
else the asker's Slack language; English by default); what supervisors read stays in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.asking.strings import ENGLISH
from bot.escalation import actions as ids
from bot.escalation.service import Outcome, Request, Result
from bot.escalation.states import URGENT_KINDS, Kind, Move, State, can
from bot.escalation.store import Escalation
from bot.escalation.strings import Strings, strings
from bot.slack.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    modal,
    notice,
    quote,
    section,
    slack_date,
)
from bot.slack.text import safe

MAX_DETAILS = 2000  # characters in the "Add details" box

KIND_LABELS = {
    Kind.QUESTION: "Question",
    Kind.HANDOVER: "Handover request",
    Kind.URGENT: ":rotating_light: Urgent",
    Kind.MISSED_CHECKIN: ":rotating_light: Missed check-in",
}
# What the `question` of an escalation is, on the card (a missed check-in carries its note)
QUESTION_LABELS = {Kind.MISSED_CHECKIN: "Check-in note"}
MISSED_CHECKIN_LINE = (
    '_They did not answer "Are you OK?" at the end of their visit check-in. Try to reach them now._'
)
STATE_LABELS = {
    State.OPEN: "Open",
    State.CLAIMED: "Claimed",
    State.RESOLVED: "Resolved",
    State.CANCELLED: "Cancelled",
}
NOT_SUPERVISOR = (
    "Only supervisors (members of the supervisor channel) can claim or resolve escalations. "
    "Nothing was changed."
)
# The requests a supervisor makes: their replies stay in English, whatever `language` says
SUPERVISOR_REQUESTS = frozenset({Request.CLAIM, Request.RESOLVE})


def _not_asker(words: Strings, request: Request) -> str:
    return {
        Request.ESCALATE: words.not_asker_escalate,
        Request.CANCEL: words.not_asker_cancel,
        Request.ADD_DETAILS: words.not_asker_details,
    }[request]


def _refusal(words: Strings, result: Result) -> str:
    return {
        Result.GONE: words.gone,
        Result.QUESTION_GONE: words.question_gone,
        Result.CLOSED: words.closed,
        Result.NOT_SUPERVISOR: NOT_SUPERVISOR,
    }[result]


# --- for the person who clicked -------------------------------------------------------------
def reply(outcome: Outcome, language: str = ENGLISH) -> Message:
    """What to tell the person whose click (or submission) led to `outcome`; `language` is the
    asker's, for the asker's own requests (a supervisor's claim or resolve is answered in
    English)."""
    escalation = outcome.escalation
    result = outcome.result
    words = strings(ENGLISH if outcome.request in SUPERVISOR_REQUESTS else language)
    if result in (Result.RAISED, Result.ALREADY_RAISED):
        assert escalation is not None
        return escalation_sent(escalation, language)
    if result is Result.DONE:
        assert escalation is not None
        return notice(_done(outcome.request, escalation, words))
    if result is Result.UNCHANGED:
        assert escalation is not None
        return notice(_unchanged(escalation, outcome.actor))
    if result is Result.NOT_ASKER:
        return notice(_not_asker(words, outcome.request))
    return notice(_refusal(words, result))


def _done(request: Request, escalation: Escalation, words: Strings) -> str:
    if request is Request.CLAIM:
        return (
            f"You've claimed it. I'm telling <@{escalation.asker}> and opening a group DM "
            "with the two of you."
        )
    return {
        Request.RESOLVE: "Marked as resolved; I've told the asker.",
        Request.CANCEL: words.cancelled,
        Request.ADD_DETAILS: words.details_added,
    }[request]


def _unchanged(escalation: Escalation, actor: str) -> str:
    """Why a click changed nothing, in words for the person who clicked."""
    if escalation.state is State.CLAIMED and escalation.claimed_by == actor:
        return "You've already claimed this one."
    if escalation.state is State.CLAIMED:
        return f"Already claimed by <@{escalation.claimed_by}>."
    return f"This request is already {escalation.state}."


def escalation_sent(escalation: Escalation, language: str = ENGLISH) -> Message:
    """The asker's confirmation, with the one-click follow-ups."""
    words = strings(language)
    who = words.who_handover if escalation.kind is Kind.HANDOVER else words.who_supervisor
    text = words.sent.format(who=who)
    return Message(
        text,
        [
            section(f":white_check_mark: {text}"),
            actions(
                button(words.add_details, ids.ADD_DETAILS, escalation.id, "primary"),
                button(words.cancel_request, ids.CANCEL, escalation.id),
            ),
        ],
    )


def details_modal(escalation_id: str, language: str = ENGLISH) -> dict[str, Any]:
    """The "Add details" modal; `private_metadata` carries the escalation id only."""
    words = strings(language)
    details = {
        "type": "input",
        "block_id": ids.DETAILS_BLOCK,
        "label": {"type": "plain_text", "text": words.details_label},
        "element": {
            "type": "plain_text_input",
            "action_id": ids.DETAILS_INPUT,
            "multiline": True,
            "max_length": MAX_DETAILS,
        },
    }
    return modal(
        ids.DETAILS_CALLBACK,
        words.details_title,
        words.details_submit,
        words.details_close,
        [details],
        escalation_id,
    )


# --- for the supervisors --------------------------------------------------------------------
def supervisor_card(escalation: Escalation, marker: str = ids.CARD_MARKER) -> Message:
    """The card in the supervisor channel, rendered from the escalation's current state;
    `marker` (followed by the id) is the block_id the outbox finds it by."""
    kind = KIND_LABELS[escalation.kind]
    asker = f"<@{escalation.asker}>"
    label = QUESTION_LABELS.get(escalation.kind, "Question")
    lines = [
        f"*{kind}* from {asker} \u00b7 {slack_date(escalation.created_at)}",
        f"*{label}:*\n" + quote(safe(escalation.question, 2000)),
    ]
    blocks = [
        section(lines[0], block_id=marker + escalation.id if marker else None),
        section(lines[1]),
    ]
    if escalation.kind is Kind.MISSED_CHECKIN:
        blocks.append(section(MISSED_CHECKIN_LINE))
    elif escalation.question_id or escalation.citations or escalation.kind not in URGENT_KINDS:
        answered = (
            "\n".join(f"\u2022 {safe(c, 200)}" for c in escalation.citations)
            if escalation.citations
            else "_no guidance matched_"
        )
        blocks.append(section("*The bot answered from:*\n" + answered))
    details = escalation.details
    if details:
        blocks.append(
            section(
                "*Details added by the asker:*\n"
                + "\n".join(quote(safe(d, 2800 // len(details))) for d in details)
            )
        )
    if escalation.advice:
        blocks.append(section("*Advice given:*\n" + quote(safe(escalation.advice, 2000))))
    blocks.append(context(state_line(escalation)))
    buttons = supervisor_buttons(escalation)
    if buttons:
        blocks.append(actions(*buttons))
    fallback = f"{kind} from {asker}: {safe(escalation.question, 500)} ({state_line(escalation)})"
    return Message(fallback, blocks)


def supervisor_buttons(escalation: Escalation) -> list[Block]:
    """Claim and Resolve, each only where the states' table allows it."""
    buttons = []
    if can(Move.CLAIM, escalation.state):
        buttons.append(button("Claim", ids.CLAIM, escalation.id, "primary"))
    if can(Move.RESOLVE, escalation.state):
        buttons.append(button("Resolve", ids.RESOLVE, escalation.id))
    return buttons


def state_line(escalation: Escalation) -> str:
    if escalation.state is State.CLAIMED:
        return f"Claimed by <@{escalation.claimed_by}>"
    if escalation.state is State.RESOLVED:
        return f"Resolved by <@{escalation.closed_by}>"
    if escalation.state is State.CANCELLED:
        return "Cancelled by the asker"
    return "Open: waiting for a supervisor"


def reminder(
    escalation: Escalation, minutes: float, step: int = 1, oncall: Sequence[str] = ()
) -> Message:
    """Round `step` of the ladder in the supervisor channel; an urgent one @-mentions the
    on-call people (ids from the settings: the bot's own mentions)."""
    kind = KIND_LABELS[escalation.kind].lower()
    urgent = escalation.kind in URGENT_KINDS
    text = (
        f"Reminder{f' {step}' if urgent else ''}: a {kind} from <@{escalation.asker}> is still "
        f"unclaimed after {minutes:g} minutes."
    )
    if urgent and oncall:
        text += " " + " ".join(f"<@{user}>" for user in oncall) + ", can one of you take it?"
    return Message(
        text,
        [
            section(
                f":alarm_clock: {text}",
                block_id=ids.marker(ids.REMINDER_MARKER, escalation.id, step),
            ),
            section(quote(safe(escalation.question, 1000))),
            actions(button("Claim", ids.CLAIM, escalation.id, "primary")),
        ],
    )


def backup_card(escalation: Escalation, minutes: float, marker: str) -> Message:
    """The card as the backup (a channel, an on-call person's DM) receives it: why it came to
    them, then the card itself as it is now."""
    if can(Move.CLAIM, escalation.state):
        intro = (
            f":rotating_light: *Backup needed:* nobody has claimed this for {minutes:g} "
            "minutes. Can you take it?"
        )
    else:
        intro = f"Sent to you as backup after {minutes:g} minutes unclaimed."
    card = supervisor_card(escalation, marker="")
    return Message(f"{intro} {card.text}", [section(intro, block_id=marker), *card.blocks])


# --- for the asker, delivered by the outbox -------------------------------------------------
# Each in `language`: the escalation's own (its question's), else the asker's Slack language.
def alerted_notice(escalation: Escalation, number: str, language: str = ENGLISH) -> Message:
    """Supervisors know: for an escalation no answer has announced (a missed check-in)."""
    words = strings(language)
    text = words.alerted_missed_checkin if escalation.kind is Kind.MISSED_CHECKIN else words.alerted
    return notice(text.format(number=number))


def still_trying_notice(escalation: Escalation, number: str, language: str = ENGLISH) -> Message:
    """After the first round nobody answered."""
    return notice(strings(language).still_trying.format(number=number))


def claimed_notice(escalation: Escalation, language: str = ENGLISH) -> Message:
    return notice(strings(language).claimed.format(supervisor=escalation.claimed_by))


def group_intro(escalation: Escalation, language: str = ENGLISH) -> Message:
    """The first message of the asker + supervisor group DM: the question itself. Both read
    it: in the asker's language, with the English line under it for the supervisor."""
    words = strings(language)
    ids_ = {"asker": escalation.asker, "supervisor": escalation.claimed_by}
    text = words.group_intro.format(**ids_)
    body = quote(safe(escalation.question, 2500))
    details = "\n".join(quote(safe(d, 500)) for d in escalation.details[:4])
    blocks = [section(text)]
    english = strings(ENGLISH)
    if words is not english:
        blocks.append(context(english.group_intro.format(**ids_)))
    blocks.append(section(body))
    if details:
        blocks.append(section(f"{words.group_details}\n" + details))
    return Message(f"{text} {safe(escalation.question, 1000)}", blocks)


def resolved_notice(escalation: Escalation, language: str = ENGLISH) -> Message:
    """The asker's "did it help?", quoting the supervisor's advice when they wrote it down."""
    words = strings(language)
    text = words.resolved.format(supervisor=escalation.closed_by)
    blocks = [section(f":white_check_mark: {text}")]
    if escalation.advice:
        blocks.append(section(f"*{words.their_advice}*\n" + quote(safe(escalation.advice, 2500))))
        text += f" {words.their_advice} {safe(escalation.advice, 1000)}"
    blocks.append(
        actions(
            button(words.helpful, ids.RESOLUTION_HELPFUL, escalation.id),
            button(words.not_helpful, ids.RESOLUTION_NOT_HELPFUL, escalation.id),
        )
    )
    return Message(text, blocks)
