"""Supervisors' guidance in `bot.db` (`guidance`), as `Entry` records: suggestions waiting for
review, and the approved pieces with the file each was written to. Also the gaps query: the
recent questions the guidance did not settle.

Moves are conditional on the status (`WHERE status = ?`), so two supervisors reviewing the
same suggestion at once cannot both approve it, nor discard what the other approved. Once a
suggestion is approved or discarded, the question and advice as typed (names and all) are
cleared: only the reviewed draft stays.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from bot.asking.feedback import Subject
from bot.guidance.draft import Draft
from bot.guidance.status import Status, status_in
from bot.storage import Database, new_id

LIVE: tuple[Status, ...] = (Status.PENDING, Status.APPROVED)  # their questions are not gaps


@dataclass(frozen=True)
class Entry:
    id: str
    status: Status
    created_at: float
    draft: Draft | None  # what the review made of it (None: a suggestion not edited yet)
    asked: str = ""  # as typed: only while pending
    advice: str = ""  # as typed: only while pending
    escalation_id: str = ""
    question_ids: tuple[str, ...] = ()
    suggested_by: str = ""
    reviewed_by: str | None = None
    reviewed_at: float | None = None
    path: str = ""  # the approved file, relative to the knowledge folder
    digest: str = ""  # sha256 of what was written there

    @property
    def current(self) -> Draft:
        """The draft to review or edit now: the saved one, else the first one suggested."""
        return self.draft or Draft.suggested(self.asked, self.advice)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Entry:
        return cls(
            id=row["id"],
            status=Status(row["status"]),
            created_at=row["created_at"],
            draft=Draft.from_json(row["draft"]),
            asked=row["asked"] or "",
            advice=row["advice"] or "",
            escalation_id=row["escalation_id"] or "",
            question_ids=tuple(json.loads(row["question_ids"] or "[]")),
            suggested_by=row["suggested_by"] or "",
            reviewed_by=row["reviewed_by"],
            reviewed_at=row["reviewed_at"],
            path=row["path"] or "",
            digest=row["digest"] or "",
        )


@dataclass(frozen=True)
class GapQuestion:
    """A recent question the guidance did not settle, and how that showed."""

    id: str
    text: str
    created_at: float
    no_match: bool  # answered without confidence ("No guidance matched")
    not_helpful: bool  # someone clicked "Not helpful" on the answer
    escalated: bool  # the asker asked for a supervisor about it


class GuidanceStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def suggest(
        self,
        *,
        escalation_id: str,
        question_ids: Sequence[str],
        asked: str,
        advice: str,
        suggested_by: str,
        now: float,
    ) -> Entry:
        """A suggestion waiting for review."""
        return self._insert(
            status=Status.PENDING,
            escalation_id=escalation_id,
            question_ids=question_ids,
            asked=asked,
            advice=advice,
            suggested_by=suggested_by,
            created_at=now,
        )

    def add_approved(
        self,
        draft: Draft,
        *,
        question_ids: Sequence[str],
        by: str,
        path: str,
        digest: str,
        now: float,
    ) -> Entry:
        """Guidance a supervisor wrote and approved in one go (from a gap)."""
        return self._insert(
            status=Status.APPROVED,
            question_ids=question_ids,
            suggested_by=by,
            created_at=now,
            draft=draft.to_json(),
            reviewed_by=by,
            reviewed_at=now,
            path=path,
            digest=digest,
        )

    def _insert(self, **values: Any) -> Entry:
        entry_id = new_id()
        values["question_ids"] = json.dumps(list(values.get("question_ids", ())))
        self.database.db["guidance"].insert({"id": entry_id, **values})
        entry = self.get(entry_id)
        assert entry is not None
        return entry

    def get(self, entry_id: str) -> Entry | None:
        rows = self.database.db.query("SELECT * FROM guidance WHERE id = ?", [entry_id])
        return next((Entry.from_row(row) for row in rows), None)

    def save_draft(self, entry_id: str, draft: Draft, expected: Status) -> bool:
        """Keep an edited draft (its status unchanged); False if it is no longer `expected`."""
        return self._update(entry_id, expected, draft=draft.to_json())

    def approve(
        self, entry_id: str, draft: Draft, *, by: str, path: str, digest: str, now: float
    ) -> bool:
        """Pending -> approved, written to `path`; False if it was not pending any more."""
        return self._update(
            entry_id,
            Status.PENDING,
            status=Status.APPROVED.value,
            draft=draft.to_json(),
            reviewed_by=by,
            reviewed_at=now,
            path=path,
            digest=digest,
            asked="",
            advice="",
        )

    def rewrite(self, entry_id: str, draft: Draft, *, by: str, digest: str, now: float) -> bool:
        """Approved guidance edited (its file rewritten); False if it is not approved now."""
        return self._update(
            entry_id,
            Status.APPROVED,
            draft=draft.to_json(),
            reviewed_by=by,
            reviewed_at=now,
            digest=digest,
        )

    def close(
        self, entry_id: str, expected: Status, status: Status, *, by: str, now: float
    ) -> bool:
        """Discard a suggestion or retract approved guidance; False if not `expected` now."""
        return self._update(
            entry_id,
            expected,
            status=status.value,
            reviewed_by=by,
            reviewed_at=now,
            asked="",
            advice="",
        )

    def _update(self, entry_id: str, expected: Status, **values: Any) -> bool:
        names = ", ".join(f"{name} = ?" for name in values)
        with self.database.transaction() as db:
            changed = db.execute(
                f"UPDATE guidance SET {names} WHERE id = ? AND status = ?",
                [*values.values(), entry_id, expected.value],
            ).rowcount
        return changed == 1

    def listed(self, status: Status, limit: int) -> list[Entry]:
        """Entries with `status`: pending ones oldest first (a queue), others newest first."""
        order = "created_at" if status is Status.PENDING else "reviewed_at DESC"
        rows = self.database.db.query(
            f"SELECT * FROM guidance WHERE status = ? ORDER BY {order} LIMIT ?",
            [status.value, limit],
        )
        return [Entry.from_row(row) for row in rows]

    def count(self, status: Status) -> int:
        return self.database.db.execute(
            "SELECT count(*) FROM guidance WHERE status = ?", [status.value]
        ).fetchone()[0]

    # --- gaps --------------------------------------------------------------------------------
    def gap_questions(self, since: float, limit: int) -> list[GapQuestion]:
        """Questions asked since `since` that got no confident match, a "Not helpful" click or
        an escalation, newest first; not urgent ones (their answer is the emergency steps),
        and not those that pending or approved guidance already answers."""
        rows = self.database.db.execute(
            "SELECT id, text, created_at, no_match, not_helpful, escalated FROM ("
            "  SELECT q.id, q.text, q.created_at, coalesce(q.confident = 0, 0) AS no_match,"
            "  EXISTS (SELECT 1 FROM feedback f WHERE f.subject = ? AND f.subject_id = q.id"
            "    AND f.helpful = 0) AS not_helpful,"
            "  EXISTS (SELECT 1 FROM escalations e WHERE e.question_id = q.id) AS escalated"
            "  FROM questions q WHERE q.created_at >= ? AND coalesce(q.urgent, 0) = 0"
            ") WHERE no_match OR not_helpful OR escalated ORDER BY created_at DESC",
            [Subject.ANSWER.value, since],
        ).fetchall()
        answered = self._answered_questions()
        gaps = [
            GapQuestion(id_, text, at, bool(no_match), bool(not_helpful), bool(escalated))
            for id_, text, at, no_match, not_helpful, escalated in rows
            if id_ not in answered
        ]
        return gaps[:limit]

    def _answered_questions(self) -> set[str]:
        condition, statuses = status_in(LIVE)
        rows = self.database.db.execute(
            f"SELECT question_ids FROM guidance WHERE {condition}", statuses
        ).fetchall()
        return set(chain.from_iterable(json.loads(ids or "[]") for (ids,) in rows))
