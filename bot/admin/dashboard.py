"""What `boundary-bot report --html` shows managers, over the last few weeks: questions per
week and how many found their guidance, the topics asked about, the gaps, escalations by kind
and how long they waited for a supervisor, and the feedback. Read through the features'
stores; this module only counts."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.guidance.gaps import Gap, Gaps

WEEKS = 12
TOP = 10
# How long escalations waited for a supervisor: the bucket's upper bound in minutes, its name.
CLAIM_BUCKETS: tuple[tuple[float, str], ...] = (
    (5, "under 5 min"),
    (15, "5\u201315 min"),
    (60, "15\u201360 min"),
    (240, "1\u20134 h"),
    (float("inf"), "over 4 h"),
)


@dataclass(frozen=True)
class Week:
    start: date  # its Monday
    confident: int  # answered from the guidance
    not_confident: int  # "No guidance matched", out of scope, or the engine failed

    @property
    def asked(self) -> int:
        return self.confident + self.not_confident


@dataclass(frozen=True)
class Dashboard:
    generated: datetime
    start: date  # the first day covered
    weeks: list[Week]
    top_topics: list[tuple[str, int]]  # the section each answer led with, most asked first
    gaps: list[Gap]
    escalations: dict[Kind, int]
    open_escalations: int
    claim_waits: dict[str, int]  # CLAIM_BUCKETS name -> escalations claimed after that long
    median_minutes_to_claim: dict[Kind, float]
    median_wait: float | None  # minutes, all kinds together
    feedback: dict[Subject, tuple[int, int]]  # (helpful, not helpful)

    @property
    def questions(self) -> int:
        return sum(w.asked for w in self.weeks)

    @property
    def confident_share(self) -> float | None:
        return sum(w.confident for w in self.weeks) / self.questions if self.questions else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_dashboard(
    questions: QuestionStore,
    escalations: EscalationStore,
    gaps: Gaps,
    *,
    weeks: int = WEEKS,
    now: float | None = None,
) -> Dashboard:
    """The last `weeks` weeks (this one included, local time) up to `now`."""
    now = time.time() if now is None else now
    first = week_start(date.fromtimestamp(now)) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time()).timestamp()

    asked = questions.asked_since(since)
    by_week = {first + timedelta(weeks=n): [0, 0] for n in range(weeks)}
    for question in asked:
        counts = by_week.get(week_start(date.fromtimestamp(question.created_at)))
        if counts:  # None: asked after `now` (a clock set back)
            counts[0 if question.confident else 1] += 1
    topics = Counter(q.citations[0] for q in asked if q.confident and q.citations)

    raised = escalations.raised_since(since)
    waits: dict[Kind, list[float]] = {}
    buckets = dict.fromkeys((name for _, name in CLAIM_BUCKETS), 0)
    for escalation in raised:
        if escalation.claimed_at is not None:
            minutes = (escalation.claimed_at - escalation.created_at) / 60
            waits.setdefault(escalation.kind, []).append(minutes)
            buckets[next(name for limit, name in CLAIM_BUCKETS if minutes < limit)] += 1
    votes = questions.votes(since)
    return Dashboard(
        generated=datetime.fromtimestamp(now),
        start=first,
        weeks=[Week(start, *counts) for start, counts in by_week.items()],
        top_topics=topics.most_common(TOP),
        gaps=gaps.groups()[:TOP],
        escalations=Counter(e.kind for e in raised),
        open_escalations=sum(e.claimed_at is None and e.closed_at is None for e in raised),
        claim_waits=buckets,
        median_minutes_to_claim={k: statistics.median(v) for k, v in waits.items()},
        median_wait=statistics.median(chain(*waits.values())) if waits else None,
        feedback={s: (votes.get((s, True), 0), votes.get((s, False), 0)) for s in Subject},
    )
