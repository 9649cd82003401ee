"""`/boundary checkin ...` parsed: minutes from 1 to 12 hours, an optional note, `end`; anything
else is one line of usage and nothing to create."""

from __future__ import annotations

import pytest

from bot.checkins.command import MAX_NOTE, End, Invalid, Start, is_checkin, parse, start


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("checkin 90", Start(90, "")),
        ("checkin 90 Mrs Lee, 12 Oak St", Start(90, "Mrs Lee, 12 Oak St")),
        ("Check-in 1   flat 3 ", Start(1, "flat 3")),
        ("checkin 720 all day", Start(720, "all day")),
        ("checkin 30 &lt;!here&gt; &amp; co", Start(30, "<!here> & co")),  # as Slack sends it
        ("checkin end", End()),
        ("checkin STOP", End()),
    ],
)
def test_what_parses(text: str, parsed: object) -> None:
    assert is_checkin(text)
    assert parse(text) == parsed


@pytest.mark.parametrize(
    "text",
    [
        "checkin",
        "checkin abc",
        "checkin 0",
        "checkin -5",
        "checkin 721",
        "checkin 90.5",
        "checkin 1e3",
        "checkin 99999999",
        "checkin ninety minutes",
        "checkin end now",
        "checkin \u0663\u0660",  # digits of another script
    ],
)
def test_bad_input_is_one_line(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Invalid)
    assert parsed.reason and "\n" not in parsed.reason and "checkin" in parsed.reason


def test_a_note_too_long_is_refused_not_clipped() -> None:
    parsed = parse("checkin 60 " + "x" * (MAX_NOTE + 1))
    assert isinstance(parsed, Invalid) and parsed.field == "note"
    assert start("60", "x" * MAX_NOTE) == Start(60, "x" * MAX_NOTE)
    assert start(" 45 ", "") == Start(45, "")
    assert isinstance(start("0", "x"), Invalid) and start("0", "x").field == "minutes"


@pytest.mark.parametrize("text", ["", "can I check in with a client?", "checking", "check in 90"])
def test_questions_are_not_checkins(text: str) -> None:
    assert not is_checkin(text)
