"""The gaps in the guidance: the last 30 days' questions that got no confident match, a
"Not helpful" click or an escalation, with paraphrases grouped (by the engine, which has the
embedding model: `bot/` never touches it), most frequent first.

Grouping encodes every question, so it runs off Slack's 3-second paths (the App Home refresh
and the report) and is kept until the set of gap questions changes; a click that needs a
group reads what was last computed (`cached`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.guidance.draft import one_line
from bot.guidance.store import GapQuestion, GuidanceStore
from bot.storage import DAY

GAP_DAYS = 30
MAX_QUESTIONS = 500  # the most recent ones: grouping them takes about a second


class Grouper(Protocol):
    """What the gaps need of the engine (`index.Engine.group`)."""

    def group(self, texts: Sequence[str]) -> list[list[int]]: ...


@dataclass(frozen=True)
class Gap:
    """Alike questions nobody's guidance settled, and how often each sign of that showed."""

    question_ids: tuple[str, ...]
    wording: str  # the group's most common wording (the most recent among equals)
    lead: str  # the id of a question worded so: what the "Write guidance" button carries
    no_match: int
    not_helpful: int
    escalated: int
    last_asked: float

    @property
    def count(self) -> int:
        return len(self.question_ids)


def gap_of(questions: Sequence[GapQuestion]) -> Gap:
    """One group's gap; `questions` newest first."""
    wordings = Counter(one_line(q.text).lower() for q in questions)
    common = wordings.most_common(1)[0][0]  # ties: the first seen, i.e. the most recent
    lead = next(q for q in questions if one_line(q.text).lower() == common)
    return Gap(
        question_ids=tuple(q.id for q in questions),
        wording=lead.text,
        lead=lead.id,
        no_match=sum(q.no_match for q in questions),
        not_helpful=sum(q.not_helpful for q in questions),
        escalated=sum(q.escalated for q in questions),
        last_asked=max(q.created_at for q in questions),
    )


class Gaps:
    def __init__(
        self,
        store: GuidanceStore,
        grouper: Grouper,
        clock: Callable[[], float] = time.time,
        days: float = GAP_DAYS,
    ) -> None:
        self.store = store
        self.grouper = grouper
        self.clock = clock
        self.days = days
        self._lock = threading.Lock()
        self._key: tuple[str, ...] = ()
        self._gaps: list[Gap] = []

    def groups(self) -> list[Gap]:
        """The gaps now, the most frequent first (grouped again only if the questions changed)."""
        questions = self.store.gap_questions(self.clock() - self.days * DAY, MAX_QUESTIONS)
        key = tuple(q.id for q in questions)
        with self._lock:
            if key != self._key:
                groups = self.grouper.group([q.text for q in questions]) if questions else []
                gaps = [gap_of([questions[i] for i in members]) for members in groups]
                self._gaps = sorted(gaps, key=lambda g: (-g.count, -g.last_asked))
                self._key = key
            return list(self._gaps)

    def cached(self, question_id: str) -> Gap | None:
        """The last computed gap holding this question, without grouping anything now."""
        with self._lock:
            return next((g for g in self._gaps if question_id in g.question_ids), None)
