"""From documents to what the index holds: sections (the unit the bot answers with) and the
entries that find them (passages of guidance text, curated answers, example questions).

A question is matched against every entry; an entry's match counts for its section. So a
section is found by how people ask about it (its example questions, in any language) as well
as by how its guidance is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from index.chunking import CHUNKER_VERSION, pack
from index.documents import DEFAULT_LANGUAGE, GUIDANCE, Document

OVERVIEW = "Overview"
PASSAGE, ANSWER, QUESTION, NOT_URGENT = "passage", "answer", "question", "not_urgent"


@dataclass(frozen=True)
class Section:
    """One citable section, as the bot shows it: `id` is its row in the store."""

    id: int
    doc: str
    section: str  # heading path, " > " between levels
    source: str
    path: str
    scope: str
    emergency: str | None
    text: str  # the guidance text, paragraphs separated by blank lines
    titles: dict[str, str] = field(default_factory=dict)  # section title by language
    doc_titles: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    says: dict[str, str] = field(default_factory=dict)
    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    words: tuple[str, ...] = ()  # unmistakable words of an emergency kind, any language

    @property
    def citation(self) -> str:
        return f"{self.doc} > {self.section}"

    def cited(self, language: str) -> str:
        """The citation in `language` where the knowledge has it, else in English."""
        doc = self.doc_titles.get(language, self.doc)
        return f"{doc} > {self.titles.get(language, self.section)}"

    def title(self, language: str) -> str:
        return self.titles.get(language, self.section.split(" > ")[-1])

    def answer(self, language: str) -> str:
        """The curated answer in `language`, else in English ("" if there is none)."""
        return self.answers.get(language) or self.answers.get(DEFAULT_LANGUAGE, "")

    def say(self, language: str) -> str:
        return self.says.get(language) or self.says.get(DEFAULT_LANGUAGE, "")

    def steps_in(self, language: str) -> tuple[str, ...]:
        return self.steps.get(language) or self.steps.get(DEFAULT_LANGUAGE, ())

    def filled(self, numbers: dict[str, str]) -> Section:
        """This section with `{EMERGENCY_NUMBER}`-style placeholders replaced by `numbers`."""
        if not numbers:
            return self

        def fill(text: str) -> str:
            for name, value in numbers.items():
                text = text.replace("{" + name + "}", value)
            return text

        return replace(
            self,
            text=fill(self.text),
            answers={k: fill(v) for k, v in self.answers.items()},
            says={k: fill(v) for k, v in self.says.items()},
            steps={k: tuple(fill(s) for s in v) for k, v in self.steps.items()},
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "doc": self.doc,
            "section": self.section,
            "source": self.source,
            "path": self.path,
            "scope": self.scope,
            "emergency": self.emergency,
            "text": self.text,
            "titles": self.titles,
            "doc_titles": self.doc_titles,
            "answers": self.answers,
            "says": self.says,
            "steps": {k: list(v) for k, v in self.steps.items()},
            "words": list(self.words),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        steps = {k: tuple(v) for k, v in data["steps"].items()}
        return cls(**{**data, "steps": steps, "words": tuple(data["words"])})


@dataclass(frozen=True)
class Entry:
    """A text that finds its section: a passage, a curated answer or an example question."""

    section_id: int
    kind: str  # PASSAGE, ANSWER, QUESTION or NOT_URGENT
    language: str
    text: str
    heading: str = ""  # prepended for the model (passages and answers): gives them a topic

    @property
    def embed_text(self) -> str:
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    @property
    def heading_length(self) -> int:
        """Where `text` starts inside `embed_text`."""
        return len(self.heading) + 1 if self.heading else 0

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{CHUNKER_VERSION}\0{self.embed_text}".encode()).hexdigest()


def sections_and_entries(documents: list[Document]) -> tuple[list[Section], list[Entry]]:
    """Every section of the corpus, in order, and the entries that point at them."""
    sections: list[Section] = []
    entries: list[Entry] = []
    for document in documents:
        for part in document.sections:
            f = part.fields
            name = " > ".join(part.path) or OVERVIEW
            section = Section(
                id=len(sections),
                doc=document.title,
                section=name,
                source=document.source,
                path=document.path,
                scope=document.scope,
                emergency=document.emergency,
                text="\n\n".join(part.paragraphs),
                titles=dict(f.titles),
                doc_titles=dict(document.titles),
                answers=dict(f.answers),
                says=dict(f.says),
                steps={k: tuple(v) for k, v in f.steps.items()},
                words=tuple(f.words),
            )
            sections.append(section)
            entries += [
                Entry(section.id, PASSAGE, DEFAULT_LANGUAGE, text, name)
                for text in pack(part.paragraphs)
            ]
            entries += [
                Entry(section.id, ANSWER, language, answer, section.title(language))
                for language, answer in sorted(f.answers.items())
            ]
            for kind, lists in ((QUESTION, f.questions), (NOT_URGENT, f.not_urgent)):
                entries += [
                    Entry(section.id, kind, language, question)
                    for language, questions in sorted(lists.items())
                    for question in dict.fromkeys(questions)
                ]
    return sections, entries


def is_guidance(section: Section) -> bool:
    """Sections the bot may answer with (not routes for out-of-scope, not conversation)."""
    return section.scope == GUIDANCE
