"""`bot.asking.store`: questions decoded into records, and one vote per person."""

from __future__ import annotations

from pathlib import Path

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.storage import Database


def test_feedback_is_one_vote_per_person(tmp_path: Path) -> None:
    questions = QuestionStore(Database(tmp_path))
    questions.record_feedback(Subject.ANSWER, "q1", "U1", True)
    questions.record_feedback(Subject.ANSWER, "q1", "U1", False)
    questions.record_feedback(Subject.ANSWER, "q1", "U2", True)
    assert questions.votes() == {(Subject.ANSWER, False): 1, (Subject.ANSWER, True): 1}


def test_a_question_is_decoded_with_its_answer(tmp_path: Path) -> None:
    questions = QuestionStore(Database(tmp_path))
    question_id = questions.record_question("U1", "D1", "dm", "Tip?")
    unanswered = questions.question(question_id)
    assert unanswered and unanswered.confident is None and unanswered.citations == ()
    questions.record_answer(question_id, confident=False, urgent=False, citations=[])
    answered = questions.question(question_id)
    assert answered and answered.confident is False and answered.text == "Tip?"
    assert questions.unanswered(5) == ["Tip?"] and questions.count() == 1
