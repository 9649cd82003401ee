"""Ready-made pytest fixture; import it into a conftest to use ``slack_emulator`` in tests.

# conftest.py
from tests.slack_emulator.fixtures import slack_emulator  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .emulator import SlackEmulator


@pytest.fixture
def slack_emulator() -> Iterator[SlackEmulator]:
    """A started emulator with the default workspace (team T0001, bot U0BOT); stopped afterwards."""
    with SlackEmulator() as emu:
        yield emu
