"""Answer composition shared by every channel: what to say first, which passages, what next.

The terminal and Slack render the same `Reply`, so the advice never differs by channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from index import Answer, Hit

NO_MATCH = (
    "No guidance matched your question. Please talk to your supervisor, "
    "who can help with anything the guidance does not cover."
)
URGENT_HEADLINE = "This sounds like a safety situation. Your safety comes first."
STEPS_CONFIDENT = (
    "If it still feels unclear, talk to your supervisor before you act.",
    "If a boundary has already been crossed: seek guidance from your supervisor, set a clear, "
    "polite limit with the client, and ask for another team member to take over if needed.",
)
STEPS_NOT_CONFIDENT = ("Talk to your supervisor: they can answer what the guidance does not.",)


@dataclass(frozen=True)
class Reply:
    answer: Answer
    headline: str
    safety_steps: str  # the emergency kind's steps, one per line; empty unless urgent
    passages: list[Hit]
    next_steps: tuple[str, ...]


def compose(answer: Answer) -> Reply:
    if answer.urgent:
        title = answer.emergency.title(answer.language) if answer.emergency else URGENT_HEADLINE
        steps = "\n".join(f"{n}. {step}" for n, step in enumerate(answer.steps, 1))
        return Reply(
            answer,
            title,
            steps or answer.takeaway,
            answer.hits,
            ("Tell your supervisor what happened as soon as you are safe.",),
        )
    if not answer.confident:
        return Reply(answer, answer.takeaway or NO_MATCH, "", [], STEPS_NOT_CONFIDENT)
    return Reply(answer, answer.takeaway, "", answer.hits, STEPS_CONFIDENT)


def render_text(reply: Reply) -> str:
    """A plain-text answer for the terminal."""
    lines = [reply.headline, ""]
    if reply.safety_steps:
        lines += ["Do this now:", reply.safety_steps, ""]
    for number, hit in enumerate(reply.passages, 1):
        lines.append(f"[{number}] {hit.section.citation}")
        lines += [f"    {line}" if line else "" for line in hit.section.text.split("\n")]
        lines.append("")
    lines.append("Next steps:")
    lines += [f"- {step}" for step in reply.next_steps]
    return "\n".join(lines)
