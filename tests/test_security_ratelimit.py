"""The per-user rate limit (default 20 questions a minute), through the real Advisor and
bot.db, with the limiter's clock moved by hand instead of sleeping."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.asking.actions import HELP_NOW
from bot.asking.advisor import Advisor
from bot.asking.messages import render, usage
from bot.asking.store import QuestionStore
from bot.asking.strings import strings
from bot.config import load_settings
from bot.escalation.service import Escalations
from bot.escalation.store import EscalationStore
from bot.slack.blocks import Message, section
from bot.storage import Database
from index import Answer, Hit
from tests import factories
from tests.fakes import NOBODY, FakeEngine

RATE_LIMITED = strings("en").rate_limited


def decline(question: str) -> Answer:
    stored = factories.section(doc="Gifts", section="Tips", text="Decline.")
    return factories.answer(
        question=question,
        confident=True,
        urgent=False,
        takeaway="Decline politely.",
        hits=[Hit(stored, 1.0, 0.9)],
    )


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def parts(tmp_path: Path) -> tuple[Advisor, FakeEngine, Database, Clock]:
    settings = load_settings({"BOUNDARY_DATA_DIR": str(tmp_path)})  # the defaults
    database = Database(tmp_path)
    questions = QuestionStore(database)
    engine = FakeEngine(decline)
    escalations = Escalations(EscalationStore(database), questions, NOBODY, lambda: None)
    advisor = Advisor(engine, questions, escalations, settings)
    clock = Clock(10_000.0)
    advisor.limiter.clock = clock
    return advisor, engine, database, clock


def asked(advisor: Advisor, user_id: str, channel_id: str, source: str, text: str) -> Message:
    """The message the asker gets (the listeners render what the Advisor says)."""
    return render(advisor.ask(user_id, channel_id, source, text), "911")


def limited(message: Message) -> bool:
    return message.text == RATE_LIMITED


def test_default_is_twenty_a_minute_then_a_friendly_message(parts) -> None:
    advisor, engine, storage, clock = parts
    assert advisor.settings.rate_limit_per_minute == 20
    start = clock.now
    for i in range(20):  # spread over 38 s, by DM and by /boundary alike
        clock.now = start + 2 * i
        reply = asked(advisor, "U1", "D1", ("dm", "command")[i % 2], f"May I take tip {i}?")
        assert not limited(reply) and reply.text.startswith("Decline politely")
    clock.now = start + 59
    reply = asked(advisor, "U1", "D1", "dm", "May I take tip 21?")
    assert limited(reply)
    assert "try again in a minute" in reply.text and "urgent" in reply.text  # friendly, useful
    # Nothing but the notice and the one way to a person that never waits: I need help now.
    assert reply.blocks[0] == section(RATE_LIMITED)
    assert [e["action_id"] for e in reply.blocks[1]["elements"]] == [HELP_NOW]
    # No engine call, no question on record, no answer on record for the 21st.
    assert len(engine.questions) == 20 and "May I take tip 21?" not in engine.questions
    assert storage.db["questions"].count == 20
    assert "tip 21" not in {r["text"] for r in storage.db["questions"].rows}

    assert not limited(asked(advisor, "U2", "D2", "dm", "May I take a tip?"))  # others unaffected
    assert asked(advisor, "U1", "D1", "dm", "help").text == usage("en", "911").text  # still works


def test_the_window_slides_and_then_frees_up(parts) -> None:
    advisor, engine, _, clock = parts
    start = clock.now
    for i in range(20):
        clock.now = start + 2 * i
        assert not limited(asked(advisor, "U1", "D1", "dm", f"question {i}?"))
    clock.now = start + 60.5  # the first question (at `start`) has left the window
    assert not limited(asked(advisor, "U1", "D1", "dm", "question 20?"))
    assert limited(asked(advisor, "U1", "D1", "dm", "question 21?"))
    clock.now = start + 2 * 19 + 60.5  # every earlier question has left the window
    answered = [not limited(asked(advisor, "U1", "D1", "dm", f"later {i}?")) for i in range(21)]
    assert answered == [True] * 19 + [False, False]  # "question 20?" still counts
    assert len(engine.questions) == 20 + 1 + 19


def test_a_burst_from_many_threads_lets_exactly_twenty_through(parts) -> None:
    advisor, engine, storage, _ = parts
    barrier = threading.Barrier(40)
    results: list[bool] = []

    def ask(i: int) -> None:
        barrier.wait()
        results.append(limited(asked(advisor, "U9", "D9", "dm", f"burst question {i}?")))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(False) == 20 and results.count(True) == 20
    assert len(engine.questions) == 20 and storage.db["questions"].count == 20
