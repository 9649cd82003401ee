"""Shared stand-ins for the bot's protocol dependencies: the search engine
(`bot.asking.advisor.Engine`, `bot.guidance.gaps.Grouper`), who supervises
(`bot.escalation.supervisors.Supervisors`), people's Slack languages (`bot.asking.locale.Languages`)
and the clock the stores and workers read.

Unit tests use these instead of each writing its own double, so every test's fake keeps the
contract the real one has (e.g. the engine refuses empty and over-long questions itself).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from index import Answer, Hit, Section, check_question
from tests import factories

THREATS = factories.section(
    doc="Emergencies",
    section="Someone is threatening you",
    text="Leave.",
    answer="Get out, then call 911.",
    emergency="threat-violence",
    steps=("Leave now.", "Call 911 from somewhere safe."),
)


def safety_answer(question: str) -> Answer:
    """A confident answer from one safety section; urgent when the question mentions a knife."""
    urgent = "knife" in question
    return factories.answer(
        question=question,
        confident=True,
        urgent=urgent,
        takeaway=THREATS.answer("en"),
        hits=[Hit(THREATS, 1.0, 0.9)],
        emergency=THREATS if urgent else None,
    )


def echo_answer(question: str) -> Answer:
    """A hostile answer: its takeaway and section repeat the question back."""
    stored = factories.section(
        doc=question,
        section=question,
        text=question * 3,
        answer=question,
        say=question,
        emergency=question if "!" in question else None,
        steps=(question,) * 2,
    )
    return factories.answer(
        question=question,
        confident=len(question) % 2 == 0,
        urgent="!" in question,
        takeaway=question,
        hits=[Hit(stored, 1, 0.9)],
        emergency=stored if "!" in question else None,
        script=question,
    )


class FakeEngine:
    """Answers like the real engine, with `answer_for` instead of a model and an index.

    Checks the question as `index.Engine.ask` does (QuestionError for empty or over-long),
    records what it was asked, and raises instead of answering while `fail` is set.
    """

    def __init__(
        self,
        answer_for: Callable[[str], Answer] = safety_answer,
        sections: Iterable[Section] = (THREATS,),
    ) -> None:
        self.answer_for = answer_for
        self.sections = list(sections)  # what "Show the guidance" can find
        self.fail = False
        self.questions: list[str] = []
        self.asked: list[tuple[str, str, str]] = []  # (question, context, language_hint)
        self._lock = threading.Lock()

    def ask(
        self, question: str, top: int = 3, *, context: str = "", language_hint: str = ""
    ) -> Answer:
        if self.fail:
            raise RuntimeError("model crashed")
        text = check_question(question)
        with self._lock:
            self.questions.append(text)
            self.asked.append((text, context, language_hint))
        return self.answer_for(text)

    def language_of(self, text: str) -> str:
        """Like `index.Engine.language_of`, with a rule for a model: Spanish when the text has
        a Spanish letter (ñ, an accented vowel, ¿ or ¡), else unsure ("")."""
        return "es" if re.search("[ñáéíóú¿¡]", text.lower()) else ""

    def group(self, texts: Sequence[str]) -> list[list[int]]:
        """Like `index.Engine.group`, but only the same wording (case and spacing aside) is
        alike: the largest group first."""
        groups: dict[str, list[int]] = {}
        for index, text in enumerate(texts):
            groups.setdefault(" ".join(text.lower().split()), []).append(index)
        return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


class FakeSupervisors:
    """The supervisor channel's members: these ids, and anyone whose id has `prefix`."""

    def __init__(self, members: Iterable[str] = (), *, prefix: str | None = None) -> None:
        self._members = frozenset(members)
        self.prefix = prefix

    def is_supervisor(self, user_id: str) -> bool:
        return user_id in self._members or bool(self.prefix and user_id.startswith(self.prefix))

    def members(self) -> frozenset[str]:
        return self._members


NOBODY = FakeSupervisors()


class FakeLocales:
    """Slack languages by user; `cached` knows only those looked up before."""

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self.asked: list[str] = []

    def language(self, user_id: str) -> str:
        self.asked.append(user_id)
        return self.known.get(user_id, "")

    def cached(self, user_id: str) -> str:
        return self.known.get(user_id, "") if user_id in self.asked else ""


class Clock:
    """The time, moved by the test: `clock()` reads it, `advance` moves it (never sleeps)."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float = 0, seconds: float = 0) -> float:
        self.now += minutes * 60 + seconds
        return self.now
