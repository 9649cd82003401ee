"""The Advisor with the shared fake engine: help, limits, refusals, failures, urgent
escalation, and (with the real engine) one check of each question."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.engine
from bot.asking.advisor import (
    Advisor,
    Answered,
    Engine,
    Failed,
    RateLimited,
    Refused,
    Usage,
    is_help,
)
from bot.asking.messages import render
from bot.asking.ratelimit import RateLimiter
from bot.asking.store import QuestionStore
from bot.config import load_settings
from bot.escalation.actions import ESCALATE
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.slack.blocks import Message
from bot.storage import Database
from tests.fakes import NOBODY, FakeEngine


def advisor_over(engine: Engine, data_dir: Path, per_minute: str = "3") -> Advisor:
    settings = load_settings(
        {"BOUNDARY_DATA_DIR": str(data_dir), "RATE_LIMIT_PER_MINUTE": per_minute}
    )
    database = Database(data_dir)
    questions = QuestionStore(database)
    escalations = Escalations(EscalationStore(database), questions, NOBODY, lambda: None)
    return Advisor(engine, questions, escalations, settings)


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def advisor(fake_engine: FakeEngine, tmp_path: Path) -> Advisor:
    return advisor_over(fake_engine, tmp_path)


def test_help_and_empty_show_usage(advisor: Advisor, fake_engine: FakeEngine) -> None:
    for text in ("", "  help ", "?", "HELP"):
        assert is_help(text) and advisor.ask("U1", "D1", "dm", text) == Usage()
    assert fake_engine.questions == [] and advisor.questions.count() == 0


def test_answer_is_recorded_with_citations(advisor: Advisor, fake_engine: FakeEngine) -> None:
    outcome = advisor.ask("U1", "D1", "dm", "Tom &amp; Jerry &lt;3 tips?")
    assert isinstance(outcome, Answered) and outcome.escalation_id is None
    assert fake_engine.questions == ["Tom & Jerry <3 tips?"]  # Slack's entities read as characters
    question = advisor.questions.question(outcome.question_id)
    assert question and question.text == "Tom & Jerry <3 tips?" and question.source == "dm"
    assert question.confident is True and question.citations == (
        "Emergencies > Someone is threatening you",
    )
    assert button_values(render(outcome)) == {outcome.question_id}


def test_urgent_question_escalates_before_replying(advisor: Advisor) -> None:
    outcome = advisor.ask("U1", "D1", "dm", "He has a knife")
    assert isinstance(outcome, Answered) and outcome.escalation_id
    escalation = advisor.escalations.store.get(outcome.escalation_id)
    assert escalation and escalation.kind is Kind.URGENT and escalation.asker == "U1"
    message = render(outcome)
    assert "supervisor has been alerted" in message.text
    assert escalation.id in button_values(message)


def test_engine_failure_gets_an_apology_with_the_supervisor_button(
    advisor: Advisor, fake_engine: FakeEngine
) -> None:
    fake_engine.fail = True
    outcome = advisor.ask("U1", "D1", "dm", "Can I take a tip?")
    assert isinstance(outcome, Failed)
    question = advisor.questions.question(outcome.question_id)
    assert question and question.confident is None  # on record, unanswered
    message = render(outcome)
    assert "Sorry" in message.text
    [button] = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == ESCALATE and button["value"] == outcome.question_id


def test_over_long_question_is_refused_politely(advisor: Advisor) -> None:
    outcome = advisor.ask("U1", "D1", "dm", "x" * 2001)
    assert isinstance(outcome, Refused)
    assert "limit is 2,000" in render(outcome).text and advisor.questions.count() == 0


def test_rate_limit_is_per_user_with_a_friendly_message(advisor: Advisor) -> None:
    outcomes = [advisor.ask("U1", "D1", "dm", f"question {i}") for i in range(4)]
    assert outcomes[3] == RateLimited()
    assert "faster than I can keep up" in render(outcomes[3]).text
    assert all(isinstance(o, Answered) for o in outcomes[:3])
    assert isinstance(advisor.ask("U2", "D2", "dm", "question"), Answered)


def test_rate_limit_window_slides() -> None:
    limiter = RateLimiter(2)
    assert limiter.allow("U", now=0) and limiter.allow("U", now=1)
    assert not limiter.allow("U", now=59)
    assert limiter.allow("U", now=60.5)


def test_each_question_is_checked_once(
    engine: index.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real engine: the engine refuses empty and over-long questions, and the
    Advisor relies on that instead of checking each question again."""
    checked: list[str] = []
    check = index.engine.check_question

    def counting(question: str) -> str:
        checked.append(question)
        return check(question)

    monkeypatch.setattr(index.engine, "check_question", counting)
    advisor = advisor_over(engine, tmp_path, per_minute="100")
    assert isinstance(advisor.ask("U1", "D1", "dm", "Can I take a cash tip?"), Answered)
    assert checked == ["Can I take a cash tip?"]
    assert isinstance(advisor.ask("U1", "D1", "dm", "y" * 2001), Refused)
    assert len(checked) == 2


def button_values(message: Message) -> set[str]:
    return {e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}
