"""The engine end to end: real model, real FAISS file, real SQLite file."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index import Engine, QuestionError
from index.engine import FRESHNESS_INTERVAL, MAX_QUESTION_CHARS, Answer
from index.store import DB_NAME, keyword_query


def test_first_use_builds_index_files(engine: Engine) -> None:
    data = engine.store.path.parent
    assert (data / DB_NAME).is_file()
    assert len(list(data.glob("passages-*.faiss"))) == 1
    with sqlite3.connect(data / DB_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM passages").fetchone()[0] == 6
        assert conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 6
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_best_passage_and_citation(engine: Engine) -> None:
    answer = engine.ask("she offered me her late husband's watch, can I take it?")
    assert answer.confident and not answer.urgent
    top = answer.hits[0].passage
    assert top.citation == "Gifts and tips > Accepting gifts"
    assert top.source == "Test guidance on gifts"
    assert answer.hits[0].score >= answer.hits[1].score
    assert len(answer.hits) == 3


def test_takeaway_is_a_sentence_of_a_top_passage(engine: Engine) -> None:
    answer = engine.ask("my client offered to fix my laptop for free, is that ok?")
    assert answer.hits[0].passage.citation == "Favours > Favours from clients"
    assert answer.takeaway in " ".join(h.passage.text.replace("\n", " ") for h in answer.hits)
    assert "laptop" in answer.takeaway


def test_to_dict_is_the_documented_json_shape(engine: Engine) -> None:
    data = engine.ask("can I accept a gift or a tip from a client?", top=2).to_dict()
    assert list(data) == ["question", "confident", "urgent", "takeaway", "passages"]
    assert len(data["passages"]) == 2
    assert set(data["passages"][0]) == {"doc", "section", "text", "score", "source"}
    assert [p["section"] for p in data["passages"]] == ["Cash tips", "Accepting gifts"]


def test_weak_passages_are_not_shown(engine: Engine) -> None:
    answer = engine.ask("my client stopped breathing")
    first = answer.hits[0]
    assert first.passage.citation == "Safety on the job > Medical emergencies"
    assert all(h.similarity >= 0.5 * first.similarity for h in answer.hits[1:])
    assert len(answer.hits) < 3


def test_urgent_answers_put_safety_passages_first(engine: Engine) -> None:
    answer = engine.ask("he said he'd hurt me if I don't lend him money")
    assert answer.urgent
    assert answer.hits[0].passage.doc == "Safety on the job"


@pytest.mark.parametrize(
    "question",
    ["what's the wifi password at the office?", "will it rain tomorrow in Leeds?"],
)
def test_out_of_scope_is_not_confident(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.confident
    assert not answer.urgent


@pytest.mark.parametrize(
    ("question", "urgent"),
    [
        ("the client's son is shouting and threatening me, I feel unsafe", True),
        ("my client just collapsed on the kitchen floor", True),
        ("can I accept a box of chocolates from a client?", False),
        ("a client asked me to walk her dog", False),
    ],
)
def test_urgency(engine: Engine, question: str, urgent: bool) -> None:
    assert engine.ask(question).urgent is urgent


@pytest.mark.parametrize("question", ["", "   \n\t", "x" * (MAX_QUESTION_CHARS + 1)])
def test_bad_questions_are_refused(engine: Engine, question: str) -> None:
    with pytest.raises(QuestionError):
        engine.ask(question)


@pytest.mark.parametrize(
    "question",
    ['"unbalanced quote', "NEAR(gift tip)", "gift AND OR NOT", "tip*", "col:gift", "^gift -"],
)
def test_fts_syntax_in_questions_is_inert(engine: Engine, question: str) -> None:
    assert engine.ask(question).hits  # no sqlite3.OperationalError


def test_keyword_query_quotes_words() -> None:
    assert keyword_query('Can I "take" a TIP?') == '"take" OR "tip"'
    assert keyword_query("?? !!") == ""


def test_keyword_and_dense_rankings_differ_and_hybrid_fuses(engine: Engine) -> None:
    question = "lend me the car"
    dense = engine.rank(question, "dense", 3)
    keyword = engine.rank(question, "keyword", 3)
    hybrid = engine.rank(question, "hybrid", 3)
    assert keyword[0].citation == "Favours > Favours from clients"
    assert {p.id for p in hybrid} <= {p.id for p in dense + keyword} | {p.id for p in hybrid}
    assert hybrid[0].citation == "Favours > Favours from clients"


def _gist(answer: Answer) -> tuple:
    return answer.confident, answer.urgent, answer.takeaway, [h.passage.id for h in answer.hits]


def test_batched_answers_match_one_at_a_time(engine: Engine) -> None:
    """Concurrent askers share one encode and one read of the index; each still gets the
    answer it would get alone, whichever batch it lands in."""
    questions = [
        "can I take a tip",
        "client threatened me",
        "fix my laptop",
        "walk the dog",
    ] * 8
    alone = {q: _gist(engine.ask(q)) for q in set(questions)}
    expected = [alone[q] for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert [_gist(a) for a in pool.map(engine.ask, questions)] == expected
    assert [_gist(a) for a in engine.ask_many(questions)] == expected


def test_rebuild_reembeds_only_changed_passages(corpus: Path, tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    first = Engine(corpus, data, embedder=embedder)
    assert (first.last_build.passages, first.last_build.embedded) == (6, 6)

    again = Engine(corpus, data, embedder=embedder)
    assert not again.last_build.rebuilt

    gifts = corpus / "gifts.md"
    gifts.write_text(gifts.read_text().replace("box of chocolates", "bunch of flowers"))
    report = again.refresh()
    assert report.rebuilt and (report.passages, report.embedded) == (6, 1)
    assert len(list(data.glob("passages-*.faiss"))) == 1  # the old build is cleaned up
    with sqlite3.connect(data / DB_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 6  # no garbage


def test_editing_knowledge_then_asking_just_works(
    corpus: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(corpus, tmp_path / "data", embedder=embedder)
    question = "may I bring my pet iguana to a client's home?"
    assert not engine.ask(question).confident
    (corpus / "pets.md").write_text(
        "---\ntitle: Pets\nsource: Test\n---\n\n## Bringing your own pets\n\n"
        "Never bring your own pets, such as a dog or an iguana, to a client's home.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("index.engine.FRESHNESS_INTERVAL", 0.0)
    answer = engine.ask(question)
    assert answer.confident
    assert answer.hits[0].passage.citation == "Pets > Bringing your own pets"


@pytest.mark.parametrize(
    "broken",
    [
        b"---\ntitle: [unclosed\n---\n\n## Pets\n\nText.\n",  # a YAML slip
        "## Pets\n\nCaf\u00e9 owners' pets.\n".encode("latin-1"),  # saved in the wrong encoding
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

    (corpus / "pets.md").write_text(
        "## Bringing your own pets\n\nNever bring a dog or an iguana to a client's home.\n"
    )
    fixed = engine.ask("may I bring my pet iguana to a client's home?")
    assert fixed.hits[0].passage.section == "Bringing your own pets"


def test_freshness_check_is_throttled() -> None:
    assert 0 < FRESHNESS_INTERVAL <= 5


def test_another_process_rebuild_is_picked_up(corpus: Path, tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    reader = Engine(corpus, data, embedder=embedder)
    writer = Engine(corpus, data, embedder=embedder)
    (corpus / "gifts.md").unlink()
    writer.refresh()
    # The reader's FAISS ids now point at a rebuilt table: it must notice and reload.
    answer = reader.ask("client threatened me")
    assert answer.hits[0].passage.citation == "Safety on the job > Threats and violence"
    assert all(h.passage.doc != "Gifts and tips" for h in answer.hits)


def test_model_is_loaded_once_per_engine(engine: Engine) -> None:
    started = time.perf_counter()
    engine.ask("can I take a tip")
    assert engine.embedder.model is engine.embedder.model
    assert time.perf_counter() - started < 60  # sanity only; speed lives in bench/


def test_build_on_a_terminal_shows_a_progress_bar(
    corpus: Path, tmp_path: Path, embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    Engine(corpus, tmp_path / "data", embedder=embedder, progress=True)
    err = capsys.readouterr().err
    assert "Embedding" in err and "6/6" in err
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
