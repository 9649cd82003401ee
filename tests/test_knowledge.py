"""The bundled knowledge pack is complete: a section added without its curated answer, its
example questions or its Spanish fields fails the build, so none can skip them.

Supervisors' guidance (`origin: supervisors`, approved in the App Home and written to
`knowledge/supervisors/`) is English only and may have few example questions: a supervisor
answers one question, and the bot's file is checked here as the pack's are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.guidance.markdown import ORIGIN, render
from index.documents import (
    CONVERSATION,
    GENERAL_EMERGENCY,
    GUIDANCE,
    OUT_OF_SCOPE,
    Document,
    Section,
    load_document,
    load_documents,
)
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PACK = load_documents(ROOT / "knowledge")
MIN_QUESTIONS = 5
MIN_SITUATIONS = 15  # labelled emergencies per language: the detector learns from them
ANSWER_CHARS = 300  # a curated answer is one or two sentences: it leads on a phone screen
SECTIONS = [
    pytest.param(d, s, id=f"{d.path} > {' > '.join(s.path)}") for d in PACK for s in d.sections
]


def test_the_pack_has_every_kind_of_file() -> None:
    scopes = {d.scope for d in PACK}
    assert scopes == {GUIDANCE, OUT_OF_SCOPE, CONVERSATION}
    kinds = {d.emergency for d in PACK if d.emergency}
    assert GENERAL_EMERGENCY in kinds and len(kinds) >= 27
    conversation = [s.path[-1] for d in PACK if d.scope == CONVERSATION for s in d.sections]
    assert {"Greeting", "Thanks", "Help", "What to say"} <= set(conversation)


def origin(document: Document, root: Path = ROOT / "knowledge") -> str:
    """The file's `origin:` ("supervisors" for approved supervisors' guidance), or ""."""
    text = (root / document.path).read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---")[1]) if text.startswith("---") else None
    return str((meta or {}).get("origin") or "")


@pytest.mark.parametrize("document", [pytest.param(d, id=d.path) for d in PACK])
def test_every_file_names_its_sources(document: Document) -> None:
    assert document.source and document.source != document.path
    if document.scope == GUIDANCE:
        assert document.titles.get("es"), "title_es is missing"


@pytest.mark.parametrize(("document", "section"), SECTIONS)
def test_every_section_has_its_curated_fields(document: Document, section: Section) -> None:
    if origin(document) == ORIGIN:
        check_supervisors_section(section)
        return
    f = section.fields
    assert f.answers.get("en") and f.answers.get("es"), "Answer and Answer (es) are required"
    assert len(f.answers["en"]) <= ANSWER_CHARS
    if f.says.get("en"):
        assert f.says.get("es"), "a section with a Say script needs Say (es)"
    if document.scope != GUIDANCE:
        assert len(f.questions.get("en", ())) >= MIN_QUESTIONS
        return
    assert f.titles.get("es"), "Title (es) is missing"
    assert section.paragraphs, "the guidance text is missing"
    if document.emergency == GENERAL_EMERGENCY:
        assert f.steps.get("en") and f.steps.get("es")
        return
    assert len(f.questions.get("en", ())) >= MIN_QUESTIONS
    assert len(f.questions.get("es", ())) >= MIN_QUESTIONS
    if document.emergency:
        assert f.steps.get("en") and f.steps.get("es"), "an emergency leads with its steps"
        assert len(f.steps["en"]) == len(f.steps["es"])
        assert len(f.questions["en"]) >= MIN_SITUATIONS
        assert len(f.questions["es"]) >= MIN_SITUATIONS
        assert f.not_urgent.get("en") and f.not_urgent.get("es"), "look-alikes teach the line"


def check_supervisors_section(section: Section) -> None:
    """Supervisors' guidance: English only, at least the question it answers."""
    f = section.fields
    assert f.answers.get("en"), "Answer is required"
    assert len(f.answers["en"]) <= ANSWER_CHARS
    assert section.paragraphs, "the guidance text is missing"
    assert f.questions.get("en"), "the question it answers is missing"


def test_approved_supervisors_guidance_passes_the_pack_checks(tmp_path: Path) -> None:
    draft = factories.draft()
    path = tmp_path / "supervisors" / "praying.md"
    path.parent.mkdir()
    path.write_text(render(draft, date(2025, 3, 14)), encoding="utf-8")
    document = load_document(path, tmp_path)
    assert origin(document, tmp_path) == ORIGIN and document.scope == GUIDANCE
    test_every_file_names_its_sources(document)
    [section] = document.sections
    check_supervisors_section(section)


def test_no_example_is_filed_under_two_sections() -> None:
    """The same words labelled two ways would teach the models both answers at once."""
    seen: dict[str, str] = {}
    clashes = []
    for document in PACK:
        for section in document.sections:
            where = f"{document.title} > {' > '.join(section.path)}"
            lists = [*section.fields.questions.values(), *section.fields.not_urgent.values()]
            for question in (q.strip().lower() for items in lists for q in items):
                if seen.setdefault(question, where) != where:
                    clashes.append(f"{question!r}: {seen[question]} and {where}")
    assert not clashes, clashes[:10]


def test_emergency_steps_use_the_number_placeholders() -> None:
    """Numbers come from the settings, so a company outside the US can set its own."""
    for document in PACK:
        for section in document.sections:
            for steps in section.fields.steps.values():
                text = " ".join(steps)
                assert "911" not in text and "988" not in text, document.path
