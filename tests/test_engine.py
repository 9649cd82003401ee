"""The engine end to end on tests/corpus: real model, real FAISS file, real SQLite file, and
the models learned from the corpus's labelled examples."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index import Engine, Hit, QuestionError
from index import engine as engine_module
from index.build import LEARNED_PREFIX
from index.engine import FRESHNESS_INTERVAL, MAX_QUESTION_CHARS, Answer
from index.store import DB_NAME, keyword_query
from tests import factories

WATCH = "she offered me her late husbands watch, can I take it?"


def test_first_use_builds_index_files(engine: Engine) -> None:
    data = engine.store.path.parent
    assert (data / DB_NAME).is_file()
    assert len(list(data.glob("entries-*.faiss"))) == 1
    assert len(list(data.glob(f"{LEARNED_PREFIX}*.pkl"))) == 1
    with sqlite3.connect(data / DB_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM sections").fetchone()[0] == 13
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        assert entries == conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_headline_is_the_best_sections_curated_answer(engine: Engine) -> None:
    answer = engine.ask(WATCH)
    assert answer.confident and not answer.urgent and answer.scope == "guidance"
    top = answer.hits[0].section
    assert top.citation == "Gifts and tips > Accepting gifts"
    assert top.source == "Test guidance on gifts"
    assert answer.takeaway == top.answers["en"]
    assert answer.script == "\"That's so kind, but I can't accept something this valuable.\""


def test_a_spanish_question_gets_the_spanish_answer_of_the_same_section(engine: Engine) -> None:
    answer = engine.ask("la señora me quiere regalar su anillo de su mama")
    assert answer.language == "es"
    assert answer.hits[0].section.citation == "Gifts and tips > Accepting gifts"
    assert answer.takeaway.startswith("Una tarjeta o chocolates")
    assert answer.script == '"Qué amable, pero no puedo aceptar algo tan valioso."'
    assert answer.hits[0].section.cited("es") == "Regalos y propinas > Aceptar regalos"


def test_a_section_without_a_spanish_script_falls_back_to_english(engine: Engine) -> None:
    answer = engine.ask("el cliente me ofrecio arreglarme el carro gratis")
    assert answer.hits[0].section.section == "Favors from clients"
    assert answer.takeaway.startswith("Di que no")
    assert answer.script == "\"That's kind of you, but I can't accept that.\""


def test_to_dict_keeps_the_documented_keys_and_adds_new_ones(engine: Engine) -> None:
    data = engine.ask("can I accept a tip from a client?", top=2).to_dict()
    assert list(data)[:5] == ["question", "confident", "urgent", "takeaway", "passages"]
    assert {"emergency", "script", "section", "language", "scope", "unsure"} <= set(data)
    assert data["emergency"] is None and data["section"] == "Gifts and tips > Cash tips"
    assert set(data["passages"][0]) == {"doc", "section", "text", "score", "source"}


def test_an_urgent_answer_not_sure_of_itself_also_names_the_boundary_section(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below SURE_AT (or of unclear kind) the best boundary section rides along as the aside,
    so a false alarm still gets its advice; a sure emergency of a named kind has none."""
    question = "he says he will hurt me if i leave"
    monkeypatch.setattr(engine_module, "SURE_AT", 1.01)
    answer = engine.ask(question, top=10)
    assert answer.urgent and answer.emergency is not None
    boundary = [h.section for h in answer.hits if h.section.emergency is None]
    assert boundary and answer.aside == boundary[0]
    assert answer.to_dict()["aside"] == {
        "section": boundary[0].citation,
        "answer": boundary[0].answer("en"),
    }
    monkeypatch.setattr(engine_module, "SURE_AT", 0.0)
    sure = engine.ask(question, top=10)
    assert sure.urgent and sure.emergency.emergency == "threat-violence" and sure.aside is None
    assert engine.ask("can I accept a tip from a client?").aside is None


def test_the_aside_follows_steps_that_may_be_a_false_alarm() -> None:
    """Not sure, unclear kind, or a boundary section ranked first: the best boundary section
    with a curated answer; a sure emergency that its own section leads: none."""
    threat = factories.section(doc="E", section="Threat", text="", emergency="threat-violence")
    general = factories.section(doc="E", section="Danger", text="", emergency="general")
    bare = factories.section(doc="G", section="No answer", text="t")
    comments = factories.section(doc="G", section="Comments", text="t", answer="Say stop.")
    ranked = [Hit(threat, 1.0, 0.5), Hit(bare, 0.9, 0.4), Hit(comments, 0.8, 0.4)]
    assert engine_module.boundary_aside(ranked, 0.9, threat, "en") is None
    assert engine_module.boundary_aside(ranked, 0.4, threat, "en") == comments
    assert engine_module.boundary_aside(ranked, 0.9, general, "en") == comments
    boundary_first = [ranked[2], ranked[0]]
    assert engine_module.boundary_aside(boundary_first, 0.9, threat, "en") == comments
    assert engine_module.boundary_aside([ranked[0]], 0.4, threat, "en") is None


