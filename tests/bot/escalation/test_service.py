"""The escalation service on a real bot.db, with the shared fake supervisors: who may do what,
double clicks, and the outcomes it reports (rendered by `messages.reply`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.asking.store import QuestionStore
from bot.escalation.messages import reply
from bot.escalation.service import Escalations, Request, Result
from bot.escalation.states import Kind, State
from bot.escalation.store import Escalation, EscalationStore
from bot.storage import Database
from tests.bot_harness import ASKER, OUTSIDER, SUPERVISOR, escalate
from tests.fakes import FakeLocales, FakeSupervisors


class Recorder:
    """Counts wake-ups of the delivery worker and the escalations shown as changed."""

    def __init__(self) -> None:
        self.wakes = 0
        self.changed: list[Escalation] = []

    def wake(self) -> None:
        self.wakes += 1


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def service(tmp_path: Path, recorder: Recorder) -> Escalations:
    database = Database(tmp_path)
    return Escalations(
        EscalationStore(database),
        QuestionStore(database),
        FakeSupervisors([SUPERVISOR]),
        recorder.wake,
        recorder.changed.append,
    )


def raise_one(service: Escalations, kind: Kind = Kind.QUESTION) -> Escalation:
    return escalate(service.questions, service, kind, text="Can I take a tip?")


def test_outsider_cannot_claim_or_resolve(service: Escalations, recorder: Recorder) -> None:
    escalation = raise_one(service)
    for change in (service.claim, service.resolve):
        outcome = change(escalation.id, OUTSIDER)
        assert not outcome.changed and outcome.result is Result.NOT_SUPERVISOR
        assert "Only supervisors" in reply(outcome).text
    assert service.store.get(escalation.id).state is State.OPEN
    assert recorder.wakes == 1 and recorder.changed == [escalation]  # the raise, nothing more


def test_claim_once_then_says_who_has_it(service: Escalations, recorder: Recorder) -> None:
    escalation = raise_one(service)
    claimed = service.claim(escalation.id, SUPERVISOR)
    assert claimed.changed and claimed.escalation.claimed_by == SUPERVISOR
    assert f"I'm telling <@{ASKER}>" in reply(claimed).text
    again = service.claim(escalation.id, SUPERVISOR)
    assert (again.request, again.result) == (Request.CLAIM, Result.UNCHANGED)
    assert reply(again).text == "You've already claimed this one."
    assert [e.state for e in recorder.changed] == [State.OPEN, State.CLAIMED]
    cancelled = service.cancel(escalation.id, ASKER)  # the asker, too late
    assert reply(cancelled).text == f"Already claimed by <@{SUPERVISOR}>."


def test_only_the_asker_cancels_and_only_while_open(service: Escalations) -> None:
    escalation = raise_one(service)
    refused = service.cancel(escalation.id, OUTSIDER)
    assert not refused.changed and reply(refused).text == "You can only cancel your own requests."
    assert service.cancel(escalation.id, ASKER).changed
    assert service.store.get(escalation.id).state is State.CANCELLED
    assert reply(service.cancel(escalation.id, ASKER)).text == "This request is already cancelled."
    handover = raise_one(service, Kind.HANDOVER)
    service.claim(handover.id, SUPERVISOR)
    assert not service.cancel(handover.id, ASKER).changed


def test_double_click_raises_one_escalation(service: Escalations) -> None:
    question_id = service.questions.record_question(ASKER, "D0ALICE", "dm", "Help")
    first = service.escalate(question_id, ASKER, Kind.QUESTION, "ts1")
    second = service.escalate(question_id, ASKER, Kind.QUESTION, "ts2")
    assert first.result is Result.RAISED and second.result is Result.ALREADY_RAISED
    assert second.escalation.id == first.escalation.id
    assert reply(second).text == reply(first).text  # "Done: I've asked a supervisor..."
    someone_else = service.escalate(question_id, OUTSIDER, Kind.QUESTION, "ts3")
    assert someone_else.result is Result.NOT_ASKER
    gone = service.escalate("f" * 32, ASKER, Kind.QUESTION, "ts4")
    assert reply(gone).text == "That question is no longer on record."


def test_apology_button_escalates_without_a_question_once_per_message(
    service: Escalations,
) -> None:
    first = service.escalate("", ASKER, Kind.QUESTION, "1700000000.000100")
    again = service.escalate("", ASKER, Kind.QUESTION, "1700000000.000100")
    assert first.changed and not again.changed
    assert "failed before it could answer" in first.escalation.question
    assert again.escalation == first.escalation


def test_details_only_from_the_asker_and_only_while_open(service: Escalations) -> None:
    escalation = raise_one(service)
    assert reply(service.add_details(escalation.id, OUTSIDER, "x")).text == (
        "You can only add details to your own requests."
    )
    added = service.add_details(escalation.id, ASKER, "She insisted")
    assert added.changed and added.escalation.details == ("She insisted",)
    service.resolve(escalation.id, SUPERVISOR)
    closed = service.add_details(escalation.id, ASKER, "more")
    assert (
        closed.result is Result.CLOSED and reply(closed).text == "That request is already closed."
    )


def test_a_click_on_a_purged_escalation(service: Escalations) -> None:
    outcome = service.resolve("0" * 32, SUPERVISOR)
    assert outcome.result is Result.GONE
    assert reply(outcome).text == "That escalation no longer exists."


def test_resolve_keeps_the_advice_and_says_beforehand_who_may(service: Escalations) -> None:
    escalation = raise_one(service)
    assert service.resolvable(escalation.id, SUPERVISOR) == escalation
    refused = service.resolvable(escalation.id, OUTSIDER)
    assert refused.result is Result.NOT_SUPERVISOR
    assert service.resolvable("0" * 32, SUPERVISOR).result is Result.GONE
    done = service.resolve(escalation.id, SUPERVISOR, "Decline it kindly.")
    assert done.changed and done.escalation.advice == "Decline it kindly."
    assert service.store.get(escalation.id).advice == "Decline it kindly."
    again = service.resolvable(escalation.id, SUPERVISOR)
    assert again.result is Result.UNCHANGED and reply(again).text == (
        "This request is already resolved."
    )


def test_an_escalation_speaks_its_questions_language_else_the_askers_slack_one(
    tmp_path: Path,
) -> None:
    database = Database(tmp_path)
    locales = FakeLocales({ASKER: "en", OUTSIDER: "es"})
    service = Escalations(
        EscalationStore(database),
        QuestionStore(database),
        FakeSupervisors([SUPERVISOR]),
        lambda: None,
        languages=locales,
    )
    question_id = service.questions.record_question(ASKER, "D1", "dm", "¿Puedo?", language="es")
    spanish = service.escalate(question_id, ASKER, Kind.QUESTION, question_id).escalation
    assert spanish is not None and spanish.language == "es"
    assert service.language(spanish, ASKER) == "es"  # the question's language wins
    assert service.language(spanish.id, ASKER) == "es" and locales.asked == []
    assert reply(service.cancel(spanish.id, ASKER), "es").text.startswith("Cancelada.")
    assert service.language(spanish, OUTSIDER) == "es"  # not theirs: their own language
    assert service.language(spanish, SUPERVISOR) == "en"  # unknown: English

    none = service.escalate("", OUTSIDER, Kind.QUESTION, "1700000000.1").escalation
    assert none is not None and none.language == ""  # no question: the Slack language decides
    assert service.language(none.id, OUTSIDER, cached=True) == "es"  # looked up above
    assert service.language(none.id, "U0NEW", cached=True) == "en"
    assert service.language("gone", OUTSIDER) == "es"
