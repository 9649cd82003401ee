"""`boundary-bot report --html` in a real browser: headless Chromium opens the file with the
network cut off, and its screenshot shows the page with its charts in their colours.

Skipped only when no Chromium can be found (`.ci/run` installs it with apt-get when it can).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from bot.admin import html_report
from bot.cli import main
from bot.escalation.states import Kind
from bot.storage import DAY, Database
from tests.bot.admin.conftest import MINUTE, fill
from tests.bot.admin.png import read_png
from tests.conftest import write_corpus

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
WIDTH, HEIGHT = 1366, 2600  # a laptop screen's width, tall enough for the whole page
COLOURS = {
    "answered from the guidance": html_report.CONFIDENT,
    "not answered / gaps": html_report.NOT_CONFIDENT,
    "topics": html_report.TOPIC,
    **{f"escalations: {label}": colour for label, colour in html_report.KINDS.values()},
    "helpful": html_report.HELPFUL,
}
PAGE = "#f1f5f9"  # the page's background (html_report.CSS)


def find_chromium() -> str | None:
    named = os.environ.get("CHROMIUM")
    return named or next((path for name in BROWSERS if (path := shutil.which(name))), None)


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def share_of(pixels: np.ndarray, colour: str, tolerance: int = 6) -> float:
    close = np.abs(pixels.astype(int) - rgb(colour)).max(axis=2) <= tolerance
    return float(close.mean())


def test_the_report_renders_in_headless_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = find_chromium()
    if browser is None:
        pytest.skip(
            f"no Chromium found (looked for {', '.join(BROWSERS)} and $CHROMIUM); "
            "install it with: apt-get install -y chromium"
        )
    now = time.time()
    records = fill(Database(tmp_path / "data"), now)
    missed = records.ask("(a missed check-in)", now - DAY, confident=False)
    records.escalate(missed, Kind.MISSED_CHECKIN, now - DAY, 12 * MINUTE)  # every kind drawn
    monkeypatch.setenv("BOUNDARY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOUNDARY_KNOWLEDGE_DIR", str(write_corpus(tmp_path / "knowledge")))
    report = tmp_path / "report.html"
    assert main(["report", "--html", str(report)]) == 0

    shot = tmp_path / "screenshot.png"
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # tests may run as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: nothing could be fetched
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), run.stderr[-2000:]
    pixels = read_png(shot)
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    # Not blank: the page background, white cards, and plenty besides (text, charts).
    assert share_of(pixels, PAGE, 0) > 0.1 and share_of(pixels, "#ffffff", 0) > 0.2
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200
    for name, colour in COLOURS.items():  # each chart drew its bars, ring or split
        assert share_of(pixels, colour) * WIDTH * HEIGHT > 150, name
