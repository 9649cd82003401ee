"""The Advisor with the shared fake engine: help, limits, failures, urgent escalation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import blocks
from bot.asking.advisor import Advisor
from bot.asking.store import QuestionStore
from bot.config import load_settings
from bot.escalation import actions as ids
from bot.escalation.service import Escalations
from bot.escalation.store import EscalationStore
from bot.ratelimit import RateLimiter
from bot.slack.blocks import Message
from bot.storage import Database
from tests.fakes import NOBODY, FakeEngine


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Advisor, FakeEngine, Database]:
    settings = load_settings({"BOUNDARY_DATA_DIR": str(tmp_path), "RATE_LIMIT_PER_MINUTE": "3"})
    database = Database(tmp_path)
    questions = QuestionStore(database)
    escalations = Escalations(EscalationStore(database), questions, NOBODY, lambda: None)
    engine = FakeEngine()
    return Advisor(engine, questions, escalations, settings), engine, database


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
    assert button["action_id"] == ids.ESCALATE and button["value"] == row["id"]


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
