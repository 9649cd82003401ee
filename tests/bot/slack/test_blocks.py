"""Block Kit primitives."""

from __future__ import annotations

from bot.slack.blocks import Message, button, section, slack_date
from bot.slack.text import MAX_FALLBACK_TEXT, MAX_SECTION_TEXT


def test_slack_date_has_a_utc_fallback() -> None:
    assert slack_date(0) == "<!date^0^{date_short_pretty} at {time}|1970-01-01 00:00 UTC>"


def test_text_is_clipped_to_slacks_limits() -> None:
    assert len(section("x " * 5000)["text"]["text"]) <= MAX_SECTION_TEXT
    assert len(Message("y " * 5000).kwargs()["text"]) <= MAX_FALLBACK_TEXT
    assert "value" not in button("Talk to a supervisor", "a", "")  # Slack refuses empty values
