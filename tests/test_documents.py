"""Reading knowledge files: Markdown with front matter, plain text, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import MAX_PASSAGE_CHARS, sentence_spans
from index.documents import load_document, load_documents
from index.errors import KnowledgeError
from index.sections import ANSWER, NOT_URGENT, PASSAGE, QUESTION, sections_and_entries


def chunk_document(document):
    """The passages of one document, as the index cuts them."""
    sections, entries = sections_and_entries([document])
    return [(sections[e.section_id], e) for e in entries if e.kind == PASSAGE]


def test_markdown_sections_front_matter_and_heading_paths(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(
        "---\ntitle: Money matters\nsource: Handbook p. 4\n---\n"
        "Intro text.\n\n## Loans\n\nNever lend money.\n\n### To family\n\nStill no.\n\n"
        "```\n## not a heading\n```\n\n## Wills\n\nDecline being named.\n",
        encoding="utf-8",
    )
    doc = load_document(path, tmp_path)
    assert (doc.title, doc.source, doc.path, doc.scope, doc.emergency) == (
        "Money matters",
        "Handbook p. 4",
        "doc.md",
        "guidance",
        None,
    )
    assert [s.path for s in doc.sections] == [(), ("Loans",), ("Loans", "To family"), ("Wills",)]
    assert "## not a heading" in doc.sections[2].paragraphs[-1]
    passages = chunk_document(doc)
    assert [s.citation for s, _ in passages] == [
        "Money matters > Overview",
        "Money matters > Loans",
        "Money matters > Loans > To family",
        "Money matters > Wills",
    ]
    assert [s.id for s, _ in passages] == [0, 1, 2, 3]


def test_markdown_title_from_heading_or_file_name(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Real title\n\n## S\n\nText here.\n", encoding="utf-8")
    (tmp_path / "late-visits.md").write_text("## S\n\nText here.\n", encoding="utf-8")
    docs = load_documents(tmp_path)
    assert [d.title for d in docs] == ["Real title", "Late visits"]
    assert docs[0].source == "a.md"  # no front matter: the file names the source


def test_plain_text_short_unpunctuated_line_starts_section(tmp_path: Path) -> None:
    (tmp_path / "export.txt").write_text(
        "Working With Clients\n"
        "Every visit starts with a hello and ends with a goodbye, always.\n"
        "Gifts and Favours\n"
        "Examples of gifts:\n"
        "\u2022 a watch\n"
        "A gift creates a debt the client may expect you to repay.\n",
        encoding="utf-8",
    )
    doc = load_documents(tmp_path)[0]
    assert doc.title == "Working With Clients"
    assert [s.path for s in doc.sections] == [(), ("Gifts and Favours",)]
    assert doc.sections[1].paragraphs == [
        "Examples of gifts:",
        "- a watch",
        "A gift creates a debt the client may expect you to repay.",
    ]


def test_plain_text_with_blank_lines_joins_wrapped_lines(tmp_path: Path) -> None:
    (tmp_path / "wrapped.txt").write_text(
        "Title Line\n\nFirst line of a paragraph\nthat wraps here.\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    doc = load_documents(tmp_path)[0]
    assert doc.sections[0].paragraphs == [
        "First line of a paragraph that wraps here.",
        "Second paragraph.",
    ]


def test_long_sections_split_on_paragraph_boundaries(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 60 + "end." for i in range(8)]
    (tmp_path / "long.md").write_text("## Long\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    passages = chunk_document(load_documents(tmp_path)[0])
    assert len(passages) > 1
    assert all(len(e.text) <= MAX_PASSAGE_CHARS for _, e in passages)
    assert {s.section for s, _ in passages} == {"Long"}
    rejoined = "\n\n".join(e.text for _, e in passages)
    assert rejoined == "\n\n".join(paragraphs)  # cut only between paragraphs, nothing lost


def test_one_huge_paragraph_splits_by_sentence(tmp_path: Path) -> None:
    text = " ".join(f"Sentence number {i} says something useful." for i in range(100))
    (tmp_path / "huge.md").write_text(f"## Huge\n\n{text}\n", encoding="utf-8")
    passages = chunk_document(load_documents(tmp_path)[0])
    assert all(len(e.text) <= MAX_PASSAGE_CHARS for _, e in passages)
    assert " ".join(e.text for _, e in passages) == text


def test_sentence_spans_cover_sentences_and_bullets() -> None:
    text = "Say no kindly. Then tell the office!\n- Offer the office number instead\n- ok"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Then tell the office!",
        "Offer the office number instead",
    ]  # fragments under four words make poor takeaways


def test_a_sentence_keeps_its_closing_quote() -> None:
    """Cut before it, a quoted script ends with one quote mark, and reads as a fragment."""
    text = (
        'Try: "Thank you, but I can\'t accept it." Then tell the office (same day.) It is done now.'
    )
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        'Try: "Thank you, but I can\'t accept it."',
        "Then tell the office (same day.)",
        "It is done now.",
    ]


SECTION = """---
title: Gifts
title_es: Regalos
source: Handbook
---

