"""A bot.db with a few weeks of records at known times, for the managers' report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind, Move
from bot.escalation.store import EscalationStore
from bot.storage import DAY, Database

NOW = datetime(2025, 3, 14, 12, 0).timestamp()  # a Friday; the report's week starts Monday 10th
MINUTE = 60.0


@dataclass
class Records:
    database: Database
    questions: QuestionStore
    escalations: EscalationStore

    def at(self, table: str, record_id: str, when: float, column: str = "created_at") -> None:
        self.database.db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", [when, record_id])
        self.database.db.conn.commit()

    def ask(self, text: str, when: float, confident: bool = True, topic: str = "") -> str:
        question_id = self.questions.record_question(
            "U1",
            "D1",
            "dm",
            text,
            confident=confident,
            urgent=False,
            citations=[topic] if topic else [],
        )
        self.at("questions", question_id, when)
        return question_id

    def escalate(self, question_id: str, kind: Kind, when: float, wait: float | None) -> str:
        escalation, _ = self.escalations.create(
            dedupe_key=f"{question_id}:{kind}",
            question_id=question_id,
            asker="U1",
            question="q",
            kind=kind,
            citations=[],
        )
        self.at("escalations", escalation.id, when)
        if wait is not None:
            self.escalations.move(escalation.id, Move.CLAIM, "S1")
            self.at("escalations", escalation.id, when + wait, "claimed_at")
        return escalation.id

    def vote(
        self, subject: Subject, subject_id: str, user: str, helpful: bool, when: float
    ) -> None:
        self.questions.record_feedback(subject, subject_id, user, helpful)
        self.database.db.execute(
            "UPDATE feedback SET created_at = ? WHERE subject_id = ? AND user_id = ?",
            [when, subject_id, user],
        )
        self.database.db.conn.commit()


@pytest.fixture
def records(tmp_path: Path) -> Records:
    return fill(Database(tmp_path), NOW)


def fill(database: Database, now: float) -> Records:
    """Records as of `now`. Yesterday: 3 confident (2 cash tips, 1 gifts) and 2 not; two weeks
    ago: 1 confident and 2 not (the bathroom, twice); long ago: 1 not counted. Escalations: a
    question claimed after 3 minutes, an urgent one after 30 minutes, a handover still open,
    one long ago. Votes: 2 helpful and 1 not on answers, 1 helpful on a resolution, 1 long ago.
    """
    r = Records(database, QuestionStore(database), EscalationStore(database))
    today, earlier, old = now - 1 * DAY, now - 14 * DAY, now - 200 * DAY
    tips = [r.ask("can i keep a tip", today, topic="Gifts > Cash tips") for _ in range(2)]
    r.ask("a watch?", today, topic="Gifts > Accepting gifts")
    pray = r.ask("can i pray with my client", today, confident=False)
    r.ask("wifi password?", today, confident=False)
    r.ask("a tip?", earlier, topic="Gifts > Cash tips")
    for _ in range(2):
        r.ask("Can I use the client's bathroom?", earlier, confident=False)
    ancient = r.ask("ancient", old, confident=False)
    r.escalate(pray, Kind.QUESTION, today, 3 * MINUTE)
    r.escalate(tips[0], Kind.URGENT, today, 30 * MINUTE)
    resolved = r.escalate(tips[1], Kind.HANDOVER, today, None)
    r.escalate(ancient, Kind.QUESTION, old, MINUTE)
    r.vote(Subject.ANSWER, tips[0], "U1", True, today)
    r.vote(Subject.ANSWER, tips[1], "U2", True, today)
    r.vote(Subject.ANSWER, tips[1], "U3", False, today)
    r.vote(Subject.RESOLUTION, resolved, "U1", True, today)
    r.vote(Subject.ANSWER, ancient, "U1", False, old)
    return r
