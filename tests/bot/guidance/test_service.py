"""The guidance service over a real bot.db and knowledge folder: only supervisors review; a
suggestion waits until approved; approving writes one file (once, however many click), edits
rewrite it unless an admin changed it by hand, retracting removes it; guidance written for a
gap settles every question of the group."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from bot.asking.store import QuestionStore
from bot.escalation.states import Kind
from bot.guidance.draft import Draft, Field
from bot.guidance.folder import GuidanceFolder
from bot.guidance.gaps import Gaps
from bot.guidance.service import Done, Guidance, Invalid, Mode, Refused, Review
from bot.guidance.status import Status
from bot.guidance.store import GuidanceStore
from bot.storage import Database
from tests import factories
from tests.factories import escalation
from tests.fakes import FakeEngine, FakeSupervisors

SUPERVISOR, OTHER, OUTSIDER = "U0SUP", "U0SUPB", "U0BOB"
NOW = time.time()  # the service's clock: questions are recorded at the real time
REVIEWED = factories.draft(say="", text="", examples=())


class Setup:
    def __init__(self, tmp_path: Path, engine: FakeEngine | None = None) -> None:
        database = Database(tmp_path / "data")
        self.knowledge = tmp_path / "knowledge"
        self.questions = QuestionStore(database)
        self.store = GuidanceStore(database)
        self.changes = 0
        self.guidance = Guidance(
            self.store,
            GuidanceFolder(self.knowledge),
            Gaps(self.store, engine or FakeEngine(), clock=lambda: NOW),
            self.questions,
            FakeSupervisors([SUPERVISOR, OTHER]),
            self.changed,
            clock=lambda: NOW,
        )

    def changed(self) -> None:
        self.changes += 1

    def files(self) -> list[str]:
        folder = self.knowledge / "supervisors"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    def suggestion(self) -> str:
        asked = escalation(question="Mrs Whitfield wants me to pray with her", question_id="q1")
        return self.guidance.suggest(asked, "Tell Dolores no, kindly.", SUPERVISOR).id


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


def test_a_suggestion_waits_for_a_supervisor_to_approve_it(setup: Setup) -> None:
    entry_id = setup.suggestion()
    assert setup.changes == 1 and setup.files() == []  # never published straight away
    assert setup.guidance.review(Mode.APPROVE, entry_id, OUTSIDER) == Refused(
        "Only supervisors (members of the supervisor channel) can review and write guidance. "
        "Nothing was changed."
    )
    review = setup.guidance.review(Mode.APPROVE, entry_id, OTHER)
    assert review == Review(
        Mode.APPROVE,
        entry_id,
        Draft.suggested("Mrs Whitfield wants me to pray with her", "Tell Dolores no, kindly."),
    )
    assert isinstance(setup.guidance.submit(Mode.APPROVE, entry_id, OUTSIDER, REVIEWED), Refused)
    invalid = setup.guidance.submit(Mode.APPROVE, entry_id, OTHER, Draft(question=" "))
    assert isinstance(invalid, Invalid) and Field.TITLE in invalid.problems
    assert setup.files() == []

    done = setup.guidance.submit(Mode.APPROVE, entry_id, OTHER, REVIEWED)
    assert isinstance(done, Done) and done.entry.status is Status.APPROVED
    assert setup.files() == ["a-client-asks-you-to-pray-with-them.md"]
    written = (setup.knowledge / done.entry.path).read_text(encoding="utf-8")
    assert f"approved {date.fromtimestamp(NOW).isoformat()}" in written
    assert "Whitfield" not in written
    again = setup.guidance.submit(Mode.APPROVE, entry_id, SUPERVISOR, REVIEWED)
    assert again == Refused("That guidance was already approved.")
    assert len(setup.files()) == 1 and setup.changes == 2


def test_racing_approvals_write_one_file(setup: Setup) -> None:
    entry_id = setup.suggestion()
    outcomes: list[object] = []
    threads = [
        threading.Thread(
            target=lambda user=user: outcomes.append(
                setup.guidance.submit(Mode.APPROVE, entry_id, user, REVIEWED)
            )
        )
        for user in (SUPERVISOR, OTHER) * 3
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, Done) for o in outcomes) == 1
    assert len(setup.files()) == 1


def test_edits_discards_and_retractions(setup: Setup) -> None:
    pending = setup.suggestion()
    edited = Draft(**{**REVIEWED.__dict__, "title": "Praying"})
    saved = setup.guidance.submit(Mode.SAVE, pending, SUPERVISOR, edited)
    assert isinstance(saved, Done) and saved.entry.status is Status.PENDING
    assert setup.guidance.review(Mode.APPROVE, pending, OTHER).draft == edited.cleaned()
    assert setup.files() == []
    assert isinstance(setup.guidance.discard(pending, OTHER), Done)
    assert setup.guidance.discard(pending, OTHER) == Refused("That guidance was already discarded.")

    entry = setup.guidance.submit(Mode.APPROVE, setup.suggestion(), SUPERVISOR, REVIEWED).entry
    path = setup.knowledge / entry.path
    assert isinstance(setup.guidance.review(Mode.EDIT, entry.id, OTHER), Review)
    rewritten = setup.guidance.submit(Mode.EDIT, entry.id, OTHER, edited)
    assert isinstance(rewritten, Done) and "## Praying\n" in path.read_text()
    assert setup.files() == ["a-client-asks-you-to-pray-with-them.md"]  # the same file

    path.write_text(path.read_text() + "An admin's note.\n")  # edited by hand
    refused = setup.guidance.submit(Mode.EDIT, entry.id, OTHER, REVIEWED)
    assert isinstance(refused, Refused) and "changed or removed by hand" in refused.reason
    assert isinstance(setup.guidance.retract(entry.id, OTHER), Refused)
    assert "An admin's note." in path.read_text()
    path.unlink()  # the admin takes it out: retracting then tidies up the record
    assert isinstance(setup.guidance.retract(entry.id, OTHER), Done)
    assert setup.store.get(entry.id).status is Status.RETRACTED


def test_retract_removes_the_file(setup: Setup) -> None:
    entry = setup.guidance.submit(Mode.APPROVE, setup.suggestion(), SUPERVISOR, REVIEWED).entry
    assert setup.guidance.retract(entry.id, OUTSIDER) == Refused(
        setup.guidance.review(Mode.EDIT, entry.id, OUTSIDER).reason
    )
    assert isinstance(setup.guidance.retract(entry.id, SUPERVISOR), Done)
    assert setup.files() == []
    assert isinstance(setup.guidance.review(Mode.EDIT, entry.id, SUPERVISOR), Refused)


def test_guidance_written_for_a_gap_settles_its_group(setup: Setup) -> None:
    ids = [
        setup.questions.record_question(f"U{n}", "D", "dm", text, confident=False)
        for n, text in enumerate(["Can I pray with her?", "can i  pray with her?", "tips?"])
    ]
    gaps = setup.guidance.overview().gaps
    assert [(g.count, g.wording) for g in gaps] == [(2, "can i  pray with her?"), (1, "tips?")]
    review = setup.guidance.review(Mode.WRITE, gaps[0].lead, SUPERVISOR)
    assert review.draft == Draft(question="can i  pray with her?")
    done = setup.guidance.submit(Mode.WRITE, gaps[0].lead, SUPERVISOR, REVIEWED)
    assert isinstance(done, Done) and set(done.entry.question_ids) == set(ids[:2])
    overview = setup.guidance.overview()
    assert [g.wording for g in overview.gaps] == ["tips?"]
    assert overview.approved == [done.entry] and overview.approved_total == 1
    assert setup.guidance.review(Mode.WRITE, "0" * 32, SUPERVISOR) == Refused(
        "That question is no longer on record."
    )


def test_an_unwritable_folder_is_a_refusal_and_gaps_that_fail_are_skipped(tmp_path: Path) -> None:
    engine = FakeEngine()
    setup = Setup(tmp_path, engine)
    setup.knowledge.mkdir()
    (setup.knowledge / "supervisors").write_text("not a folder")
    outcome = setup.guidance.submit(Mode.APPROVE, setup.suggestion(), SUPERVISOR, REVIEWED)
    assert isinstance(outcome, Refused) and "could not be written" in outcome.reason
    assert setup.store.count(Status.PENDING) == 1

    setup.questions.record_question("U1", "D", "dm", "parrot?", confident=False)
    engine.group = lambda texts: 1 / 0  # type: ignore[method-assign]
    overview = setup.guidance.overview()
    assert overview.gaps is None and overview.pending_total == 1


def test_suggestions_remember_the_question_they_answer(setup: Setup) -> None:
    raised = escalation(question="Can I pray?", question_id="q9", kind=Kind.HANDOVER)
    assert setup.guidance.suggest(raised, "No.", SUPERVISOR).question_ids == ("q9",)
    assert setup.guidance.suggest(escalation(question_id=""), "No.", SUPERVISOR).question_ids == ()
