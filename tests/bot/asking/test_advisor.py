"""The Advisor with the shared fake engine: help, limits, refusals, failures, urgent
escalation, and (with the real engine) one check of each question."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.engine
from bot.asking.actions import HELP_NOW
from bot.asking.advisor import (
    Advisor,
    Answered,
    Behind,
    Engine,
    Failed,
    NeedsWords,
    RateLimited,
    Refused,
    Usage,
    is_help,
)
from bot.asking.conversation import Conversations
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
from index import Answer, Hit
from tests import factories
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
    assert button_values(render(outcome, "911")) == {outcome.question_id}


def test_urgent_question_escalates_before_replying(advisor: Advisor) -> None:
    outcome = advisor.ask("U1", "D1", "dm", "He has a knife")
    assert isinstance(outcome, Answered) and outcome.escalation_id
    escalation = advisor.escalations.store.get(outcome.escalation_id)
    assert escalation and escalation.kind is Kind.URGENT and escalation.asker == "U1"
    message = render(outcome, "911")
    assert "supervisors have been alerted" in message.text
    assert escalation.id in button_values(message)


def test_engine_failure_gets_an_apology_with_the_supervisor_button(
    advisor: Advisor, fake_engine: FakeEngine
) -> None:
    fake_engine.fail = True
    outcome = advisor.ask("U1", "D1", "dm", "Can I take a tip?")
    assert isinstance(outcome, Failed)
    question = advisor.questions.question(outcome.question_id)
    assert question and question.confident is None  # on record, unanswered
    message = render(outcome, "911")
    assert "Sorry" in message.text
    supervisor, help_now = [
        e for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert supervisor["action_id"] == ESCALATE and supervisor["value"] == outcome.question_id
    assert help_now["action_id"] == HELP_NOW and help_now["value"] == outcome.question_id


def test_over_long_question_is_refused_politely(advisor: Advisor) -> None:
    outcome = advisor.ask("U1", "D1", "dm", "x" * 2001)
    assert isinstance(outcome, Refused)
    assert "limit is 2,000" in render(outcome, "911").text and advisor.questions.count() == 0


def test_rate_limit_is_per_user_with_a_friendly_message(advisor: Advisor) -> None:
    outcomes = [advisor.ask("U1", "D1", "dm", f"question {i}") for i in range(4)]
    assert outcomes[3] == RateLimited()
    assert "faster than I can keep up" in render(outcomes[3], "911").text
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


# --- a conversation, in the asker's language ------------------------------------------------
GIFTS = factories.section(
    doc="Gifts", section="Accepting gifts", text="Decline.", answer="Decline it.", say='"No."'
)


def conversational(question: str) -> Answer:
    """Greetings, "what do I say" and help are conversation; anything else is about gifts."""
    intents = {"thanks": "Thanks", "what do i say": "What to say", "what can you do": "Help"}
    if question in intents:
        route = factories.section(doc="Conversation", section=intents[question], text="")
        return factories.answer(
            question=question,
            confident=False,
            urgent=False,
            takeaway="Reply.",
            hits=[],
            scope="conversation",
            route=route,
            language="es" if question == "what can you do" else "en",
        )
    return factories.answer(
        question=question,
        confident=True,
        urgent=False,
        takeaway="Decline it.",
        script='"No."',
        hits=[Hit(GIFTS, 1.0, 0.9)],
    )


class Hints:
    """Slack languages by user."""

    def __init__(self, **languages: str) -> None:
        self.languages = languages

    def language(self, user_id: str) -> str:
        return self.languages.get(user_id, "")

    def cached(self, user_id: str) -> str:
        return self.language(user_id)


def talking_advisor(tmp_path: Path, engine: FakeEngine, **hints: str) -> Advisor:
    advisor = advisor_over(engine, tmp_path, per_minute="100")
    advisor.languages = Hints(**hints)
    return advisor


def test_a_follow_up_is_asked_with_the_question_before_it_for_that_person_only(
    tmp_path: Path,
) -> None:
    engine = FakeEngine(conversational)
    advisor = talking_advisor(tmp_path, engine, U1="es")
    advisor.ask("U1", "D1", "dm", "she offered me her watch")
    advisor.ask("U1", "D1", "dm", "what if she insists?")
    advisor.ask("U2", "D2", "dm", "what if she insists?")  # nobody told U2 about a watch
    advisor.ask("U1", "D1", "dm", "what if she insists?", thread="1700000000.000100")
    advisor.ask("U1", "C1", "command", "what if she insists?")
    assert engine.asked == [
        ("she offered me her watch", "", "es"),
        ("what if she insists?", "she offered me her watch", "es"),
        ("what if she insists?", "", ""),
        ("what if she insists?", "", "es"),
        ("what if she insists?", "", "es"),
    ]


def test_the_context_lasts_ten_minutes(tmp_path: Path) -> None:
    engine = FakeEngine(conversational)
    advisor = talking_advisor(tmp_path, engine)
    now = [0.0]
    advisor.conversations = Conversations(clock=lambda: now[0])
    advisor.ask("U1", "D1", "dm", "she offered me her watch")
    now[0] = 601
    advisor.ask("U1", "D1", "dm", "what if she insists?")
    assert engine.asked[-1][1] == ""


def test_what_do_i_say_after_thanks_still_gets_the_earlier_answers_script(tmp_path: Path) -> None:
    advisor = talking_advisor(tmp_path, FakeEngine(conversational))
    advisor.ask("U1", "D1", "dm", "she offered me her watch")
    thanks = advisor.ask("U1", "D1", "dm", "thanks")
    assert isinstance(thanks, Answered) and thanks.reply.headline == "Reply."
    words = advisor.ask("U1", "D1", "dm", "what do i say")
    assert isinstance(words, Answered)
    assert words.reply.script == '"No."' and words.reply.citation == "Gifts > Accepting gifts"
    alone = advisor.ask("U2", "D2", "dm", "what do i say")
    assert isinstance(alone, Answered) and alone.reply.script == ""
    assert alone.reply.headline == "Reply."


def test_help_in_words_gets_the_usage_in_the_asked_language(tmp_path: Path) -> None:
    advisor = talking_advisor(tmp_path, FakeEngine(conversational), U1="es")
    assert advisor.ask("U1", "D1", "dm", "what can you do") == Usage("es")
    assert advisor.ask("U1", "D1", "dm", "ayuda") == Usage("es")
    assert advisor.ask("U2", "D1", "dm", "ayuda") == Usage("es")  # the word's own language
    assert advisor.ask("U1", "D1", "dm", "help") == Usage("en")
    assert advisor.ask("U1", "D1", "dm", "?") == Usage("es")  # no words: the Slack language


def test_a_photo_is_answered_from_its_text_and_without_text_asks_for_words(
    tmp_path: Path,
) -> None:
    engine = FakeEngine(conversational)
    advisor = talking_advisor(tmp_path, engine, U1="es")
    assert advisor.ask("U1", "D1", "dm", "  ", attachment=True) == NeedsWords("es")
    assert engine.asked == []
    outcome = advisor.ask("U1", "D1", "dm", "is this ok to take?", attachment=True)
    assert isinstance(outcome, Answered) and outcome.reply.headline == "Decline it."


def test_notices_without_an_answer_use_the_askers_slack_language(tmp_path: Path) -> None:
    advisor = talking_advisor(tmp_path, FakeEngine(conversational), U1="es")
    advisor.limiter = RateLimiter(1)
    assert isinstance(advisor.ask("U1", "D1", "dm", "q1"), Answered)
    assert advisor.ask("U1", "D1", "dm", "q2") == RateLimited("es")
    advisor.limiter = RateLimiter(10)
    assert advisor.ask("U1", "D1", "dm", "x" * 2001) == Refused(2001, "es")


def test_show_the_guidance_finds_the_sections_behind_the_askers_own_answer(
    tmp_path: Path,
) -> None:
    engine = FakeEngine(conversational, sections=[GIFTS])
    advisor = talking_advisor(tmp_path, engine)
    outcome = advisor.ask("U1", "D1", "dm", "she offered me her watch")
    assert isinstance(outcome, Answered)
    assert advisor.behind(outcome.question_id, "U1") == Behind("en", False, (GIFTS,))
    assert advisor.behind(outcome.question_id, "U2") is None  # not theirs
    engine.sections = []  # the section was deleted from the knowledge since
    assert advisor.behind(outcome.question_id, "U1") == Behind("en", False, ())
