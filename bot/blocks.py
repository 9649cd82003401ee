"""Block Kit messages: answers, supervisor cards, notices. Every one has a plain-text fallback.

All user and knowledge text passes through `bot.slack.text.safe`, so nothing it contains can
mention or link; button values carry an id only. Escalation rows come from `bot.storage`.
"""

from __future__ import annotations

import json

from bot.compose import Reply
from bot.slack.blocks import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    notice,
    quote,
    section,
    slack_date,
)
from bot.slack.text import MAX_SECTION_TEXT, escape, markdown_to_mrkdwn, safe
from bot.storage import Row

# action_ids: one per meaning, matched by the listeners in bot/actions/.
HELPFUL = "answer_helpful"
NOT_HELPFUL = "answer_not_helpful"
ESCALATE = "escalate_supervisor"
HANDOVER = "escalate_handover"
CLAIM = "escalation_claim"
RESOLVE = "escalation_resolve"
CANCEL = "escalation_cancel"
ADD_DETAILS = "escalation_details"
RESOLUTION_HELPFUL = "resolution_helpful"
RESOLUTION_NOT_HELPFUL = "resolution_not_helpful"

CARD_MARKER = "escalation:"  # block_id prefix that lets the outbox find a card it posted
REMINDER_MARKER = "reminder:"

KIND_LABELS = {
    "question": "Question",
    "handover": "Handover request",
    "urgent": ":rotating_light: Urgent",
}
STATE_LABELS = {
    "open": "Open",
    "claimed": "Claimed",
    "resolved": "Resolved",
    "cancelled": "Cancelled",
}
EXAMPLES = (
    "A client offered me a $50 tip, can I take it?",
    "A customer keeps asking for my personal phone number. What do I say?",
    "The client asked me to look after their cat while they're away. Is that OK?",
)


def citations_of(row: Row) -> list[str]:
    return json.loads(row.get("citations") or "[]")


def details_of(row: Row) -> list[str]:
    return json.loads(row.get("details") or "[]")


# --- answers ------------------------------------------------------------------------------
def answer(reply: Reply, question_id: str, *, escalation_id: str | None = None) -> Message:
    """The answer: safety steps when urgent, else the takeaway first; then passages, next steps.

    Not confident: no passages, and "Talk to a supervisor" comes first.
    """
    blocks: list[Block] = []
    lines: list[str] = []
    if reply.safety_steps:
        blocks.append(section(f":rotating_light: *{safe(reply.headline, 300)}*"))
        blocks.append(section("*Do this now:*\n" + safe(reply.safety_steps, 2500)))
        blocks.append(section(":bell: A supervisor has been alerted and will get back to you."))
        lines += [reply.headline, reply.safety_steps, "A supervisor has been alerted."]
    else:
        blocks.append(section(f"*{safe(reply.headline, 2900)}*"))
        lines.append(reply.headline)
    for hit in reply.passages[:3]:
        passage = hit.passage
        citation = safe(passage.citation, 300)
        body = markdown_to_mrkdwn(safe(passage.text, MAX_SECTION_TEXT - len(citation) - 10))
        blocks.append(divider())
        blocks.append(section(f"*{citation}*\n{body}"))
        lines.append(f"{passage.citation}: {passage.text}")
    blocks.append(divider())
    blocks.append(
        section("*Next steps*\n" + "\n".join(f"\u2022 {safe(s, 500)}" for s in reply.next_steps))
    )
    blocks.append(_answer_buttons(reply, question_id, escalation_id))
    lines.append("Next steps: " + " ".join(reply.next_steps))
    return Message(escape("\n".join(lines)), blocks)  # the fallback is mrkdwn too


def _answer_buttons(reply: Reply, question_id: str, escalation_id: str | None) -> Block:
    supervisor = button("Talk to a supervisor", ESCALATE, question_id, "primary")
    handover = button("Ask for another team member to take over", HANDOVER, question_id)
    feedback = [
        button("Helpful", HELPFUL, question_id),
        button("Not helpful", NOT_HELPFUL, question_id),
    ]
    if escalation_id:  # urgent: already escalated; let the asker add what happened
        return actions(
            button("Add details", ADD_DETAILS, escalation_id, "primary"), handover, *feedback
        )
    if not reply.answer.confident:
        return actions(supervisor, handover, *feedback)
    return actions(*feedback, supervisor, handover)


def usage() -> Message:
    examples = "\n".join(f"\u2022 `/boundary {e}`" for e in EXAMPLES)
    text = (
        "Ask me about professional boundaries with customers and I'll answer from the "
        "company's guidance. Send me a direct message, or type `/boundary` and your question "
        "in any channel (only you will see the answer)."
    )
    return Message(
        text + " Examples: " + " | ".join(EXAMPLES),
        [section(text), section("*For example:*\n" + examples)],
    )


