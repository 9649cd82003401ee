"""A draft's fields are cleaned and checked before anything is written: missing and over-long
fields, and personal details left in, are named field by field."""

from __future__ import annotations

import pytest

from bot.guidance.draft import MAX_ANSWER, Draft, Field, example_lines, personal_detail

GOOD = Draft(
    question="The client wants me to pray with her, what do I do?",
    title="A client asks you to pray with them",
    answer="Decline kindly and carry on with the job.",
)


def test_a_complete_draft_has_no_problems_and_survives_storage() -> None:
    draft = Draft(**{**GOOD.__dict__, "examples": ("can i pray with a client",)}).cleaned()
    assert draft.problems() == {}
    assert Draft.from_json(draft.to_json()) == draft
    assert Draft.from_json("{}") is None


def test_cleaning_puts_fields_on_one_line_and_drops_repeated_questions() -> None:
    draft = Draft(
        question="  the client\nwants me   to pray ",
        title="Praying ##",
        answer="Say no\n kindly.",
        text="\n\nFirst paragraph.\n\nSecond.\n\n",
        examples=("The client wants me to pray", "lady asks me to pray", "LADY asks me to pray"),
    ).cleaned()
    assert draft.question == "the client wants me to pray"
    assert (draft.title, draft.answer) == ("Praying", "Say no kindly.")
    assert draft.text == "First paragraph.\n\nSecond."
    assert draft.examples == ("lady asks me to pray",)
    assert draft.questions == ("the client wants me to pray", "lady asks me to pray")


def test_example_lines_take_list_markers_and_skip_blanks() -> None:
    assert example_lines("- one\n\n* two\n3. three\n  four  \n") == ("one", "two", "three", "four")


def test_missing_and_long_fields_are_named() -> None:
    problems = Draft(question=" ", answer="x" * (MAX_ANSWER + 1)).cleaned().problems()
    assert set(problems) == {Field.QUESTION, Field.TITLE, Field.ANSWER}
    assert "300 characters" in problems[Field.ANSWER]
    many = Draft(**{**GOOD.__dict__, "examples": tuple(f"q{n}" for n in range(31))})
    assert set(many.cleaned().problems()) == {Field.EXAMPLES}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to dolores.w@example.com", "an email address"),
        ("her number is (555) 123-4567", "a phone number"),
        ("call +1 555 123 4567", "a phone number"),
        ("she lives at 42 Larkspur Lane", "a street address"),
        ("ask <@U0ALICE> about it", "a Slack mention"),
        ("ask @alice about it", "a Slack mention"),
    ],
)
def test_personal_details_are_found(text: str, kind: str) -> None:
    assert personal_detail(text) == kind
    problems = Draft(**{**GOOD.__dict__, "text": text}).cleaned().problems()
    assert problems == {Field.TEXT: f"Remove {kind}: guidance must not identify anyone."}


@pytest.mark.parametrize(
    "text",
    ["call 911 first", "a $50 tip", "on the 3rd visit at 10:30", "she is 92 years old", "I @ home"],
)
def test_everyday_numbers_are_no_personal_detail(text: str) -> None:
    assert personal_detail(text) is None


def test_a_suggested_draft_starts_from_the_advice() -> None:
    draft = Draft.suggested("  Can I pray with her?\n", "Say no.\nKindly. " * 40)
    assert draft.question == "Can I pray with her?" and draft.text == "Say no.\nKindly. " * 40
    assert len(draft.answer) <= MAX_ANSWER and draft.answer.endswith("\u2026")
    assert draft.answer[:-1].endswith(("no.", "Kindly."))  # cut between words
    assert "\n" not in draft.answer
