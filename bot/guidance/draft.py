"""A piece of guidance as a supervisor edits it in the review modal, and what is wrong with it.

The fields are the knowledge format's (docs/knowledge-format.md): a title, the curated answer,
an optional script, the guidance text, and example questions, the edited question first.
`problems` says, field by field, what stops it from becoming guidance: a missing or over-long
field, or a personal detail left in (an email address, a phone number, a street address, a
Slack mention). Names cannot be told from words reliably, so the modal asks the supervisor to
take them out, and the question is shown for editing first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum

from bot.slack.text import clip

MAX_QUESTION = 500
MAX_TITLE = 80
MAX_ANSWER = 300  # a curated answer leads the reply on a phone screen (tests/test_knowledge.py)
MAX_SAY = 300
MAX_TEXT = 3000
MAX_EXAMPLES = 30
MAX_EXAMPLE = 300

_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
PERSONAL_DETAILS = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "an email address"),
    (re.compile(r"<[@#!][^>]*>|(?<![\w@])@[A-Za-z][\w.-]*"), "a Slack mention"),
    (re.compile(r"(?:\+?\d[\s().-]{0,2}){7,}"), "a phone number"),
    (
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Za-z]+\s+){1,3}(?:st|street|ave|avenue|rd|road|blvd|boulevard|"
            r"ln|lane|dr|drive|ct|court|way|pl|place|terrace|circle)\b",
            re.IGNORECASE,
        ),
        "a street address",
    ),
)


class Field(StrEnum):
    """The draft's fields; also the review modal's block ids."""

    QUESTION = "question"
    TITLE = "title"
    ANSWER = "answer"
    SAY = "say"
    TEXT = "text"
    EXAMPLES = "examples"


def one_line(text: str) -> str:
    """Whitespace, newlines included, collapsed to single spaces (control characters go)."""
    return " ".join(printable(text).split())


def printable(text: str) -> str:
    """`text` without control characters but newlines and tabs, nor lone surrogates: a NUL
    would make the whole knowledge folder unreadable, and a surrogate cannot be saved."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))


def example_lines(text: str) -> tuple[str, ...]:
    """Example questions typed one per line (list markers allowed), blanks dropped."""
    lines = (one_line(_LIST_MARKER.sub("", line)) for line in text.splitlines())
    return tuple(line for line in lines if line)


@dataclass(frozen=True)
class Draft:
    question: str  # the question, as a Home Pro would ask it, with no names or details
    title: str = ""
    answer: str = ""
    say: str = ""  # the words to say, if any
    text: str = ""  # the guidance text: the fuller explanation
    examples: tuple[str, ...] = field(default_factory=tuple)  # more ways of asking

    @classmethod
    def suggested(cls, asked: str, advice: str) -> Draft:
        """A first draft from a question and the advice given: the review starts there."""
        return cls(question=asked.strip(), answer=clip(one_line(advice), MAX_ANSWER), text=advice)

    def cleaned(self) -> Draft:
        """Single-line fields on one line, the text's blank edges off, examples deduplicated."""
        question = one_line(self.question)
        seen = {question.lower()}
        examples = []
        for example in self.examples:
            line = one_line(example)
            if line and line.lower() not in seen:
                seen.add(line.lower())
                examples.append(line)
        return replace(
            self,
            question=question,
            title=re.sub(r"[\s#]+$", "", one_line(self.title)),
            answer=one_line(self.answer),
            say=one_line(self.say),
            text=printable(self.text).strip(),
            examples=tuple(examples),
        )

    @property
    def questions(self) -> tuple[str, ...]:
        """The example questions of the section: the edited question first."""
        return (self.question, *self.examples)

    def problems(self) -> dict[Field, str]:
        """What keeps this (cleaned) draft from becoming guidance, by field; empty if nothing."""
        problems: dict[Field, str] = {}
        required = {
            Field.QUESTION: (self.question, "Write the question as a Home Pro would ask it."),
            Field.TITLE: (self.title, "Give it a short title naming the situation."),
            Field.ANSWER: (self.answer, "Write the answer: what to do, in a sentence or two."),
        }
        for name, (value, message) in required.items():
            if not value:
                problems[name] = message
        limits = {
            Field.QUESTION: (self.question, MAX_QUESTION),
            Field.TITLE: (self.title, MAX_TITLE),
            Field.ANSWER: (self.answer, MAX_ANSWER),
            Field.SAY: (self.say, MAX_SAY),
            Field.TEXT: (self.text, MAX_TEXT),
        }
        for name, (value, limit) in limits.items():
            if len(value) > limit:
                problems[name] = f"Keep this to {limit} characters (it has {len(value)})."
        if len(self.examples) > MAX_EXAMPLES:
            problems[Field.EXAMPLES] = f"Keep to {MAX_EXAMPLES} example questions."
        elif any(len(e) > MAX_EXAMPLE for e in self.examples):
            problems[Field.EXAMPLES] = f"Keep each question to {MAX_EXAMPLE} characters."
        fields = {**asdict(self), "examples": "\n".join(self.examples)}
        for name in Field:
            found = personal_detail(fields[name.value])
            if found and name not in problems:
                problems[name] = f"Remove {found}: guidance must not identify anyone."
        return problems

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft | None:
        """The draft stored as `to_json` wrote it; None if none was stored."""
        data = json.loads(text or "{}")
        if not data:
            return None
        return cls(**{**data, "examples": tuple(data.get("examples", ()))})


def personal_detail(text: str) -> str | None:
    """What kind of personal detail `text` holds ("an email address"...), if any."""
    for pattern, kind in PERSONAL_DETAILS:
        if pattern.search(text):
            return kind
    return None
