"""Guidance records in a real bot.db: moves only from the status they expect (two supervisors
at once cannot both approve), the typed question and advice cleared once reviewed, the gaps
query, and retention."""

from __future__ import annotations

import time
from pathlib import Path

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.escalation.states import Kind
from bot.escalation.store import EscalationStore
from bot.guidance.draft import Draft
from bot.guidance.status import Status
from bot.guidance.store import GuidanceStore
from bot.storage import DAY, Database, purge

DRAFT = Draft(question="the client wants me to pray with her", title="Praying", answer="Say no.")


def suggest(store: GuidanceStore, question_id: str = "q1", now: float = 1000.0):
    return store.suggest(
        escalation_id="e1",
        question_ids=[question_id],
        asked="Mrs Whitfield wants me to pray",
        advice="Tell Dolores no",
        suggested_by="S1",
        now=now,
    )


def test_a_suggestion_is_approved_once_and_forgets_what_was_typed(tmp_path: Path) -> None:
    store = GuidanceStore(Database(tmp_path))
    entry = suggest(store)
    assert entry.status is Status.PENDING and entry.draft is None
    assert entry.current == Draft.suggested("Mrs Whitfield wants me to pray", "Tell Dolores no")
    assert store.save_draft(entry.id, DRAFT, Status.PENDING)
    assert store.get(entry.id).current == DRAFT
    approve = {"by": "S2", "path": "supervisors/praying.md", "digest": "d", "now": 2000.0}
    assert store.approve(entry.id, DRAFT, **approve)
    assert not store.approve(entry.id, DRAFT, **approve)  # the second click changes nothing
    assert not store.close(entry.id, Status.PENDING, Status.DISCARDED, by="S3", now=3000.0)
    approved = store.get(entry.id)
    assert (approved.status, approved.reviewed_by, approved.path) == (
        Status.APPROVED,
        "S2",
        "supervisors/praying.md",
    )
    assert (approved.asked, approved.advice) == ("", "")
    row = Database(tmp_path).db.execute("SELECT * FROM guidance").fetchone()
    assert not any("Whitfield" in str(value) or "Dolores" in str(value) for value in row)
    assert store.listed(Status.APPROVED, 5) == [approved] and store.count(Status.PENDING) == 0


def test_gaps_are_recent_unsettled_questions_not_yet_answered(tmp_path: Path) -> None:
    database = Database(tmp_path)
    questions, store = QuestionStore(database), GuidanceStore(database)

    def ask(text: str, confident: bool = True, urgent: bool = False) -> str:
        return questions.record_question("U1", "D1", "dm", text, confident=confident, urgent=urgent)

    no_match = ask("can i pray with a client", confident=False)
    unhelpful = ask("can i smoke on my break")
    questions.record_feedback(Subject.ANSWER, unhelpful, "U1", False)
    escalated = ask("who did you vote for")
    EscalationStore(database).create(
        dedupe_key="k",
        question_id=escalated,
        asker="U1",
        question="who did you vote for",
        kind=Kind.QUESTION,
        citations=[],
    )
    helpful = ask("can i take a tip")
    questions.record_feedback(Subject.ANSWER, helpful, "U1", True)
    ask("he has a knife", confident=False, urgent=True)  # the emergency steps answer it
    old = ask("an old question", confident=False)
    database.db.execute("UPDATE questions SET created_at = 0 WHERE id = ?", [old])
    database.db.conn.commit()
    answered = ask("already answered by a suggestion", confident=False)
    suggest(store, answered)

    gaps = store.gap_questions(time.time() - 30 * DAY, 10)
    assert [(g.id, g.no_match, g.not_helpful, g.escalated) for g in gaps] == [
        (escalated, False, False, True),
        (unhelpful, False, True, False),
        (no_match, True, False, False),
    ]
    assert len(store.gap_questions(time.time() - 30 * DAY, 2)) == 2


def test_retention_keeps_suggestions_waiting_and_approved_guidance(tmp_path: Path) -> None:
    database = Database(tmp_path)
    store = GuidanceStore(database)
    waiting, approved, discarded = suggest(store), suggest(store), suggest(store)
    store.approve(approved.id, DRAFT, by="S", path="p.md", digest="d", now=1.0)
    store.close(discarded.id, Status.PENDING, Status.DISCARDED, by="S", now=1.0)
    counts = purge(database, time.time())
    assert counts["guidance suggestions"] == 1
    assert {e.id for s in Status for e in store.listed(s, 10)} == {waiting.id, approved.id}
