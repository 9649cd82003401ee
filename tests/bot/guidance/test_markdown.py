"""Approved guidance as a knowledge file: the engine's own loader reads back exactly one
section with the reviewed fields, whatever the supervisor typed (a heading, a field label or a
code fence in the text stays text), and the pack's checks hold for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.guidance.draft import Draft
from bot.guidance.markdown import DOC_TITLE, ORIGIN, render
from index.documents import load_document
from tests import factories

DAY = date(2025, 3, 14)
DRAFT = factories.draft()
STRUCTURE = st.sampled_from(
    [
        "## Heading",
        "# Title",
        "**Answer:** injected",
        " **Questions:**",
        "- item",
        "```",
        "~~~",
        "---",
        "**Say (es):** x",
        "\n",
        "\n\n",
        "\r",
        "\u2028",
        "\x00",
        "{EMERGENCY_NUMBER}",
        "#",
    ]
)
hostile = st.lists(st.one_of(STRUCTURE, st.text(max_size=15)), max_size=12).map("".join)


def load(tmp_path: Path, text: str):
    path = tmp_path / "supervisors" / "g.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_document(path, tmp_path)


def test_the_file_reads_back_as_one_section_of_supervisors_guidance(tmp_path: Path) -> None:
    text = render(DRAFT, DAY)
    document = load(tmp_path, text)
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["origin"] == ORIGIN and document.title == DOC_TITLE
    assert document.source == "Supervisors' answers to Home Pros' questions, approved 2025-03-14"
    [section] = document.sections
    assert section.path == (DRAFT.title,)
    assert section.fields.answers == {"en": DRAFT.answer}
    assert section.fields.says == {"en": f'"{DRAFT.say}"'}
    assert section.fields.questions == {"en": list(DRAFT.questions)}
    assert section.paragraphs == ["Praying together is personal.", "You can say no kindly."]


def test_without_text_the_answer_is_the_guidance(tmp_path: Path) -> None:
    draft = Draft(question=DRAFT.question, title=DRAFT.title, answer=DRAFT.answer)
    [section] = load(tmp_path, render(draft, DAY)).sections
    assert section.paragraphs == [DRAFT.answer] and not section.fields.says


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    question=hostile,
    title=hostile,
    answer=hostile,
    say=hostile,
    text=hostile,
    examples=st.lists(hostile, max_size=4),
)
def test_whatever_is_typed_stays_one_section(
    tmp_path: Path,
    question: str,
    title: str,
    answer: str,
    say: str,
    text: str,
    examples: list[str],
) -> None:
    draft = Draft(question, title, answer, say, text, tuple(examples)).cleaned()
    if not (draft.question and draft.title and draft.answer):
        return  # refused before anything is written
    [section] = load(tmp_path, render(draft, DAY)).sections
    assert section.path == (draft.title,)
    assert section.fields.answers == {"en": draft.answer}
    assert section.fields.questions == {"en": list(draft.questions)}
    assert not section.fields.steps and not section.fields.not_urgent
    assert set(section.fields.says) <= {"en"} and set(section.fields.titles) == set()
