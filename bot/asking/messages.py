"""How the bot's answers look in Slack: every Advisor outcome rendered as a Block Kit message
(the answer, usage, refusals, the apology), each with a plain-text fallback.

The one module to change for a new answer layout or language. All user and knowledge text
passes through `bot.slack.text.safe`, so nothing it contains can mention or link; button
values carry an id only.
"""

from __future__ import annotations

from bot.asking.actions import HELPFUL, NOT_HELPFUL
from bot.asking.advisor import Answered, Failed, Outcome, RateLimited, Refused, Usage
from bot.asking.compose import Reply
from bot.escalation.actions import ADD_DETAILS, ESCALATE, HANDOVER
from bot.slack.blocks import Block, Message, actions, button, divider, notice, section
from bot.slack.text import MAX_SECTION_TEXT, escape, markdown_to_mrkdwn, safe

RATE_LIMITED = (
    "You're asking faster than I can keep up with. Take a breath and try again in a minute. "
    "If this is urgent, call the office or your supervisor now."
)
THANKS = "Thanks for the feedback: it helps us improve the guidance."
EXAMPLES = (
    "A client offered me a $50 tip, can I take it?",
    "A customer keeps asking for my personal phone number. What do I say?",
    "The client asked me to look after their cat while they're away. Is that OK?",
)


def render(outcome: Outcome) -> Message:
    """The reply to send for what the Advisor made of a question."""
    match outcome:
        case Answered(question_id=question_id, reply=reply, escalation_id=escalation_id):
            return answer(reply, question_id, escalation_id=escalation_id)
        case Usage():
            return usage()
        case RateLimited():
            return notice(RATE_LIMITED)
        case Refused(reason=reason):
            return notice(safe(f"Sorry, {reason}.", 500))
        case Failed(question_id=question_id):
            return apology(question_id)
    raise TypeError(f"not an Advisor outcome: {outcome!r}")


def thanks() -> Message:
    """After a Helpful / Not helpful click, on an answer or on a resolution."""
    return notice(THANKS)


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
        passage = hit.section
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
