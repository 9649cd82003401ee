"""`boundary-bot report --html FILE`: one self-contained page (no script, no fetched asset),
every chart an SVG a parser accepts, every text from the records escaped; and the command's
own errors in one line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from bot.admin.charts import scale
from bot.admin.dashboard import build_dashboard
from bot.admin.html_report import render_html
from bot.asking.store import QuestionStore
from bot.cli import main
from bot.escalation.store import EscalationStore
from bot.guidance.gaps import Gaps
from bot.guidance.store import GuidanceStore
from bot.storage import Database
from tests.bot.admin.conftest import NOW, Records
from tests.fakes import FakeEngine

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def page(records: Records) -> str:
    gaps = Gaps(GuidanceStore(records.database), FakeEngine(), clock=lambda: NOW)
    return render_html(build_dashboard(records.questions, records.escalations, gaps, now=NOW))


def test_the_page_is_self_contained_and_its_charts_parse(records: Records) -> None:
    html = page(records)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    for outside in ("<script", "<link", "<img", "url(", "@import", "src="):
        assert outside not in html
    assert re.findall(r"https?://[^\"']+", html) == ["http://www.w3.org/2000/svg"] * html.count(
        "<svg"
    )  # the SVG namespace is a name, never fetched
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 7  # weeks, share, topics, gaps, kinds, waits, feedback
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title").text
    for words in (
        "Questions per week",
        "Top topics",
        "Gaps in the guidance",
        "Escalations",
        "Time to claim",
        "Feedback",
        "Gifts &gt; Cash tips",
        "50%",
    ):
        assert words in html


def test_text_from_the_records_is_escaped(records: Records) -> None:
    records.ask(HOSTILE, NOW - 3600, confident=False, topic="")
    records.ask("tip", NOW - 3600, topic=HOSTILE)
    html = page(records)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_database_gets_a_page_that_says_so(tmp_path: Path) -> None:
    database = Database(tmp_path)
    records = Records(database, *(cls(database) for cls in (QuestionStore, EscalationStore)))
    html = page(records)
    assert "No questions in this period yet." in html and "No escalations" in html
    assert "no votes yet" in html


@pytest.mark.parametrize(
    ("top", "axis"), [(0, (1, 1)), (1, (1, 1)), (3, (3, 1)), (37, (40, 10)), (161, (200, 50))]
)
def test_axes_end_on_round_numbers(top: int, axis: tuple[int, int]) -> None:
    assert scale(top) == axis


def test_a_file_that_cannot_be_written_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOUNDARY_DATA_DIR", str(tmp_path / "data"))
    assert main(["report", "--html", str(tmp_path / "nowhere" / "report.html")]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("boundary-bot: error: cannot write") and "nowhere" in line
    assert not (tmp_path / "data").exists()
    with pytest.raises(SystemExit):
        main(["report", "--html", "x.html", "--json"])