## Cash tips

**Title (es):** Propinas
**Answer:** Check the policy first; if tips are allowed,
thank them and tell the office.
**Say:** "Thank you, that's kind."
**Answer (es):** Revisa la política primero.

Tips depend on the policy.

- never ask for one

**Questions:**
- can i keep a tip
- client gave me 20 bucks
  on my way out
**Questions (es):**

- me dieron propina
"""


def test_fields_are_read_apart_from_the_guidance_text(tmp_path: Path) -> None:
    (tmp_path / "gifts.md").write_text(SECTION, encoding="utf-8")
    doc = load_documents(tmp_path)[0]
    assert doc.titles == {"es": "Regalos"}
    [section] = doc.sections
    f = section.fields
    assert f.answers == {
        "en": "Check the policy first; if tips are allowed, thank them and tell the office.",
        "es": "Revisa la política primero.",
    }
    assert f.says == {"en": '"Thank you, that\'s kind."'}
    assert f.titles == {"es": "Propinas"}
    # A list item may wrap; a list may follow its label after a blank line.
    assert f.questions == {
        "en": ["can i keep a tip", "client gave me 20 bucks on my way out"],
        "es": ["me dieron propina"],
    }
    assert section.paragraphs == ["Tips depend on the policy.", "- never ask for one"]


def test_entries_point_at_their_section(tmp_path: Path) -> None:
    (tmp_path / "gifts.md").write_text(SECTION, encoding="utf-8")
    sections, entries = sections_and_entries(load_documents(tmp_path))
    assert [s.citation for s in sections] == ["Gifts > Cash tips"]
    assert sorted((e.kind, e.language) for e in entries) == [
        (ANSWER, "en"),
        (ANSWER, "es"),
        (PASSAGE, "en"),
        (QUESTION, "en"),
        (QUESTION, "en"),
        (QUESTION, "es"),
    ]
    assert sections[0].cited("es") == "Regalos > Propinas"
    assert sections[0].say("es") == '"Thank you, that\'s kind."'  # no Spanish script: English


def test_an_emergency_file_has_its_kind_steps_words_and_look_alikes(tmp_path: Path) -> None:
    (tmp_path / "gas.md").write_text(
        "---\ntitle: Emergencies\nemergency: gas-leak\nsource: PHMSA\n---\n\n"
        "## Possible gas leak\n\n**Answer:** Get out, then call {EMERGENCY_NUMBER}.\n"
        "**Steps:**\n1. Leave now.\n2. Call {EMERGENCY_NUMBER} from outside.\n"
        "**Words:** gas leak, fuga de gas\n\n**Questions:**\n- smells like rotten eggs\n"
        "**Not urgent:**\n- what if i ever smell gas\n",
        encoding="utf-8",
    )
    doc = load_documents(tmp_path)[0]
    assert doc.emergency == "gas-leak"
    f = doc.sections[0].fields
    assert f.steps == {"en": ["Leave now.", "Call {EMERGENCY_NUMBER} from outside."]}
    assert f.words == ["gas leak", "fuga de gas"]
    assert f.not_urgent == {"en": ["what if i ever smell gas"]}
    sections, entries = sections_and_entries([doc])
    filled = sections[0].filled({"EMERGENCY_NUMBER": "112"})
    assert filled.steps_in("es") == ("Leave now.", "Call 112 from outside.")
    assert {e.kind for e in entries} == {ANSWER, QUESTION, NOT_URGENT}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "knowledge directory not found"),
        (lambda d: d.mkdir(), "has no .md or .txt files"),
        (lambda d: (d.mkdir(), (d / "empty.md").write_text("\n\n")), "has no text"),
        (
            lambda d: (d.mkdir(), (d / "latin1.md").write_bytes("caf\xe9 menu".encode("latin-1"))),
            "latin1.md: not UTF-8 text",
        ),
        (
            lambda d: (d.mkdir(), (d / "bad.md").write_text("---\ntitle: [oops\n---\nText.\n")),
            "bad.md: front matter is not valid YAML",
        ),
        (
            lambda d: (d.mkdir(), (d / "kind.md").write_text("---\nemergency: Gas!\n---\nText.\n")),
            "kind.md: emergency must be a kind id",
        ),
        (
            lambda d: (d.mkdir(), (d / "scope.md").write_text("---\nscope: maybe\n---\nText.\n")),
            "scope.md: scope must be one of guidance, out, conversation",
        ),
        (
            lambda d: (d.mkdir(), (d / "empty.md").write_text("## A\n\n**Answer:**\n\nText.\n")),
            "empty.md: section A: the Answer field is empty",
        ),
    ],
)
def test_bad_knowledge_is_a_one_line_error(tmp_path: Path, setup, message: str) -> None:
    directory = tmp_path / "knowledge"
    setup(directory)
    with pytest.raises(KnowledgeError) as info:
        load_documents(directory)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
