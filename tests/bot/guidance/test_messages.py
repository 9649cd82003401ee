"""The review modal and the supervisors' part of the App Home: valid for Slack (slack_sdk's
own models), read back as typed, within the Home's block budget however much there is."""

from __future__ import annotations

import json

from slack_sdk.models.views import View as SdkView

from bot.guidance import actions as ids
from bot.guidance.draft import Draft, Field
from bot.guidance.gaps import Gap
from bot.guidance.messages import read_review, review_blocks, review_modal
from bot.guidance.service import APPROVED_SHOWN, GAPS_SHOWN, PENDING_SHOWN, Mode, Overview, Review
from bot.guidance.status import Status
from bot.guidance.store import Entry
from bot.home.view import OWN_LIMIT, QUEUE_LIMIT, home_view
from bot.slack.text import MAX_HOME_BLOCKS
from tests import factories
from tests.factories import escalation

DRAFT = factories.draft()


def submitted(modal: dict, values: dict[Field, str]) -> dict:
    """The view Slack sends back when `modal` is submitted with `values` typed in."""
    state = {
        f.value: {ids.INPUT: {"type": "plain_text_input", "value": v}} for f, v in values.items()
    }
    return {**modal, "state": {"values": state}}


def test_every_review_modal_is_valid_and_starts_with_the_names_note() -> None:
    for mode in Mode:
        modal = review_modal(Review(mode, "e" * 32, DRAFT))
        SdkView(**modal).validate_json()
        assert modal["private_metadata"] == f"{mode}:{'e' * 32}"
        assert "take out names and details" in modal["blocks"][0]["text"]["text"]
        assert modal["blocks"][1]["block_id"] == Field.QUESTION
        assert modal["blocks"][1]["element"]["initial_value"] == DRAFT.question
    empty = review_modal(Review(Mode.WRITE, "q" * 32, Draft(question="pray?")))
    assert "initial_value" not in json.dumps(empty["blocks"][2:])  # Slack refuses empty ones


def test_what_is_typed_in_the_modal_reads_back() -> None:
    modal = review_modal(Review(Mode.EDIT, "e" * 32, DRAFT))
    values = {
        Field.QUESTION: DRAFT.question,
        Field.TITLE: DRAFT.title,
        Field.ANSWER: DRAFT.answer,
        Field.SAY: DRAFT.say,
        Field.TEXT: DRAFT.text,
        Field.EXAMPLES: "- " + "\n\n".join(DRAFT.examples) + "\n",
    }
    assert read_review(submitted(modal, values)) == (Mode.EDIT, "e" * 32, DRAFT)
    assert read_review({**modal, "private_metadata": "launch:x"}) is None
    assert read_review({**modal, "private_metadata": "edit:"}) is None
    assert read_review(submitted(modal, {Field.QUESTION: "q"}))[2] == Draft(question="q")


def entry(number: int, status: Status) -> Entry:
    return Entry(
        id=f"{number:032x}",
        status=status,
        created_at=1.7e9,
        draft=DRAFT if status is Status.APPROVED else None,
        asked="question " * 300,
        advice="advice " * 500,
        suggested_by="U0SUP",
        reviewed_by="U0SUPB",
        reviewed_at=1.7e9,
        path=f"supervisors/praying-{number}.md",
    )


def test_a_full_home_stays_within_slacks_block_limit() -> None:
    gap = Gap(("q1", "q2"), "can i pray " * 100, "q1", 2, 1, 0, 1.7e9)
    overview = Overview(
        pending=[entry(n, Status.PENDING) for n in range(PENDING_SHOWN)],
        pending_total=40,
        gaps=[gap] * GAPS_SHOWN,
        approved=[entry(n, Status.APPROVED) for n in range(APPROVED_SHOWN)],
        approved_total=12,
    )
    review = review_blocks(overview)
    queue = [escalation(id=f"{n:032x}") for n in range(QUEUE_LIMIT)]
    own = [escalation(id=f"{n:032x}") for n in range(OWN_LIMIT)]
    view = home_view(own, queue, review)
    assert view["blocks"][-len(review) :] == review  # nothing cut off
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    SdkView(**view).validate_json()
    text = json.dumps(review, ensure_ascii=False)
    assert "Suggested guidance (40)" in text and "\u2026and 35 more." in text
    assert "Approved guidance (12)" in text and "\u2026and 7 more." in text
    assert "*Asked 2 times* \u00b7 2 no match, 1 not helpful" in text
    actions = [e for b in review for e in b.get("elements", []) if e.get("type") == "button"]
    assert {e["action_id"] for e in actions} == {
        ids.APPROVE,
        ids.EDIT,
        ids.DISCARD,
        ids.EDIT_APPROVED,
        ids.RETRACT,
    }
    assert all("confirm" in e for e in actions if e["action_id"] in (ids.DISCARD, ids.RETRACT))


def test_an_empty_review_part_says_what_to_do() -> None:
    text = json.dumps(review_blocks(Overview([], 0, [], [], 0)), ensure_ascii=False)
    assert "No suggestions waiting" in text and "No gaps" in text and "None yet" in text
    text = json.dumps(review_blocks(Overview([], 0, None, [], 0)))
    assert "can't be worked out right now" in text
