"""The "I need help now" button on real stores: which question the urgent escalation
carries, that a second click raises nothing new, that a closed one does not swallow a new
call, and the language the notice will be in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.asking.help_now import NO_QUESTION, SOURCE, HelpNow
from bot.asking.store import QuestionStore
from bot.escalation.service import Escalations
from bot.escalation.states import Kind, State
from bot.escalation.store import EscalationStore
from bot.storage import Database
from tests.fakes import NOBODY


class Spanish:
    """Everyone's Slack language is Spanish."""

    def language(self, user_id: str) -> str:
        return "es"

    def cached(self, user_id: str) -> str:
        return "es"


@pytest.fixture
def help_now(tmp_path: Path) -> HelpNow:
    database = Database(tmp_path)
    questions = QuestionStore(database)
    escalations = Escalations(EscalationStore(database), questions, NOBODY, lambda: None)
    return HelpNow(questions, escalations, Spanish())


def ask(help_now: HelpNow, user: str, text: str, language: str = "en") -> str:
    return help_now.questions.record_question(
        user,
        "D1",
        "dm",
        text,
        confident=True,
        urgent=False,
        citations=["Gifts > Tips"],
        language=language,
    )


def urgent_cards(help_now: HelpNow) -> list:
    rows = help_now.escalations.store.database.db.query("SELECT id FROM escalations")
    cards = [help_now.escalations.store.get(r["id"]) for r in rows]
    assert all(c and c.kind is Kind.URGENT for c in cards)
    return cards


def test_a_click_on_an_answer_raises_one_urgent_escalation_about_its_question(
    help_now: HelpNow,
) -> None:
    question_id = ask(help_now, "U1", "he keeps standing in the doorway")
    call = help_now.call("U1", "D1", question_id)
    assert call.raised and call.escalation_id and call.language == "en"
    [card] = urgent_cards(help_now)
    assert card.question == "he keeps standing in the doorway" and card.asker == "U1"
    assert card.citations == ("Gifts > Tips",)

    again = help_now.call("U1", "D1", question_id)
    assert not again.raised and again.escalation_id == call.escalation_id
    assert len(urgent_cards(help_now)) == 1


def test_from_the_app_home_it_carries_the_most_recent_question(help_now: HelpNow) -> None:
    ask(help_now, "U1", "first question")
    ask(help_now, "U1", "la señora no me deja salir", language="es")
    ask(help_now, "U2", "someone else's question")
    call = help_now.call("U1", "")
    assert call.raised and call.language == "es"
    assert [c.question for c in urgent_cards(help_now)] == ["la señora no me deja salir"]


def test_with_no_question_yet_the_card_says_so_and_a_second_click_adds_nothing(
    help_now: HelpNow,
) -> None:
    call = help_now.call("U1", "")
    assert call.raised and call.language == "es"  # the person's Slack language
    [card] = urgent_cards(help_now)
    assert card.question == NO_QUESTION
    question = help_now.questions.question(card.question_id)
    assert question and question.source == SOURCE
    assert not help_now.call("U1", "").raised and len(urgent_cards(help_now)) == 1


def test_someone_elses_question_is_never_attached(help_now: HelpNow) -> None:
    theirs = ask(help_now, "U2", "private words of U2")
    call = help_now.call("U1", "D1", theirs)  # a forged click
    assert call.raised
    [card] = urgent_cards(help_now)
    assert card.asker == "U1" and card.question == NO_QUESTION


def test_a_click_after_the_last_call_was_closed_is_a_new_call(help_now: HelpNow) -> None:
    question_id = ask(help_now, "U1", "he is back again")
    first = help_now.call("U1", "D1", question_id)
    assert first.escalation_id
    cancelled = help_now.escalations.cancel(first.escalation_id, "U1")
    assert cancelled.escalation and cancelled.escalation.state is State.CANCELLED

    second = help_now.call("U1", "D1", question_id)
    assert second.raised and second.escalation_id != first.escalation_id
    cards = urgent_cards(help_now)
    assert [c.question for c in cards] == ["he is back again"] * 2
    assert len({c.question_id for c in cards}) == 2