@pytest.mark.parametrize(
    ("question", "kind", "title", "first_step"),
    [
        (
            "it smells like rotten eggs in the hallway",
            "gas-leak",
            "Possible gas leak",
            "Leave now and take everyone with you.",
        ),
        (
            "HUELE A GAS EN LA SALA",
            "gas-leak",
            "Posible fuga de gas",
            "Sal ya y llévate a todos.",
        ),
        (
            "he says he will hurt me if i leave",
            "threat-violence",
            "Someone is threatening you",
            "Leave now; leave your things if you need to.",
        ),
    ],
)
def test_an_emergency_names_its_kind_and_leads_with_its_steps(
    engine: Engine, question: str, kind: str, title: str, first_step: str
) -> None:
    answer = engine.ask(question)
    assert answer.urgent and answer.emergency is not None
    assert answer.emergency.emergency == kind
    assert answer.to_dict()["emergency"] == title
    assert answer.steps[0] == first_step
    assert "911" in " ".join(answer.steps) and "{" not in " ".join(answer.steps)
    assert answer.takeaway == answer.emergency.answer(answer.language)


def test_emergency_numbers_come_from_the_settings(corpus: Path, tmp_path: Path, embedder) -> None:
    engine = Engine(
        corpus, tmp_path / "data", embedder=embedder, numbers={"EMERGENCY_NUMBER": "999"}
    )
    answer = engine.ask("i smell gas really strong in here")
    assert "call 999 and the gas company" in " ".join(answer.steps)
    assert "911" not in answer.takeaway


@pytest.mark.parametrize(
    "question",
    [
        "the gas company fixed the leak last week, is the kitchen ok to clean now?",
        "can I accept a box of chocolates?",
        "el cliente me grito ayer, lo reporto?",
    ],
)
def test_look_alikes_are_not_emergencies(engine: Engine, question: str) -> None:
    assert not engine.ask(question).urgent


def test_the_middle_band_is_marked_unsure_but_answered(engine: Engine) -> None:
    answer = engine.ask("what should i do if i smell gas someday")
    assert not answer.urgent and answer.unsure and answer.confident
    assert answer.hits[0].section.emergency == "gas-leak"


def test_the_language_of_a_note_is_told_only_when_sure(engine: Engine) -> None:
    """A check-in's note is no question, but its language still decides the reply's."""
    assert engine.language_of("limpiando la casa de la señora lópez, salgo a las 3") == "es"
    assert engine.language_of("cleaning the kitchen at mrs lopez's, out by 3") == "en"
    assert engine.language_of("  ") == ""


@pytest.mark.parametrize(
    ("question", "intent", "language"),
    [("hello", "greeting", "en"), ("thanks!", "thanks", "en"), ("gracias", "thanks", "es")],
)
def test_greetings_and_thanks_are_conversation(
    engine: Engine, question: str, intent: str, language: str
) -> None:
    answer = engine.ask(question)
    assert answer.scope == "conversation" and answer.intent == intent
    assert not answer.confident and not answer.hits and not answer.urgent
    assert answer.takeaway == answer.route.answer(language)


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("when is payday this month", "Pay and paychecks"),
        ("mi cheque vino incompleto otra vez", "Pay and paychecks"),
        ("how do i get a red wine stain out of the rug", "Anything else"),
    ],
)
def test_out_of_scope_says_where_to_go_instead(engine: Engine, question: str, route: str) -> None:
    answer = engine.ask(question)
    assert answer.scope == "out" and not answer.confident and not answer.hits
    assert answer.route is not None and answer.route.section == route
    assert answer.takeaway == answer.route.answer(answer.language)


def test_a_follow_up_is_read_with_the_question_before_it(engine: Engine) -> None:
    alone = engine.ask("what if she insists?")
    followed = engine.ask("what if she insists?", context=WATCH)
    assert followed.hits[0].section.citation == "Gifts and tips > Accepting gifts"
    assert followed.hits[0].section != (alone.hits[0].section if alone.hits else None)
    new_topic = engine.ask("can i walk her dog too?", context=WATCH)
    assert new_topic.hits[0].section.section == "Tasks outside the service"


