"""Local Slack emulator for Boundary Bot's tests (Web API, Socket Mode, response_url, signing).

Typical fixture::

    import pytest
    from tests.slack_emulator import SlackEmulator

    @pytest.fixture
    def slack():
        with SlackEmulator() as emu:
            yield emu

or simply ``from tests.slack_emulator.fixtures import slack_emulator`` in a conftest.
"""

from . import defaults, payloads, signing
from .emulator import SlackEmulator
from .recording import ApiCall
from .response_urls import ResponseUrlPost
from .signing import post_command, post_event, post_interaction, signed_post

__all__ = [
    "ApiCall",
    "ResponseUrlPost",
    "SlackEmulator",
    "defaults",
    "payloads",
    "post_command",
    "post_event",
    "post_interaction",
    "signed_post",
    "signing",
]
