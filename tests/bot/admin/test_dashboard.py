"""What the managers' report counts, over records at known times (tests/bot/admin/conftest.py):
weeks, the confident share, topics, gaps, escalations and waits, feedback, inside the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.admin.dashboard import build_dashboard, week_start
from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.guidance.gaps import Gaps
from bot.guidance.store import GuidanceStore
from bot.storage import Database
from tests.bot.admin.conftest import NOW, Records
from tests.fakes import FakeEngine


def dashboard(records: Records, weeks: int = 4):
    gaps = Gaps(GuidanceStore(records.database), FakeEngine(), clock=lambda: NOW)
    return build_dashboard(records.questions, records.escalations, gaps, weeks=weeks, now=NOW)


def test_counts_over_the_weeks_asked(records: Records) -> None:
    d = dashboard(records)
    assert d.start == date(2025, 2, 17) and [w.start for w in d.weeks] == [
        date(2025, 2, 17),
        date(2025, 2, 24),
        date(2025, 3, 3),
        date(2025, 3, 10),
    ]
    assert [(w.confident, w.not_confident) for w in d.weeks] == [(0, 0), (1, 2), (0, 0), (3, 2)]
    assert d.questions == 8 and d.confident_share == 0.5
    assert d.top_topics == [("Gifts > Cash tips", 3), ("Gifts > Accepting gifts", 1)]
    assert d.escalations == {Kind.QUESTION: 1, Kind.URGENT: 1, Kind.HANDOVER: 1}
    assert d.open_escalations == 1
    assert d.claim_waits == {
        "under 5 min": 1,
        "5\u201315 min": 0,
        "15\u201360 min": 1,
        "1\u20134 h": 0,
        "over 4 h": 0,
    }
    assert d.median_minutes_to_claim == {Kind.QUESTION: 3.0, Kind.URGENT: 30.0}
    assert d.median_wait == 16.5
    assert d.feedback == {Subject.ANSWER: (2, 1), Subject.RESOLUTION: (1, 0)}
    # The gaps: the last 30 days' unsettled questions, alike ones together, most asked first.
    assert [g.count for g in d.gaps] == [2, 2, 1, 1]
    assert {(g.wording, g.count) for g in d.gaps} == {
        ("can i keep a tip", 2),  # escalated; "Not helpful"
        ("Can I use the client's bathroom?", 2),
        ("wifi password?", 1),
        ("can i pray with my client", 1),
    }


def test_one_week_and_an_empty_database(records: Records, tmp_path: Path) -> None:
    d = dashboard(records, weeks=1)
    assert [w.start for w in d.weeks] == [week_start(date(2025, 3, 14))] and d.questions == 5
    database = Database(tmp_path / "empty")
    empty = dashboard(Records(database, QuestionStore(database), EscalationStore(database)))
    assert empty.questions == 0 and empty.confident_share is None and empty.median_wait is None
    assert empty.top_topics == [] and empty.gaps == [] and empty.escalations == {}
    assert empty.feedback == {Subject.ANSWER: (0, 0), Subject.RESOLUTION: (0, 0)}
