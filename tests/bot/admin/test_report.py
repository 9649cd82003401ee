"""`boundary-bot report` and `purge` over a bot.db, through the CLI's own entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.asking.feedback import Subject
from bot.asking.store import QuestionStore
from bot.cli import main
from bot.escalation.states import Kind, Move
from bot.escalation.store import EscalationStore
from bot.storage import Database
from tests.fakes import Clock


def test_report_and_purge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOUNDARY_DATA_DIR", str(tmp_path))
    database = Database(tmp_path)
    questions, escalations = QuestionStore(database), EscalationStore(database)
    for text, confident in (("tip?", True), ("parrot?", False)):
        question_id = questions.record_question(
            "U1",
            "D1",
            "dm",
            text,
            confident=confident,
            urgent=False,
            citations=["Gifts > Cash tips"] if confident else [],
        )
    questions.record_feedback(Subject.ANSWER, question_id, "U1", False)
    escalation, _ = escalations.create(
        dedupe_key="k",
        question_id=question_id,
        asker="U1",
        question="parrot?",
        kind=Kind.QUESTION,
        citations=[],
    )
    escalations.move(escalation.id, Move.RESOLVE, "S")

    assert main(["report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 2 and report["answered_confidently"] == 0.5
    assert report["top_topics"] == [["Gifts > Cash tips", 1]]
    assert report["gaps"] == ["parrot?"]
    assert report["feedback"] == {"answer not helpful": 1}
    assert report["escalations"] == {"resolved": 1}
    assert main(["report"]) == 0
    assert "Answered with confidence: 50%" in capsys.readouterr().out

    assert main(["purge", "--older-than", "0"]) == 0
    assert "1 escalations" in capsys.readouterr().out
    assert questions.count() == 0 and escalations.count_by_state() == {}
    with pytest.raises(SystemExit) as exit_info:
        main(["purge", "--older-than", "-1"])
    assert exit_info.value.code == 2


def test_report_shows_time_to_acknowledge_urgent_escalations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOUNDARY_DATA_DIR", str(tmp_path))
    clock = Clock(1_700_000_000.0)
    escalations = EscalationStore(Database(tmp_path), clock)

    def urgent(key: str, kind: Kind = Kind.URGENT) -> str:
        escalation, _ = escalations.create(
            dedupe_key=key, question_id="", asker="U1", question="help", kind=kind, citations=[]
        )
        return escalation.id

    waits = {"a": 4, "b": 12, "c": 30}  # minutes until a supervisor took each
    ids = {key: urgent(key, Kind.MISSED_CHECKIN if key == "c" else Kind.URGENT) for key in waits}
    urgent("waiting")  # nobody yet
    escalations.move(urgent("withdrawn"), Move.CANCEL, "U1")  # not counted
    escalations.create(  # an ordinary question: not counted either
        dedupe_key="q",
        question_id="",
        asker="U2",
        question="tip?",
        kind=Kind.QUESTION,
        citations=[],
    )
    start = clock.now
    for key, minutes in waits.items():
        clock.now = start + minutes * 60
        move = Move.RESOLVE if key == "b" else Move.CLAIM  # resolved unclaimed: acknowledged too
        escalations.move(ids[key], move, "S")

    assert main(["report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["urgent"] == {
        "urgent": 4,
        "unacknowledged": 1,
        "median_minutes": 12.0,
        "p90_minutes": 30.0,
        "longest_minutes": 30.0,
    }
    assert main(["report"]) == 0
    text = capsys.readouterr().out
    assert "Urgent escalations, time to acknowledge:" in text
    assert "median 12.0 min, 90th percentile 30.0 min, longest 30.0 min" in text