def test_a_follow_up_asking_what_to_say_is_conversation(engine: Engine) -> None:
    answer = engine.ask("ok but what do i say exactly", context=WATCH)
    assert answer.scope == "conversation" and answer.intent == "what-to-say"


def test_the_asker_language_decides_only_when_the_question_is_unclear(engine: Engine) -> None:
    assert engine.ask("ok", language_hint="es").language == "es"
    assert engine.ask("can I take a tip from my client?", language_hint="es").language == "en"


@pytest.mark.parametrize(
    "question", ["", "   ", "\n\t", "x" * (MAX_QUESTION_CHARS + 1)], ids=["0", "sp", "ws", "long"]
)
def test_bad_questions_are_refused(engine: Engine, question: str) -> None:
    with pytest.raises(QuestionError) as info:
        engine.ask(question)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("question", ['tip" OR "x', "NEAR(a b)", "*", "col:umn", "'; DROP"])
def test_fts_syntax_in_questions_is_inert(engine: Engine, question: str) -> None:
    assert isinstance(engine.ask(question), Answer)


def test_keyword_query_quotes_words() -> None:
    assert keyword_query('Can I take a "tip"?') == '"take" OR "tip"'
    assert keyword_query("¿Puedo aceptar la propina?") == '"puedo" OR "aceptar" OR "propina"'


