"""Block Kit for escalations: the supervisor card and reminder, the notices to the asker, the
"Add details" modal, and `reply`, which renders a service `Outcome` for the person who clicked.

All user and knowledge text passes through `bot.slack.text.safe`, so nothing it contains can
mention or link; button values carry an escalation id only.
"""

from __future__ import annotations

from typing import Any

from bot.escalation import actions as ids
from bot.escalation.service import Outcome, Request, Result
from bot.escalation.states import Kind, Move, State, can
from bot.escalation.store import Escalation
from bot.slack.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
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
}
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
NOT_ASKER = {
    Request.ESCALATE: "Only the person who asked can escalate this.",
    Request.CANCEL: "You can only cancel your own requests.",
    Request.ADD_DETAILS: "You can only add details to your own requests.",
}
REFUSALS = {
    Result.GONE: "That escalation no longer exists.",
    Result.QUESTION_GONE: "That question is no longer on record.",
    Result.CLOSED: "That request is already closed.",
    Result.NOT_SUPERVISOR: NOT_SUPERVISOR,
}


# --- for the person who clicked -------------------------------------------------------------
def reply(outcome: Outcome) -> Message:
    """What to tell the person whose click (or submission) led to `outcome`."""
    escalation = outcome.escalation
    result = outcome.result
    if result in (Result.RAISED, Result.ALREADY_RAISED):
        assert escalation is not None
        return escalation_sent(escalation)
    if result is Result.DONE:
        assert escalation is not None
        return notice(_done(outcome.request, escalation))
    if result is Result.UNCHANGED:
        assert escalation is not None
        return notice(_unchanged(escalation, outcome.actor))
    if result is Result.NOT_ASKER:
        return notice(NOT_ASKER[outcome.request])
    return notice(REFUSALS[result])


def _done(request: Request, escalation: Escalation) -> str:
    if request is Request.CLAIM:
        return (
            f"You've claimed it. I'm telling <@{escalation.asker}> and opening a group DM "
            "with the two of you."
        )
    return {
        Request.RESOLVE: "Marked as resolved; I've told the asker.",
        Request.CANCEL: "Cancelled. The supervisors can see you withdrew it.",
        Request.ADD_DETAILS: "Thanks, I've added that for the supervisors.",
    }[request]


def _unchanged(escalation: Escalation, actor: str) -> str:
    """Why a click changed nothing, in words for the person who clicked."""
    if escalation.state is State.CLAIMED and escalation.claimed_by == actor:
        return "You've already claimed this one."
    if escalation.state is State.CLAIMED:
        return f"Already claimed by <@{escalation.claimed_by}>."
    return f"This request is already {escalation.state}."


def escalation_sent(escalation: Escalation) -> Message:
    """The asker's confirmation, with the one-click follow-ups."""
    who = "another team member to take over" if escalation.kind is Kind.HANDOVER else "a supervisor"
    text = f"Done: I've asked {who}. You'll hear here as soon as someone picks it up."
    return Message(
        text,
        [
            section(f":white_check_mark: {text}"),
            actions(
                button("Add details", ids.ADD_DETAILS, escalation.id, "primary"),
                button("Cancel request", ids.CANCEL, escalation.id),
            ),
        ],
    )


def details_modal(escalation_id: str) -> dict[str, Any]:
    """The "Add details" modal; `private_metadata` carries the escalation id only."""
    return {
        "type": "modal",
        "callback_id": ids.DETAILS_CALLBACK,
        "private_metadata": escalation_id,
        "title": {"type": "plain_text", "text": "Add details"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.DETAILS_BLOCK,
                "label": {"type": "plain_text", "text": "What should the supervisor know?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.DETAILS_INPUT,
                    "multiline": True,
                    "max_length": MAX_DETAILS,
                },
            }
        ],
    }


# --- for the supervisors --------------------------------------------------------------------
def supervisor_card(escalation: Escalation) -> Message:
    """The card in the supervisor channel, rendered from the escalation's current state."""
    kind = KIND_LABELS[escalation.kind]
    asker = f"<@{escalation.asker}>"
    lines = [
        f"*{kind}* from {asker} \u00b7 {slack_date(escalation.created_at)}",
        "*Question:*\n" + quote(safe(escalation.question, 2000)),
    ]
    answered = (
        "\n".join(f"\u2022 {safe(c, 200)}" for c in escalation.citations)
        if escalation.citations
        else "_no guidance matched_"
    )
    blocks = [
        section(lines[0], block_id=ids.CARD_MARKER + escalation.id),
        section(lines[1]),
        section("*The bot answered from:*\n" + answered),
    ]
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


def reminder(escalation: Escalation, minutes: float) -> Message:
    kind = KIND_LABELS[escalation.kind].lower()
    text = (
        f"Reminder: a {kind} from <@{escalation.asker}> is still unclaimed after "
        f"{minutes:g} minutes."
    )
    return Message(
        text,
        [
            section(f":alarm_clock: {text}", block_id=ids.REMINDER_MARKER + escalation.id),
            section(quote(safe(escalation.question, 1000))),
            actions(button("Claim", ids.CLAIM, escalation.id, "primary")),
        ],
    )


# --- for the asker, delivered by the outbox -------------------------------------------------
def claimed_notice(escalation: Escalation) -> Message:
    return notice(
        f":raising_hand: <@{escalation.claimed_by}> is on it and will message you in a group "
        "chat with me."
    )


def group_intro(escalation: Escalation) -> Message:
    """The first message of the asker + supervisor group DM: the question itself."""
    text = (
        f"<@{escalation.asker}> asked for help and <@{escalation.claimed_by}> is taking it "
        "from here. The question was:"
    )
    body = quote(safe(escalation.question, 2500))
    details = "\n".join(quote(safe(d, 500)) for d in escalation.details[:4])
    blocks = [section(text), section(body)]
    if details:
        blocks.append(section("*Details added:*\n" + details))
    return Message(f"{text} {safe(escalation.question, 1000)}", blocks)


def resolved_notice(escalation: Escalation) -> Message:
    """The asker's "did it help?", quoting the supervisor's advice when they wrote it down."""
    text = f"<@{escalation.closed_by}> marked your request as resolved. Did it help?"
    blocks = [section(f":white_check_mark: {text}")]
    if escalation.advice:
        blocks.append(section("*Their advice:*\n" + quote(safe(escalation.advice, 2500))))
        text += f" Their advice: {safe(escalation.advice, 1000)}"
    blocks.append(
        actions(
            button("Helpful", ids.RESOLUTION_HELPFUL, escalation.id),
            button("Not helpful", ids.RESOLUTION_NOT_HELPFUL, escalation.id),
        )
    )
    return Message(text, blocks)
