"""Block Kit builders: what comes first, what buttons carry, escaping, and Slack's limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot import blocks
from bot.compose import compose
from bot.config import DEFAULT_SAFETY_STEPS
from bot.home import home_view
from bot.slack.blocks import Message, slack_date
from bot.slack.text import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_HEADER_TEXT,
    MAX_HOME_BLOCKS,
    MAX_SECTION_TEXT,
)
from bot.storage import Storage
from index import Answer, Hit
from tests.factories import passage

QID = "0123456789abcdef0123456789abcdef"
INJECTION = "<!channel> <!here> <!everyone> <@U999> <!subteam^S1> <https://evil.example|click>"


def answer(confident: bool = True, urgent: bool = False, text: str = "Decline cash tips.") -> Any:
    hits = [
        Hit(
            passage(doc="Gifts", section=f"Part {i}", text=f"{text} **Bold** {i}", source="src"),
            1.0,
            0.8,
        )
        for i in range(3)
    ]
    return compose(
        Answer("q?", confident, urgent, "Decline cash tips politely.", hits), "Leave now."
    )


def row(**overrides: Any) -> dict[str, Any]:
    base = {
        "id": "e" * 32,
        "asker": "U0ALICE",
        "question": "Can I take a tip?",
        "kind": "question",
        "citations": json.dumps(["Gifts > Cash tips"]),
        "details": "[]",
        "state": "open",
        "claimed_by": None,
        "closed_by": None,
        "created_at": 1_700_000_000.0,
    }
    return {**base, **overrides}


def texts(message: Message) -> str:
    return json.dumps(message.kwargs())


def button_list(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def check_limits(message: Message) -> None:
    payload = message.kwargs()
    assert payload["text"]
    assert len(payload["blocks"]) <= MAX_BLOCKS
    for block in payload["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= MAX_BUTTON_TEXT
                assert len(element["value"]) <= 64 and " " not in element["value"]


def test_confident_answer_leads_with_takeaway_then_citations_and_buttons() -> None:
    message = blocks.answer(answer(), QID)
    assert message.blocks[0]["text"]["text"] == "*Decline cash tips politely.*"
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert [s.split("\n")[0] for s in sections[1:4]] == [f"*Gifts &gt; Part {i}*" for i in range(3)]
    assert "*Bold*" in sections[1]  # Markdown bold became mrkdwn bold
    assert sections[4].startswith("*Next steps*")
    ids = [b["action_id"] for b in button_list(message)]
    assert ids == [blocks.HELPFUL, blocks.NOT_HELPFUL, blocks.ESCALATE, blocks.HANDOVER]
    assert {b["value"] for b in button_list(message)} == {QID}
    assert message.text.startswith("Decline cash tips politely.")
    check_limits(message)


def test_not_confident_says_so_and_puts_the_supervisor_first() -> None:
    message = blocks.answer(answer(confident=False), QID)
    assert "No guidance matched" in message.blocks[0]["text"]["text"]
    assert "Gifts" not in texts(message)  # no passages shown
    assert button_list(message)[0]["action_id"] == blocks.ESCALATE


def test_urgent_answer_leads_with_safety_steps_and_says_a_supervisor_knows() -> None:
    reply = compose(answer(urgent=True).answer, DEFAULT_SAFETY_STEPS)
    message = blocks.answer(reply, QID, escalation_id="e" * 32)
    first_two = message.blocks[0]["text"]["text"] + message.blocks[1]["text"]["text"]
    assert first_two.startswith(":rotating_light:") and "911" in first_two
    assert "A supervisor has been alerted" in message.blocks[2]["text"]["text"]
    details = button_list(message)[0]
    assert details["action_id"] == blocks.ADD_DETAILS and details["value"] == "e" * 32


def test_knowledge_text_is_escaped_in_answers() -> None:
    message = blocks.answer(answer(text=INJECTION), QID)
    payload = texts(message)
    assert "<!channel>" not in payload and "<@U999>" not in payload and "<https" not in payload
    assert "&lt;!channel&gt;" in payload


def test_supervisor_card_shows_everything_escaped() -> None:
    card = blocks.supervisor_card(
        row(question=f"Help {INJECTION}", details=json.dumps([f"more {INJECTION}"]), kind="urgent")
    )
    payload = texts(card)
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam", "<https"):
        assert raw not in payload
    assert card.blocks[0]["block_id"] == blocks.CARD_MARKER + "e" * 32
    first = card.blocks[0]["text"]["text"]
    assert "Urgent" in first and "<@U0ALICE>" in first and "<!date^1700000000^" in first
    assert "Gifts &gt; Cash tips" in payload and "more &lt;!channel&gt;" in payload
    assert [b["action_id"] for b in button_list(card)] == [blocks.CLAIM, blocks.RESOLVE]
    assert card.blocks[-2]["elements"][0]["text"] == "Open: waiting for a supervisor"


def test_card_states() -> None:
    claimed = blocks.supervisor_card(row(state="claimed", claimed_by="U0SUP"))
    assert "Claimed by <@U0SUP>" in texts(claimed)
    assert [b["action_id"] for b in button_list(claimed)] == [blocks.RESOLVE]
    resolved = blocks.supervisor_card(row(state="resolved", closed_by="U0SUP"))
    assert "Resolved by <@U0SUP>" in texts(resolved) and button_list(resolved) == []


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    huge = "x" * 20_000 + " <!channel> " + "\u00e9" * 5000
    check_limits(blocks.answer(answer(text=huge), QID))
    check_limits(blocks.supervisor_card(row(question=huge, details=json.dumps([huge] * 40))))
    check_limits(blocks.group_intro(row(question=huge, claimed_by="U0SUP")))
    check_limits(blocks.reminder(row(question=huge), 15))


def test_home_lists_own_requests_and_queue_only_for_supervisors(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    for i in range(60):
        question_id = storage.record_question("U0ALICE", "D1", "dm", f"question {i} <!here>")
        storage.create_escalation(
            dedupe_key=f"{i}",
            question_id=question_id,
            asker="U0ALICE",
            question=f"question {i} <!here>",
            kind="question",
            citations=[],
        )

    class Members:
        def __init__(self, yes: bool) -> None:
            self.yes = yes

        def is_supervisor(self, user_id: str) -> bool:
            return self.yes

    for_asker = home_view("U0ALICE", storage, Members(False))  # type: ignore[arg-type]
    for_supervisor = home_view("U0SUP", storage, Members(True))  # type: ignore[arg-type]
    assert for_asker["type"] == "home"
    assert "Supervisor queue" not in json.dumps(for_asker)
    assert "Supervisor queue" in json.dumps(for_supervisor)
    assert blocks.CLAIM in json.dumps(for_supervisor)
    for view in (for_asker, for_supervisor):
        assert len(view["blocks"]) <= MAX_HOME_BLOCKS
        assert "<!here>" not in json.dumps(view)


def test_slack_date_has_a_utc_fallback() -> None:
    assert slack_date(0) == "<!date^0^{date_short_pretty} at {time}|1970-01-01 00:00 UTC>"


def test_apology_offers_the_supervisor_with_or_without_a_question() -> None:
    with_question = button_list(blocks.apology(QID))
    assert [(b["action_id"], b["value"]) for b in with_question] == [(blocks.ESCALATE, QID)]
    without = button_list(blocks.apology())
    assert without[0]["action_id"] == blocks.ESCALATE and "value" not in without[0]
