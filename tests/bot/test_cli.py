"""`boundary-bot` as a user runs it: a real subprocess, real files, exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=300,
    )


@pytest.fixture
def workdir(tmp_path: Path, corpus: Path) -> Path:
    """A working directory whose ./knowledge is the small corpus and ./var is fresh."""
    (tmp_path / "knowledge").exists() or corpus.rename(tmp_path / "knowledge")
    return tmp_path


def test_ask_json_shape_and_index_reuse(workdir: Path) -> None:
    question = "can I accept a gift or a tip from a client?"
    result = run("ask", "--json", "--top", "2", question, cwd=workdir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"] == question
    assert data["confident"] is True and data["urgent"] is False
    assert data["passages"][0]["section"] == "Cash tips"
    assert len(data["passages"]) == 2
    assert data["passages"][0]["score"] >= data["passages"][1]["score"]
    assert (workdir / "var" / "index.db").is_file()  # BOUNDARY_DATA_DIR defaults to ./var

    assert {"emergency", "script", "section", "language"} <= set(data)
    assert data["section"] == "Gifts and tips > Cash tips" and data["emergency"] is None

    result = run("index", cwd=workdir)
    assert result.returncode == 0
    assert "already up to date: 13 sections" in result.stdout and "0 embedded" in result.stdout


def test_ask_json_names_the_emergency(workdir: Path) -> None:
    result = run("ask", "--json", "he has a knife and says im not leaving", cwd=workdir)
    data = json.loads(result.stdout)
    assert data["urgent"] is True and data["emergency"] == "Someone is threatening you"
    assert data["steps"][0] == "Leave now; leave your things if you need to."


def test_ask_readable_answer_and_stdin_json_lines(workdir: Path) -> None:
    result = run("ask", "the", "client", "says", "he", "will", "hurt", "me", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Someone is threatening you")
    assert "Do this now:\n1. Leave now" in result.stdout

    questions = "can I take a tip?\n\nwill it rain tomorrow?\n" + "x" * 2001 + "\nlend me a car\n"
    result = run("ask", "--json", stdin=questions, cwd=workdir)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in lines] == [
        "can I take a tip?",
        "will it rain tomorrow?",
        "lend me a car",
    ]
    assert [a["confident"] for a in lines] == [True, False, True]
    assert result.returncode == 2  # one line was refused, and said so
    assert "line 4: the question is 2,001 characters long" in result.stderr


def test_out_of_scope_says_where_to_go_and_recommends_a_supervisor(workdir: Path) -> None:
    result = run("ask", "when do we get paid this month?", cwd=workdir)
    assert result.returncode == 0
    assert result.stdout.startswith("That's one for the office")
    assert "supervisor" in result.stdout


def test_knowledge_option_and_env_point_elsewhere(workdir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "pets.md").write_text("## Pets\n\nNever bring your own dog to a client's home.\n")
    by_option = run("ask", "--json", "--knowledge", str(other), "can I bring my dog", cwd=workdir)
    by_env = run(
        "ask",
        "--json",
        "can I bring my dog",
        cwd=workdir,
        env={"BOUNDARY_KNOWLEDGE_DIR": str(other)},
    )
    for result in (by_option, by_env):
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["passages"][0]["doc"] == "Pets"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "the question is empty"),
        (["ask", "   "], "the question is empty"),
        (["ask", "y" * 2001], "the question is 2,001 characters long; the limit is 2,000"),
        (["ask", "--knowledge", "/nonexistent/dir", "hi"], "knowledge directory not found"),
        (["ask", "--model", "/nonexistent/model", "hi"], "cannot load embedding model"),
        (["eval", "/nonexistent/devset.jsonl"], "question set not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(workdir: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=workdir)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_non_utf8_knowledge_file_is_named(workdir: Path) -> None:
    (workdir / "knowledge" / "old-export.txt").write_bytes(b"Gifts\n\xff\xfe caf\xe9\n")
    result = run("index", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "old-export.txt: not UTF-8 text (byte 6); save it as UTF-8"
    )
    assert "Traceback" not in result.stderr


def test_eval_reports_the_ask_path_and_what_changed_since_the_last_run(workdir: Path) -> None:
    questions = workdir / "dev.jsonl"
    cases = [
        {"question": "cash tip", "kind": "in_scope", "expected": ["Gifts and tips > Cash tips"]},
        {"question": "when is payday?", "kind": "out_of_scope"},
    ]
    questions.write_text("\n".join(json.dumps(c) for c in cases))
    emergencies = workdir / "urgent.jsonl"
    emergencies.write_text(
        "\n".join(
            json.dumps(c)
            for c in [
                {"text": "he has a knife", "urgent": True, "kind": "threat-violence"},
                {"text": "HUELE A GAS", "lang": "es", "urgent": True, "kind": "gas-leak"},
                {"text": "can i take a tip", "urgent": False, "kind": None},
            ]
        )
    )
    result = run("eval", "--modes", str(questions), str(emergencies), cwd=workdir)
    assert result.returncode == 0, result.stderr
    for mode in ("dense", "keyword", "hybrid", "classifier"):
        assert f"\n{mode} " in result.stdout
    assert "en: out-of-scope refused 100.0%, in-scope refused 0.0%" in result.stdout
    assert "en: urgent recall 100.0%, false alarms 0.0%, kind named right 100.0%" in result.stdout
    assert "es: urgent recall 100.0%" in result.stdout
    assert "threat-violence" in result.stdout and "trade-off (en)" in result.stdout
    assert "changed since the last run" not in result.stdout

    cases[0]["question"] = "can i keep a cash tip"  # a new question, and one gone
    questions.write_text("\n".join(json.dumps(c) for c in cases))
    again = run("eval", str(questions), cwd=workdir)
    assert "new question: 'can i keep a cash tip'" in again.stdout

    other = workdir / "sealed" / "dev.jsonl"  # the same file name in another folder
    other.parent.mkdir()
    other.write_text(json.dumps({"question": "may I keep flowers", "kind": "out_of_scope"}))
    both = run("eval", str(questions), str(other), cwd=workdir)
    assert f"== {other}: " in both.stdout
    assert "changed since the last run" not in both.stdout  # each against its own last run


def test_reader_closing_the_pipe_is_not_an_error(workdir: Path) -> None:
    questions = "can I take a tip?\n" * 200
    result = subprocess.run(
        f"{sys.executable} -m bot ask | head -n 1",
        shell=True,
        input=questions,
        capture_output=True,
        text=True,
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
