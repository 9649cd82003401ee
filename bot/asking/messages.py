"""How the bot's answers look in Slack: every Advisor outcome rendered as a Block Kit message
(the answer, usage, refusals, the apology), the "Show the guidance" modal and the notice
after "I need help now", each with a plain-text fallback, in the reply's language.

The one module to change for a new answer layout. Phone first: before its buttons an answer
shows only what a worker standing in a client's kitchen needs (the curated answer, the words
to say, the citation), in at most `PHONE_SCREEN` characters; the full guidance is one tap
away. All user and knowledge text passes through `bot.slack.text.safe`, so nothing it
contains can mention or link; button values carry an id only. The words are in
`bot.asking.strings`.
"""

from __future__ import annotations

from typing import Any

from bot.asking.actions import HELP_NOW, HELPFUL, NOT_HELPFUL, SHOW_GUIDANCE
from bot.asking.advisor import (
    Answered,
    Behind,
    Failed,
    NeedsWords,
    Outcome,
    RateLimited,
    Refused,
    Usage,
)
from bot.asking.compose import Reply, Shape, numbered
from bot.asking.help_now import HelpCall
from bot.asking.strings import ENGLISH, Strings, strings
from bot.escalation.actions import ADD_DETAILS, ESCALATE, HANDOVER
from bot.slack.blocks import Block, Message, actions, button, context, divider, notice, section
from bot.slack.text import MAX_HOME_BLOCKS, escape, markdown_to_mrkdwn, safe
from index import MAX_QUESTION_CHARS

PHONE_SCREEN = 700  # characters of an answer before its buttons: one phone screen
OPENING_LIMIT, HEADLINE_LIMIT, CITATION_LIMIT = 140, 290, 160  # the script gets the rest
MODAL_CHUNK = 2400  # characters of guidance per modal section (escaped, it stays < 3000)


def render(outcome: Outcome, number: str) -> Message:
    """The reply to send for what the Advisor made of a question; `number` is the emergency
    number from the settings."""
    match outcome:
        case Answered(question_id=question_id, reply=reply, escalation_id=escalation_id):
            return answer(reply, question_id, escalation_id=escalation_id)
        case Usage(language=language):
            return usage(language, number)
        case RateLimited(language=language):
            return _with_help_now(strings(language).rate_limited, language)
        case Refused(length=length, language=language):
            words = strings(language)
            text = (
                words.too_long.format(length=length, limit=MAX_QUESTION_CHARS)
                if length > MAX_QUESTION_CHARS
                else words.empty
            )
            return _with_help_now(text, language)
        case NeedsWords(language=language):
            return _with_help_now(strings(language).photo_only, language)
        case Failed(question_id=question_id, language=language):
            return apology(question_id, language)
    raise TypeError(f"not an Advisor outcome: {outcome!r}")


def thanks(language: str) -> Message:
    """After a Helpful / Not helpful click, on an answer or on a resolution."""
    return notice(strings(language).feedback_thanks)


# --- answers ------------------------------------------------------------------------------
def answer(reply: Reply, question_id: str, *, escalation_id: str | None = None) -> Message:
    """The answer, its buttons in two rows: the ways forward first, then feedback.

    Urgent: the kind and its steps lead. Nothing matched or elsewhere: where to go, and
    "Talk to a supervisor" first. Conversation: the short reply and "I need help now" only.
    """
    words = strings(reply.language)
    if reply.shape is Shape.URGENT:
        return _urgent(reply, question_id, escalation_id, words)
    blocks, lines = _phone_first(reply, words)
    help_now = _help_now_button(words, question_id)
    supervisor = button(words.talk_to_supervisor, ESCALATE, question_id, "primary")
    handover = button(words.handover, HANDOVER, question_id)
    feedback = [
        button(words.helpful, HELPFUL, question_id),
        button(words.not_helpful, NOT_HELPFUL, question_id),
    ]
    if reply.shape is Shape.GUIDANCE:
        show = button(words.show_guidance, SHOW_GUIDANCE, question_id)
        blocks += [actions(show, supervisor, help_now), actions(*feedback, handover)]
    elif reply.shape is Shape.NO_MATCH:
        blocks += [actions(supervisor, help_now), actions(handover, *feedback)]
    elif reply.shape is Shape.ELSEWHERE:
        blocks.append(actions(supervisor, help_now))
    else:  # conversation: no supervisor suggestion, but help is always one tap away
        blocks.append(actions(help_now))
    fallback = "\n".join(lines) or words.no_match  # a notification is never blank
    return Message(escape(fallback), blocks)  # the fallback is mrkdwn too


def _phone_first(reply: Reply, words: Strings) -> tuple[list[Block], list[str]]:
    """The blocks before the buttons, within PHONE_SCREEN characters, and the fallback lines."""
    blocks: list[Block] = []
    lines: list[str] = []
    if reply.opening.strip():
        blocks.append(section(f":warning: {safe(reply.opening, OPENING_LIMIT - 10)}"))
        lines.append(reply.opening)
    if reply.headline.strip():
        blocks.append(section(f"*{safe(reply.headline, HEADLINE_LIMIT)}*"))
        lines.append(reply.headline)
    citation = context(safe(reply.citation, CITATION_LIMIT)) if reply.citation.strip() else None
    if reply.script.strip():
        used = sum(len(text) for text in _texts(blocks + ([citation] if citation else [])))
        label = f"*{words.say}* "
        blocks.append(section(label + safe(reply.script, PHONE_SCREEN - used - len(label))))
        lines.append(f"{words.say} {reply.script}")
    if citation:
        blocks.append(citation)
        lines.append(reply.citation)
    return blocks, lines


