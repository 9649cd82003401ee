"""Answer messages: what comes first, what buttons carry, escaping, and Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.asking import messages
from bot.asking.actions import HELPFUL, NOT_HELPFUL
from bot.asking.compose import compose
from bot.escalation.actions import ADD_DETAILS, ESCALATE, HANDOVER
from index import Hit
from tests import factories
from tests.bot.message_checks import button_list, check_limits, texts
from tests.fakes import THREATS

QID = "0123456789abcdef0123456789abcdef"
INJECTION = "<!channel> <!here> <!everyone> <@U999> <!subteam^S1> <https://evil.example|click>"


def answer(confident: bool = True, urgent: bool = False, text: str = "Decline cash tips.") -> Any:
    hits = [
        Hit(
            factories.section(
                doc="Gifts", section=f"Part {i}", text=f"{text} **Bold** {i}", source="src"
            ),
            1.0,
            0.8,
        )
        for i in range(3)
    ]
    return compose(
        factories.answer(
            question="q?",
            confident=confident,
            urgent=urgent,
            takeaway="Decline cash tips politely." if confident else "",
            hits=hits,
            emergency=THREATS if urgent else None,
        )
    )


def test_confident_answer_leads_with_takeaway_then_citations_and_buttons() -> None:
    message = messages.answer(answer(), QID)
    assert message.blocks[0]["text"]["text"] == "*Decline cash tips politely.*"
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert [s.split("\n")[0] for s in sections[1:4]] == [f"*Gifts &gt; Part {i}*" for i in range(3)]
    assert "*Bold*" in sections[1]  # Markdown bold became mrkdwn bold
    assert sections[4].startswith("*Next steps*")
    ids = [b["action_id"] for b in button_list(message)]
    assert ids == [HELPFUL, NOT_HELPFUL, ESCALATE, HANDOVER]
    assert {b["value"] for b in button_list(message)} == {QID}
    assert message.text.startswith("Decline cash tips politely.")
    check_limits(message)


def test_not_confident_says_so_and_puts_the_supervisor_first() -> None:
    message = messages.answer(answer(confident=False), QID)
    assert "No guidance matched" in message.blocks[0]["text"]["text"]
    assert "Gifts" not in texts(message)  # no passages shown
    assert button_list(message)[0]["action_id"] == ESCALATE


def test_urgent_answer_leads_with_safety_steps_and_says_a_supervisor_knows() -> None:
    reply = answer(urgent=True)
    message = messages.answer(reply, QID, escalation_id="e" * 32)
    first_two = message.blocks[0]["text"]["text"] + message.blocks[1]["text"]["text"]
    assert first_two.startswith(":rotating_light:") and "911" in first_two
    assert "A supervisor has been alerted" in message.blocks[2]["text"]["text"]
    details = button_list(message)[0]
    assert details["action_id"] == ADD_DETAILS and details["value"] == "e" * 32


def test_knowledge_text_is_escaped_in_answers() -> None:
    message = messages.answer(answer(text=INJECTION), QID)
    payload = texts(message)
    assert "<!channel>" not in payload and "<@U999>" not in payload and "<https" not in payload
    assert "&lt;!channel&gt;" in payload


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    huge = "x" * 20_000 + " <!channel> " + "\u00e9" * 5000
    check_limits(messages.answer(answer(text=huge), QID))


def test_apology_offers_the_supervisor_with_or_without_a_question() -> None:
    with_question = button_list(messages.apology(QID))
    assert [(b["action_id"], b["value"]) for b in with_question] == [(ESCALATE, QID)]
    without = button_list(messages.apology())
    assert without[0]["action_id"] == ESCALATE and "value" not in without[0]
