"""The Resolve modal: valid for Slack, the question shown inert, and its submission read back
(the advice, and whether "Suggest this as guidance" was ticked)."""

from __future__ import annotations

import json

from slack_sdk.models.views import View as SdkView

from bot.escalation import actions as ids
from bot.escalation.resolution import Resolution, read_resolution, resolve_modal
from tests.bot_harness import resolve_values
from tests.factories import escalation
from tests.slack_emulator import payloads


def test_the_modal_asks_what_was_advised_and_offers_to_suggest_it() -> None:
    modal = resolve_modal(escalation(question="Tip <!here>? " * 300))
    SdkView(**modal).validate_json()
    assert modal["private_metadata"] == "e" * 32 and modal["callback_id"] == ids.RESOLVE_CALLBACK
    text = json.dumps(modal)
    assert "What did you advise?" in text and "Suggest this as guidance" in text
    assert "&lt;!here&gt;" in text and "<!here>" not in text


def test_a_submission_reads_back() -> None:
    def read(values: dict) -> Resolution:
        view = payloads.view_submission("U0SUP", ids.RESOLVE_CALLBACK, "e" * 32, values)["view"]
        return read_resolution(view)

    assert read(resolve_values("  Say no.\n", suggest=True)) == Resolution("Say no.", True)
    assert read(resolve_values("Say no.")) == Resolution("Say no.", False)
    assert read({}) == Resolution("", False)
