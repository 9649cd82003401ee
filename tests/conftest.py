"""Shared fixtures: a small knowledge corpus on disk and one engine over it per session.

The real model, real FAISS and real SQLite files are used throughout; the model loads once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS_DIR = ROOT / "tests" / "corpus"  # a small knowledge pack in the full format


def write_corpus(directory: Path, files: dict[str, str] | None = None) -> Path:
    """`files` (name -> text) written to `directory`, or a copy of tests/corpus."""
    if files is None:
        shutil.copytree(CORPUS_DIR, directory, dirs_exist_ok=True)
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "knowledge")


@pytest.fixture(scope="session")
def shared_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("shared") / "knowledge")


@pytest.fixture(scope="session")
def engine(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    """One engine over the small corpus, shared by read-only tests."""
    from index import Engine

    return Engine(shared_corpus, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def embedder():
    from index.embedding import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def pack_engine(tmp_path_factory: pytest.TempPathFactory):
    """An engine over the bundled knowledge pack (copied, so tests never touch ./var)."""
    from index import Engine

    knowledge = tmp_path_factory.mktemp("pack") / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return Engine(knowledge, tmp_path_factory.mktemp("pack-data"))


# --- the Slack side, for tests that run bot parts in this process -------------------------
@pytest.fixture
def emu():
    """The emulator with tests/bot_harness.py's workspace (modules may define their own)."""
    from tests.bot_harness import workspace

    with workspace() as emulator:
        yield emulator


@pytest.fixture
def remind_urgent_minutes() -> str:
    """ESCALATION_REMIND_URGENT_MINUTES for `parts` (a module may override this fixture)."""
    return "10"


@pytest.fixture
def parts(emu, tmp_path: Path, remind_urgent_minutes: str):
    """The escalation service, stores and delivery worker against `emu`, data under tmp_path."""
    from tests.bot_harness import delivery_parts

    return delivery_parts(emu, tmp_path, remind_urgent_minutes=remind_urgent_minutes)


@pytest.fixture(scope="module", params=["socket", "http"])
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A running `boundary-bot serve` per module, in each mode (a module may define its own)."""
    from tests.bot_harness import running_bot

    name = request.module.__name__.rsplit(".", 1)[-1]
    with running_bot(request.param, tmp_path_factory.mktemp(f"{name}-{request.param}")) as process:
        yield process


@pytest.fixture
def slack(bot):
    """Delivery to the module's own `bot` fixture (a running `boundary-bot serve`)."""
    from tests.bot_harness import Delivery

    return Delivery(bot)


@pytest.fixture
def clock():
    """The time the bot reads, moved by the test (`tests.fakes.Clock`)."""
    from tests.fakes import Clock

    return Clock()


@pytest.fixture
def services(emu, tmp_path: Path, clock):
    """The whole bot in this process with the ladder's backup set up (`LADDER_ENV`), on the
    injected `clock`, its workers' passes run by the test (`bot_harness.in_process_bot`).
    A module may define its own."""
    from tests.bot_harness import LADDER_ENV, in_process_bot, setup_backup

    setup_backup(emu)
    with in_process_bot(emu, tmp_path, clock, **LADDER_ENV) as services:
        yield services