def _urgent(reply: Reply, question_id: str, escalation_id: str | None, words: Strings) -> Message:
    """The emergency's kind and its steps first; then that supervisors know."""
    steps = numbered(reply.steps)
    alerted = words.alerted if escalation_id else words.not_alerted
    blocks = [
        section(f":rotating_light: *{safe(reply.headline, 200)}*"),
        section(f"*{words.do_this_now}*\n{safe(steps, 2500)}"),
    ]
    lines = [reply.headline, steps]
    if reply.aside.strip():  # not sure, or of unclear kind: the boundary advice too
        blocks.append(section(f"*{words.if_no_danger}* {safe(reply.aside, HEADLINE_LIMIT)}"))
        lines.append(f"{words.if_no_danger} {reply.aside}")
        if reply.citation.strip():
            blocks.append(context(safe(reply.citation, CITATION_LIMIT)))
            lines.append(reply.citation)
    blocks.append(section(f":bell: {alerted}"))
    first = [_help_now_button(words, question_id)]
    if reply.sections:
        first.insert(0, button(words.show_guidance, SHOW_GUIDANCE, question_id))
    if escalation_id:  # already escalated: let the asker add what is happening
        first.insert(0, button(words.add_details, ADD_DETAILS, escalation_id, "primary"))
    blocks += [
        actions(*first),
        actions(
            button(words.handover, HANDOVER, question_id),
            button(words.helpful, HELPFUL, question_id),
            button(words.not_helpful, NOT_HELPFUL, question_id),
        ),
    ]
    text = "\n".join([*lines, alerted])
    return Message(escape(text), blocks)


# --- help, refusals, the apology ------------------------------------------------------------
def usage(language: str, number: str) -> Message:
    """What the bot does, examples, and the way to help in danger."""
    words = strings(language)
    examples = "\n".join(f"\u2022 `/boundary {e}`" for e in words.examples)
    prompt = words.help_now_prompt.format(number=number)
    return Message(
        f"{words.usage} {words.for_example} {' | '.join(words.examples)}",
        [
            section(words.usage),
            section(f"*{words.for_example}*\n{examples}"),
            section(prompt),
            actions(_help_now_button(words, "")),
        ],
    )


def apology(question_id: str = "", language: str = ENGLISH) -> Message:
    """Something failed: never leave the asker in silence, give them a way to a person."""
    words = strings(language)
    return Message(
        words.apology,
        [
            section(f":warning: {words.apology}"),
            actions(
                button(words.talk_to_supervisor, ESCALATE, question_id, "primary"),
                _help_now_button(words, question_id),
            ),
        ],
    )


def _with_help_now(text: str, language: str) -> Message:
    """A one-line notice (already-safe mrkdwn) with "I need help now" under it."""
    return Message(text, [section(text), actions(_help_now_button(strings(language), ""))])


def _help_now_button(words: Strings, question_id: str) -> Block:
    """On every reply: `question_id` is the question it answers, "" where there is none."""
    return button(words.help_now, HELP_NOW, question_id, "danger")


# --- after "I need help now" ----------------------------------------------------------------
def help_sent(call: HelpCall, number: str) -> Message:
    """Supervisors were alerted (or already were): say so, and to call the number if in danger."""
    words = strings(call.language)
    if call.escalation_id is None:
        return apology(language=call.language)
    template = words.help_raised if call.raised else words.help_already
    text = template.format(number=number)
    icon = ":rotating_light:" if call.raised else ":bell:"
    return Message(
        text,
        [
            section(f"{icon} {text}"),
            actions(button(words.add_details, ADD_DETAILS, call.escalation_id, "primary")),
        ],
    )


# --- "Show the guidance" ------------------------------------------------------------------
def guidance_modal(behind: Behind | None, language: str) -> dict[str, Any]:
    """The full text of the sections behind an answer, with their citations, then next steps.

    `behind` is None when the answer is not the clicker's; `language` is then theirs. The
    guidance text exists in English only: a Spanish reader is told so in one line.
    """
    language = behind.language if behind else language
    words = strings(language)
    blocks: list[Block] = []
    if words.guidance_in_english:
        blocks.append(context(words.guidance_in_english))
    sections = behind.sections if behind else ()
    for passage in sections:
        blocks.append(section(f"*{safe(passage.cited(language), 300)}*"))
        blocks += [section(markdown_to_mrkdwn(safe(c, 2900))) for c in _chunks(passage.text)]
        blocks.append(divider())
    if not sections:
        blocks.append(section(words.guidance_gone))
    else:
        steps = words.next_steps_urgent if behind and behind.urgent else words.next_steps
        bullets = "\n".join(f"\u2022 {step}" for step in steps)
        blocks.append(section(f"*{words.next_steps_label}*\n{bullets}"))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": words.guidance_title},
        "close": {"type": "plain_text", "text": words.close},
        "blocks": blocks[:MAX_HOME_BLOCKS],  # a modal holds as many blocks as a Home tab
    }


def _chunks(text: str) -> list[str]:
    """The text in pieces of whole paragraphs that each fit a section (a long paragraph alone)."""
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        if pieces and len(pieces[-1]) + len(paragraph) + 2 <= MODAL_CHUNK:
            pieces[-1] += "\n\n" + paragraph
        else:
            pieces.append(paragraph)
    return [piece for piece in pieces if piece.strip()]


def _texts(blocks: list[Block]) -> list[str]:
    """The texts a reader sees in section and context blocks."""
    found = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    found += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    return found
