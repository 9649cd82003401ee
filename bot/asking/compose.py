"""Answer composition shared by every channel: what a worker reads first, in which language,
which sections stand behind it, and what to do next.

The terminal (`render_text`) and Slack (`bot.asking.messages`) render the same `Reply`, in
the same order (the answer, the words to say, the citation; then the guidance; then next
steps), so the advice never differs by channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.asking.strings import strings
from index import Answer, Section

CONVERSATION, OUT_OF_SCOPE = "conversation", "out"  # `Answer.scope` values
WHAT_TO_SAY = "what-to-say"  # the conversation intent asking for the words to use


class Shape(StrEnum):
    """Which kind of reply: each has its own layout."""

    GUIDANCE = "guidance"  # advice from a section of the guidance
    URGENT = "urgent"  # an emergency: its kind's steps first
    NO_MATCH = "no match"  # about boundaries, but nothing in the guidance answers it
    ELSEWHERE = "elsewhere"  # not about boundaries: where to go instead
    CONVERSATION = "conversation"  # a greeting, thanks, or "what do I say?"


@dataclass(frozen=True)
class Reply:
    answer: Answer
    shape: Shape
    headline: str  # the curated answer, the emergency's kind, or the short reply
    opening: str = ""  # the middle band's "in danger right now?" line
    script: str = ""  # the words to say to the client
    citation: str = ""  # "Document > Section" of the headline (or the aside), in its language
    aside: str = ""  # urgent but not sure (`Answer.aside`): the boundary advice after the steps
    steps: tuple[str, ...] = ()  # the emergency kind's steps
    sections: tuple[Section, ...] = ()  # behind "Show the guidance", best first
    next_steps: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        return self.answer.language


def compose(answer: Answer, number: str, previous: Section | None = None) -> Reply:
    """The reply to `answer`; `number` is the emergency number, `previous` the section the
    asker's question before this one was answered with (for "what do I say?")."""
    words = strings(answer.language)
    if answer.urgent:
        emergency = answer.emergency
        aside = answer.aside
        return Reply(
            answer,
            Shape.URGENT,
            emergency.title(answer.language) if emergency else words.urgent_headline,
            citation=aside.cited(answer.language) if aside else "",
            aside=aside.answer(answer.language) if aside else "",
            steps=answer.steps or ((answer.takeaway,) if answer.takeaway else ()),
            sections=_distinct([emergency] if emergency else [], answer),
            next_steps=words.next_steps_urgent,
        )
    if answer.scope == CONVERSATION:  # a short reply: the I need help now button is enough
        return _conversation(answer, previous)
    opening = words.in_danger.format(number=number) if answer.unsure else ""
    if answer.scope == OUT_OF_SCOPE or not answer.confident:
        shape = Shape.ELSEWHERE if answer.scope == OUT_OF_SCOPE else Shape.NO_MATCH
        return Reply(
            answer,
            shape,
            answer.takeaway or words.no_match,
            opening,
            next_steps=words.next_steps_no_match,
        )
    return Reply(
        answer,
        Shape.GUIDANCE,
        answer.takeaway,
        opening,
        script=answer.script,
        citation=answer.hits[0].section.cited(answer.language),
        sections=_distinct([], answer),
        next_steps=words.next_steps,
    )


def _conversation(answer: Answer, previous: Section | None) -> Reply:
    """A short reply: the route's, or for "what do I say?" the earlier answer's script.

    Never opened with the middle band's line (a borderline "hello" is not an emergency to
    warn about); the I need help now button under every reply covers it.
    """
    language = answer.language
    if answer.intent == WHAT_TO_SAY and previous is not None:
        script = previous.say(language)
        return Reply(
            answer,
            Shape.CONVERSATION,
            "" if script else previous.answer(language),
            script=script,
            citation=previous.cited(language),
        )
    return Reply(answer, Shape.CONVERSATION, answer.takeaway or strings(language).usage)


def _distinct(first: list[Section], answer: Answer) -> tuple[Section, ...]:
    """`first`, then the answer's sections, each once."""
    sections = {s.citation: s for s in [*first, *(h.section for h in answer.hits)]}
    return tuple(sections.values())


def numbered(steps: tuple[str, ...]) -> str:
    """Steps one per line, numbered from 1."""
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))


def render_text(reply: Reply) -> str:
    """A plain-text answer for the terminal, in the order Slack shows it."""
    words = strings(reply.language)
    lines = [reply.opening, ""] if reply.opening else []
    if reply.headline:
        lines.append(reply.headline)
    if reply.steps:
        lines += ["", words.do_this_now, numbered(reply.steps)]
    if reply.aside:
        lines += ["", f"{words.if_no_danger} {reply.aside}"]
    if reply.script:
        lines.append(f"{words.say} {reply.script}")
    if reply.citation:
        lines.append(reply.citation)
    for number, section in enumerate(reply.sections, 1):
        lines += ["", f"[{number}] {section.cited(reply.language)}"]
        lines += [f"    {line}" if line else "" for line in section.text.split("\n")]
    if reply.next_steps:
        lines += ["", f"{words.next_steps_label}:"]
        lines += [f"- {step}" for step in reply.next_steps]
    return "\n".join(lines)
