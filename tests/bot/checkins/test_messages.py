"""What check-ins say to the worker, in English and in Spanish: the same placeholders and
Slack's limits in both, every builder in the worker's language, the supervisors' list in
English whatever the language, and which language a worker gets."""

from __future__ import annotations

import json
from pathlib import Path

from slack_sdk.models.views import View as SdkView

from bot.asking.store import QuestionStore
from bot.asking.strings import SPANISH
from bot.checkins import actions as ids
from bot.checkins import home, messages
from bot.checkins.command import MAX_MINUTES, Invalid, parse, start
from bot.checkins.service import Outcome, Result, WorkerLanguage
from bot.checkins.states import Move, State
from bot.checkins.store import Checkin
from bot.checkins.strings import strings
from bot.storage import Database
from tests.bot.message_checks import button_list, check_limits, check_translated, texts
from tests.fakes import FakeLocales

DUE = 1_700_000_000.0


def checkin(state: State = State.ACTIVE, note: str = "Sra. García <!here>") -> Checkin:
    return Checkin("c" * 32, "U0ROSA", note, 90, state, DUE - 5400, DUE)


def labels(message: messages.Message) -> list[str]:
    return [b["text"]["text"] for b in button_list(message)]


def test_spanish_strings_match_the_english_ones() -> None:
    check_translated(strings, ("modal_title", "modal_submit", "modal_close"))


def test_are_you_ok_in_spanish() -> None:
    prompt = messages.prompt(checkin(State.DUE), 10, SPANISH)
    assert prompt.text == "¿Estás bien? Llegó la hora de tu check-in de visita."
    assert labels(prompt) == ["Estoy bien", "30 minutos más", "Necesito ayuda ya"]
    assert [b["action_id"] for b in button_list(prompt)] == [ids.OK, ids.EXTEND, ids.HELP]
    payload = texts(prompt)
    assert "Si no respondes en 10 minutos" in payload and "*Tu nota*" in payload
    assert "&lt;!here&gt;" in payload and "<!here>" not in payload
    check_limits(prompt)
    assert messages.prompt(checkin(State.DUE), 10).text.startswith("Are you OK?")


def test_the_confirmation_and_replies_in_spanish() -> None:
    started = messages.started(checkin(), True, 10, SPANISH)
    assert started.text.startswith(":stopwatch: Check-in listo. Te pregunto si estás bien ")
    assert "^{date_short_pretty} a las {time}|" in started.text  # Slack localizes the rest
    assert "Reemplaza el check-in" in started.text and labels(started) == ["Terminar check-in"]
    check_limits(started)

    def said(result: Result, move: Move | None = Move.OK) -> str:
        return messages.reply(Outcome(result, move, checkin()), "911", 10, SPANISH).text

    assert said(Result.DONE, Move.HELP).endswith("*Si estás en peligro, llama al 911 ahora.*")
    assert said(Result.DONE, Move.OK).startswith(":white_check_mark: Qué bueno que estás bien.")
    assert said(Result.DONE, Move.EXTEND).startswith(":stopwatch: Muy bien, te vuelvo a")
    assert said(Result.DONE, Move.END) == "Check-in terminado. Cuídate."
    assert said(Result.ALREADY_ALERTED).endswith("llama al 911 ahora.")
    assert said(Result.NOT_YET).startswith("Tu check-in sigue activo")
    assert said(Result.NOTHING_RUNNING) == "No tienes ningún check-in activo."
    assert said(Result.LATE_OK).startswith("Gracias. Tu check-in ya había llegado")
    english = messages.reply(Outcome(Result.DONE, Move.HELP, checkin()), "911", 10)
    assert "If you are in danger, call 911 now." in english.text


def test_bad_input_is_refused_in_the_workers_language() -> None:
    usage = parse("checkin", SPANISH)
    assert isinstance(usage, Invalid) and usage.reason.startswith("Para empezar un check-in")
    assert f"de 1 a {MAX_MINUTES} minutos" in usage.reason
    bad = start("mucho", "", SPANISH)
    assert isinstance(bad, Invalid) and bad.field == "minutes"
    assert bad.reason.startswith("Un check-in necesita un número entero de minutos")
    english = parse("checkin")
    assert isinstance(english, Invalid) and english.reason.startswith("To start a visit")


def test_the_modal_and_the_panel_in_spanish_and_the_overdue_list_in_english() -> None:
    modal = messages.start_modal(SPANISH)
    SdkView(**modal).validate_json()
    assert modal["title"]["text"] == "Check-in de visita" and modal["submit"]["text"] == "Empezar"
    assert "Pregúntame en (minutos)" in json.dumps(modal, ensure_ascii=False)

    idle = home.own_panel(None, SPANISH)
    assert idle[0]["text"]["text"] == "Check-in de visita"
    assert "¿Vas a un lugar nuevo?" in idle[1]["text"]["text"]
    assert idle[2]["elements"][0]["text"]["text"] == "Empezar un check-in"
    due = json.dumps(home.own_panel(checkin(State.DUE), SPANISH), ensure_ascii=False)
    assert "responde *¿Estás bien?*" in due and "Terminar check-in" in due
    assert "Estoy bien" in due
    overdue = json.dumps(home.overdue_panel([checkin(State.MISSED)]))
    assert "Overdue check-ins (1)" in overdue and "missed: supervisors alerted" in overdue


def test_a_workers_language_is_their_slack_one_else_their_latest_questions(
    tmp_path: Path,
) -> None:
    questions = QuestionStore(Database(tmp_path))
    locales = FakeLocales({"U0ROSA": "es", "U0ANA": "en"})
    language = WorkerLanguage(locales, questions)
    questions.record_question("U0ANA", "D1", "dm", "¿Puedo?", language="es")
    questions.record_question("U0LUIS", "D2", "dm", "¿Puedo?", language="es")
    assert language("U0ROSA", cached=True) == "en"  # not looked up yet, no question
    assert language("U0ROSA") == "es" and language("U0ROSA", cached=True) == "es"
    assert language("U0ANA") == "en"  # their Slack language, as their App Home
    assert language("U0LUIS") == "es"  # no Slack language: their latest question's
    assert language("U0NEW") == "en"
