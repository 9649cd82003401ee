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

    result = run("index", cwd=workdir)
    assert result.returncode == 0
    assert "already up to date: 6 passages, 0 re-embedded" in result.stdout


def test_ask_readable_answer_and_stdin_json_lines(workdir: Path) -> None:
    result = run("ask", "my", "client", "threatened", "me", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("This sounds like a safety situation.")
    assert "Do this now:" in result.stdout
    assert "[1] Safety on the job > Threats and violence" in result.stdout

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


def test_not_confident_answer_recommends_a_supervisor(workdir: Path) -> None:
    result = run("ask", "what's the wifi password at the office?", cwd=workdir)
    assert result.returncode == 0
    assert result.stdout.startswith("No guidance matched your question.")
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
        (["eval", "/nonexistent/devset.jsonl"], "dev set not found"),
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


def test_eval_reports_metrics_for_every_retriever(workdir: Path) -> None:
    devset = workdir / "dev.jsonl"
    devset.write_text(
        "\n".join(
            json.dumps(c)
            for c in [
                {
                    "question": "cash tip",
                    "kind": "in_scope",
                    "expected": ["Gifts and tips > Cash tips"],
                },
                {"question": "weather tomorrow?", "kind": "out_of_scope"},
                {
                    "question": "he is threatening me",
                    "kind": "urgent",
                    "expected": ["Safety on the job > Threats and violence"],
                },
            ]
        )
    )
    result = run("eval", str(devset), cwd=workdir)
    assert result.returncode == 0, result.stderr
    for mode in ("dense", "keyword", "hybrid"):
        assert f"\n{mode} " in result.stdout
    assert "out-of-scope rejected:   100.0%" in result.stdout
    assert "urgent detected:         100.0%" in result.stdout


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