def apology(question_id: str = "") -> Message:
    """Something failed: never leave the asker in silence, give them a way to a person."""
    text = (
        "Sorry, something went wrong on my side and I couldn't finish that. "
        "You can talk to a supervisor right away."
    )
    return Message(
        text,
        [
            section(f":warning: {text}"),
            actions(button("Talk to a supervisor", ESCALATE, question_id, "primary")),
        ],
    )


# --- escalations --------------------------------------------------------------------------
def escalation_sent(row: Row) -> Message:
    """The asker's confirmation, with the one-click follow-ups."""
    who = "another team member to take over" if row["kind"] == "handover" else "a supervisor"
    text = f"Done: I've asked {who}. You'll hear here as soon as someone picks it up."
    return Message(
        text,
        [
            section(f":white_check_mark: {text}"),
            actions(
                button("Add details", ADD_DETAILS, row["id"], "primary"),
                button("Cancel request", CANCEL, row["id"]),
            ),
        ],
    )


def supervisor_card(row: Row) -> Message:
    """The card in the supervisor channel, rendered from the escalation's current state."""
    kind = KIND_LABELS.get(row["kind"], row["kind"])
    asker = f"<@{row['asker']}>"
    lines = [
        f"*{kind}* from {asker} \u00b7 {slack_date(row['created_at'])}",
        "*Question:*\n" + quote(safe(row["question"], 2000)),
    ]
    citations = citations_of(row)
    answered = (
        "\n".join(f"\u2022 {safe(c, 200)}" for c in citations)
        if citations
        else "_no guidance matched_"
    )
    blocks = [
        section(lines[0], block_id=CARD_MARKER + row["id"]),
        section(lines[1]),
        section("*The bot answered from:*\n" + answered),
    ]
    details = details_of(row)
    if details:
        blocks.append(
            section(
                "*Details added by the asker:*\n"
                + "\n".join(quote(safe(d, 2800 // len(details))) for d in details)
            )
        )
    blocks.append(context(state_line(row)))
    if row["state"] in ("open", "claimed"):
        buttons = [button("Resolve", RESOLVE, row["id"])]
        if row["state"] == "open":
            buttons.insert(0, button("Claim", CLAIM, row["id"], "primary"))
        blocks.append(actions(*buttons))
    fallback = f"{kind} from {asker}: {safe(row['question'], 500)} ({state_line(row)})"
    return Message(fallback, blocks)


def state_line(row: Row) -> str:
    state = row["state"]
    if state == "claimed":
        return f"Claimed by <@{row['claimed_by']}>"
    if state == "resolved":
        return f"Resolved by <@{row['closed_by']}>"
    if state == "cancelled":
        return "Cancelled by the asker"
    return "Open: waiting for a supervisor"


def reminder(row: Row, minutes: float) -> Message:
    kind = KIND_LABELS.get(row["kind"], row["kind"]).lower()
    text = (
        f"Reminder: a {kind} from <@{row['asker']}> is still unclaimed after {minutes:g} minutes."
    )
    return Message(
        text,
        [
            section(f":alarm_clock: {text}", block_id=REMINDER_MARKER + row["id"]),
            section(quote(safe(row["question"], 1000))),
            actions(button("Claim", CLAIM, row["id"], "primary")),
        ],
    )


def claimed_notice(row: Row) -> Message:
    return notice(
        f":raising_hand: <@{row['claimed_by']}> is on it and will message you in a group chat "
        "with me."
    )


def group_intro(row: Row) -> Message:
    """The first message of the asker + supervisor group DM: the question itself."""
    text = (
        f"<@{row['asker']}> asked for help and <@{row['claimed_by']}> is taking it from here. "
        "The question was:"
    )
    body = quote(safe(row["question"], 2500))
    details = "\n".join(quote(safe(d, 500)) for d in details_of(row)[:4])
    blocks = [section(text), section(body)]
    if details:
        blocks.append(section("*Details added:*\n" + details))
    return Message(f"{text} {safe(row['question'], 1000)}", blocks)


def resolved_notice(row: Row) -> Message:
    text = f"<@{row['closed_by']}> marked your request as resolved. Did it help?"
    return Message(
        text,
        [
            section(f":white_check_mark: {text}"),
            actions(
                button("Helpful", RESOLUTION_HELPFUL, row["id"]),
                button("Not helpful", RESOLUTION_NOT_HELPFUL, row["id"]),
            ),
        ],
    )
