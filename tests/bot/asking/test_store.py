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
    failed = questions.question(questions.record_question("U1", "D1", "dm", "Tip?"))
    assert failed and failed.confident is None and failed.citations == ()
    answered = questions.question(
        questions.record_question(
            "U1", "D1", "dm", "Gift?", confident=True, urgent=True, citations=["A > B"]
        )
    )
    assert answered and (answered.confident, answered.urgent) == (True, True)
    assert answered.citations == ("A > B",) and answered.text == "Gift?"
    unmatched = questions.record_question("U1", "D1", "dm", "Wifi?", confident=False)
    assert questions.question(unmatched).urgent is False
    assert questions.unanswered(5) == ["Wifi?"] and questions.count() == 3
    assert sorted(a.confident for a in questions.answered()) == [False, True]