def test_batched_answers_match_one_at_a_time(engine: Engine) -> None:
    """Concurrent askers share one encode and one search; each still gets the answer it
    would get alone, whichever batch it lands in."""
    questions = ["can I take a tip", "he has a knife", "fix my laptop", "hola"] * 8
    alone = {q: _gist(engine.ask(q)) for q in set(questions)}
    expected = [alone[q] for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert [_gist(a) for a in pool.map(engine.ask, questions)] == expected
    assert [_gist(a) for a in engine.ask_many(questions)] == expected


def _gist(answer: Answer) -> tuple:
    return (
        answer.urgent,
        answer.scope,
        answer.takeaway,
        tuple(h.section.citation for h in answer.hits),
        round(answer.danger, 4),
    )


def test_training_is_deterministic(corpus: Path, tmp_path: Path, embedder) -> None:
    questions = ["can I take a tip", "he has a knife", "hola", "when is payday"]
    first = Engine(corpus, tmp_path / "a", embedder=embedder).ask_many(questions)
    second = Engine(corpus, tmp_path / "b", embedder=embedder).ask_many(questions)
    assert [_gist(a) for a in first] == [_gist(a) for a in second]


def test_rebuild_reembeds_only_changed_entries(corpus: Path, tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    first = Engine(corpus, data, embedder=embedder)
    entries = first.last_build.entries
    assert first.last_build.embedded == entries

    again = Engine(corpus, data, embedder=embedder)
    assert not again.last_build.rebuilt

    gifts = corpus / "gifts.md"
    gifts.write_text(gifts.read_text().replace("box of chocolates may", "bunch of flowers may"))
    report = again.refresh()
    assert report.rebuilt and (report.entries, report.embedded) == (entries, 1)
    assert report.training is None  # the text changed, not the examples: no retraining
    assert len(list(data.glob("entries-*.faiss"))) == 1  # the old build is cleaned up
    with sqlite3.connect(data / DB_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == entries


PETS = """---
title: Pets
title_es: Mascotas
source: Test
---

## Bringing your own pets

**Answer:** Never bring your own pets, such as a dog or an iguana, to a client's home.
**Answer (es):** Nunca lleves tus mascotas a la casa de un cliente.

Leave your own animals at home.

**Questions:**
- can i bring my puppy to work with me
- is it ok to take my iguana along to a clients house
**Questions (es):**
- puedo llevar a mi perrito al trabajo
"""


def test_an_added_section_answers_at_once_and_is_learned_in_the_background(
    corpus: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(corpus, tmp_path / "data", embedder=embedder)
    question = "may I bring my pet iguana along to a client's home?"
    assert engine.ask(question).hits[0].section.doc != "Pets"
    (corpus / "pets.md").write_text(PETS, encoding="utf-8")
    monkeypatch.setattr("index.engine.FRESHNESS_INTERVAL", 0.0)
    answer = engine.ask(question)  # the classifier has not learned it yet: the search finds it
    assert answer.hits[0].section.citation == "Pets > Bringing your own pets"
    assert answer.takeaway.startswith("Never bring your own pets")
    engine.wait_for_training()
    assert "Pets > Bringing your own pets" in engine.learned_sections
    assert engine.ask(question).hits[0].section.citation == "Pets > Bringing your own pets"


@pytest.mark.parametrize(
    "broken",
    [
        b"---\ntitle: [unclosed\n---\n\n## Pets\n\nText.\n",  # a YAML slip
        "## Pets\n\nCaf\u00e9 owners' pets.\n".encode("latin-1"),  # saved in the wrong encoding
        b"---\nemergency: Gas Leak!\n---\n\n## Gas\n\nText.\n",  # not a kind id
    ],
)
def test_a_broken_edit_keeps_the_last_good_index_answering(
    corpus: Path,
    tmp_path: Path,
    embedder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    broken: bytes,
) -> None:
    engine = Engine(corpus, tmp_path / "data", embedder=embedder)
    question = "can I accept a box of chocolates?"
    before = engine.ask(question)
    monkeypatch.setattr("index.engine.FRESHNESS_INTERVAL", 0.0)
    (corpus / "pets.md").write_bytes(broken)

    answer = engine.ask(question)
    assert answer == before
    assert "pets.md" in caplog.text and "still answering from the last good index" in caplog.text
    caplog.clear()
    engine.ask(question)
    assert not caplog.text  # not retried until the files change again

    (corpus / "pets.md").write_text(PETS, encoding="utf-8")
    fixed = engine.ask("may I bring my pet iguana along to a client's home?")
    assert fixed.hits[0].section.section == "Bringing your own pets"


def test_freshness_check_is_throttled() -> None:
    assert 0 < FRESHNESS_INTERVAL <= 5


def test_another_process_rebuild_is_picked_up(
    corpus: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader looks at the store at most every FRESHNESS_INTERVAL; the writer's rebuild
    # can land within it on a fast machine, so the look is not throttled here.
    monkeypatch.setattr("index.engine.FRESHNESS_INTERVAL", 0.0)
    data = tmp_path / "data"
    reader = Engine(corpus, data, embedder=embedder)
    writer = Engine(corpus, data, embedder=embedder)
    (corpus / "gifts.md").unlink()
    writer.refresh()
    # The reader's FAISS ids now point at a rebuilt table: it must notice and reload.
    answer = reader.ask("my client offered to fix my laptop for free")
    assert answer.hits[0].section.citation == "Favors > Favors from clients"
    assert all(h.section.doc != "Gifts and tips" for h in answer.hits)


def test_model_is_loaded_once_per_engine(engine: Engine) -> None:
    started = time.perf_counter()
    engine.ask("can I take a tip")
    assert engine.embedder.model is engine.embedder.model
    assert time.perf_counter() - started < 60  # sanity only; speed lives in bench/


def test_build_on_a_terminal_shows_a_progress_bar(
    corpus: Path, tmp_path: Path, embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine(corpus, tmp_path / "data", embedder=embedder, progress=True)
    err = capsys.readouterr().err
    assert "Embedding" in err and f"{engine.last_build.entries}/{engine.last_build.entries}" in err
    Engine(corpus, tmp_path / "quiet", embedder=embedder, progress=False)
    assert capsys.readouterr().err == ""


def test_touching_a_file_without_changing_it_does_not_rebuild(
    corpus: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(corpus, tmp_path / "data", embedder=embedder)
    first = engine.last_build
    monkeypatch.setattr("index.engine.FRESHNESS_INTERVAL", 0.0)
    gifts = corpus / "gifts.md"
    gifts.write_text(gifts.read_text())  # saved again: new mtime, same content
    engine.ask("can I take a tip?")
    assert engine.last_build is first
    gifts.write_text(gifts.read_text() + "\nA small plant is fine too.\n")
    engine.ask("can I take a tip?")
    assert engine.last_build is not first and engine.last_build.embedded == 1


def test_a_plain_text_document_gives_its_best_sentence_as_the_headline(
    corpus: Path, tmp_path: Path, embedder
) -> None:
    """A company document dropped in as it is has no curated answers: the takeaway is the
    sentence of its best section that answers the question."""
    (corpus / "export.txt").write_text(
        "Working With Clients\n"
        "Keys and Codes\n"
        "Never copy a client's house key or write the door code on anything you carry. "
        "If you lose a key, tell the office straight away so the lock can be changed.\n",
        encoding="utf-8",
    )
    engine = Engine(corpus, tmp_path / "data", embedder=embedder)
    answer = engine.ask("i lost the clients house key, what do i do")
    assert answer.hits[0].section.citation == "Working With Clients > Keys and Codes"
    assert answer.takeaway == (
        "If you lose a key, tell the office straight away so the lock can be changed."
    )
