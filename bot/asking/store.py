"""Questions, their answers and the feedback on them, in `bot.db`, as `Question` records."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.asking.feedback import Subject
from bot.storage import Database, new_id


@dataclass(frozen=True)
class Question:
    id: str
    user_id: str
    channel_id: str
    source: str  # "dm", "command", or "help" (an I need help now click with no question)
    text: str
    created_at: float
    confident: bool | None = None  # None: never answered (the engine failed)
    urgent: bool | None = None
    citations: tuple[str, ...] = ()  # the sections behind the answer, "doc > section"
    language: str = "en"  # the answer's language, for the texts that follow a click on it

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Question:
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            channel_id=row["channel_id"],
            source=row["source"],
            text=row["text"],
            created_at=row["created_at"],
            confident=None if row["confident"] is None else bool(row["confident"]),
            urgent=None if row["urgent"] is None else bool(row["urgent"]),
            citations=tuple(json.loads(row["citations"] or "[]")),
            language=row["language"] or "en",
        )


@dataclass(frozen=True)
class Answered:
    """What `report` counts of an answered question."""

    confident: bool
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Asked:
    """What `report --html` charts of a question: when, and how it was answered."""

    created_at: float
    confident: bool | None  # None: never answered (the engine failed)
    citations: tuple[str, ...]


class QuestionStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record_question(
        self,
        user_id: str,
        channel_id: str,
        source: str,
        text: str,
        *,
        confident: bool | None = None,
        urgent: bool | None = None,
        citations: Sequence[str] = (),
        language: str = "en",
    ) -> str:
        """Record a question with its answer, or without one when the engine failed on it."""
        question_id = new_id()
        answered = confident is not None
        self.database.db["questions"].insert(
            {
                "id": question_id,
                "user_id": user_id,
                "channel_id": channel_id,
                "source": source,
                "text": text,
                "confident": int(confident) if answered else None,
                "urgent": int(bool(urgent)) if answered else None,
                "citations": json.dumps(list(citations)) if answered else None,
                "language": language,
                "created_at": time.time(),
            }
        )
        return question_id

    def question(self, question_id: str) -> Question | None:
        rows = list(self.database.db.query("SELECT * FROM questions WHERE id = ?", [question_id]))
        return Question.from_row(rows[0]) if rows else None

    def latest(self, user_id: str) -> Question | None:
        """The person's most recent question (what an App Home "I need help now" is about)."""
        rows = list(
            self.database.db.query(
                "SELECT * FROM questions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1",
                [user_id],
            )
        )
        return Question.from_row(rows[0]) if rows else None

    def record_feedback(
        self, subject: Subject, subject_id: str, user_id: str, helpful: bool
    ) -> None:
        """One vote per person and subject; a second click changes the vote, never adds one."""
        self.database.db["feedback"].upsert(
            {
                "subject": subject.value,
                "subject_id": subject_id,
                "user_id": user_id,
                "helpful": int(helpful),
                "created_at": time.time(),
            },
            pk=("subject", "subject_id", "user_id"),
        )

    # --- for `boundary-bot report` --------------------------------------------------------
    def count(self) -> int:
        return self.database.db.execute("SELECT count(*) FROM questions").fetchone()[0]

    def answered(self) -> list[Answered]:
        rows = self.database.db.execute(
            "SELECT confident, citations FROM questions WHERE confident NOT NULL"
        )
        return [Answered(bool(c), tuple(json.loads(cited or "[]"))) for c, cited in rows]

    def unanswered(self, limit: int) -> list[str]:
        """Questions no guidance matched, newest first: the gaps to write guidance for."""
        rows = self.database.db.execute(
            "SELECT text FROM questions WHERE confident = 0 ORDER BY created_at DESC LIMIT ?",
            [limit],
        )
        return [r[0] for r in rows]

    def asked_since(self, since: float) -> list[Asked]:
        """Every question asked at or after `since`, oldest first (urgent ones too)."""
        rows = self.database.db.execute(
            "SELECT created_at, confident, citations FROM questions WHERE created_at >= ? "
            "ORDER BY created_at",
            [since],
        )
        return [
            Asked(at, None if confident is None else bool(confident), tuple(json.loads(c or "[]")))
            for at, confident, c in rows
        ]

    def votes(self, since: float = 0.0) -> dict[tuple[Subject, bool], int]:
        """Votes by subject and helpfulness (cast at or after `since`)."""
        rows = self.database.db.execute(
            "SELECT subject, helpful, count(*) FROM feedback WHERE created_at >= ? "
            "GROUP BY subject, helpful",
            [since],
        )
        return {(Subject(subject), bool(helpful)): n for subject, helpful, n in rows}
