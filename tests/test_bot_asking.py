"""`bot.asking.Advisor` with a stand-in engine: help, limits, failures, urgent escalation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import blocks
from bot.asking import Advisor
from bot.config import load_settings
from bot.escalations import Escalations
from bot.ratelimit import RateLimiter
from bot.slack.blocks import Message
from bot.storage import Storage
from index import Answer, Hit, check_question
from tests.factories import answer, passage


class StubEngine:
    """Answers like the real engine; urgent when the question mentions a knife."""

    def __init__(self) -> None:
        self.fail = False

    def ask(self, question: str, top: int = 3) -> Answer:
        if self.fail:
            raise RuntimeError("model crashed")
        text = check_question(question)
        stored = passage(doc="Safety", section="Threats", text="Leave.", urgent=True)
        return answer(
            question=text,
            confident=True,
            urgent="knife" in text,
            takeaway="Leave.",
            hits=[Hit(stored, 1.0, 0.9)],
        )


class NobodySupervises:
    def is_supervisor(self, user_id: str) -> bool:
        return False


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Advisor, StubEngine, Storage]:
    settings = load_settings({"BOUNDARY_DATA_DIR": str(tmp_path), "RATE_LIMIT_PER_MINUTE": "3"})
    storage = Storage(tmp_path)
    escalations = Escalations(storage, NobodySupervises(), lambda: None)  # type: ignore[arg-type]
    engine = StubEngine()
    return Advisor(engine, storage, escalations, settings), engine, storage  # type: ignore[arg-type]


def test_help_and_empty_show_usage(setup) -> None:
    advisor, _, storage = setup
    for text in ("", "  help ", "?"):
        assert advisor.reply("U1", "D1", "dm", text).text == blocks.usage().text
    assert storage.db["questions"].count == 0


def test_answer_is_recorded_with_citations(setup) -> None:
    advisor, _, storage = setup
    message = advisor.reply("U1", "D1", "dm", "Tom &amp; Jerry &lt;3 tips?")
    [row] = storage.db["questions"].rows
    assert row["text"] == "Tom & Jerry <3 tips?"  # Slack's entities read as characters
    assert row["confident"] == 1 and row["citations"] == '["Safety > Threats"]'
    assert button_values(message) == {row["id"]}


def test_urgent_question_escalates_before_replying(setup) -> None:
    advisor, _, storage = setup
    message = advisor.reply("U1", "D1", "dm", "He has a knife")
    [escalation] = storage.db["escalations"].rows
    assert escalation["kind"] == "urgent" and escalation["asker"] == "U1"
    assert "supervisor has been alerted" in message.text
    assert escalation["id"] in button_values(message)


def test_engine_failure_gets_an_apology_with_the_supervisor_button(setup) -> None:
    advisor, engine, storage = setup
    engine.fail = True
    message = advisor.reply("U1", "D1", "dm", "Can I take a tip?")
    [row] = storage.db["questions"].rows
    assert "Sorry" in message.text
    [button] = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == blocks.ESCALATE and button["value"] == row["id"]


def test_over_long_question_is_refused_politely(setup) -> None:
    advisor, _, storage = setup
    message = advisor.reply("U1", "D1", "dm", "x" * 2001)
    assert "limit is 2,000" in message.text and storage.db["questions"].count == 0


def test_rate_limit_is_per_user_with_a_friendly_message(setup) -> None:
    advisor, _, _ = setup
    replies = [advisor.reply("U1", "D1", "dm", f"question {i}").text for i in range(4)]
    assert "faster than I can keep up" in replies[3]
    assert all("faster" not in r for r in replies[:3])
    assert "faster" not in advisor.reply("U2", "D2", "dm", "question").text


def test_rate_limit_window_slides() -> None:
    limiter = RateLimiter(2)
    assert limiter.allow("U", now=0) and limiter.allow("U", now=1)
    assert not limiter.allow("U", now=59)
    assert limiter.allow("U", now=60.5)


def button_values(message: Message) -> set[str]:
    return {e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}
