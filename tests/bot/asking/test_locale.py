"""A person's Slack language, from `users.info` (with `include_locale`) on the emulator: which
languages count, the hour-long cache, and what a failure costs."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.asking.locale import SlackLocales, language_of
from tests.bot_harness import BOT_TOKEN
from tests.slack_emulator import SlackEmulator


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def locales(emu: SlackEmulator) -> tuple[SlackLocales, Clock]:
    emu.add_user("U0ROSA", "rosa", locale="es-LA")
    emu.add_user("U0ANNE", "anne", locale="en-GB")
    emu.add_user("U0LUC", "luc", locale="fr-FR")
    clock = Clock()
    return SlackLocales(WebClient(token=BOT_TOKEN, base_url=emu.api_url), clock=clock), clock


@pytest.mark.parametrize(
    ("locale", "language"),
    [("es-LA", "es"), ("es-ES", "es"), ("en-US", "en"), ("EN_gb", "en"), ("fr-FR", ""), ("", "")],
)
def test_only_the_languages_the_bot_speaks_count(locale: str, language: str) -> None:
    assert language_of(locale) == language


def test_the_locale_is_asked_for_and_kept_an_hour(locales, emu: SlackEmulator) -> None:
    languages, clock = locales
    assert [languages.language(u) for u in ("U0ROSA", "U0ANNE", "U0LUC")] == ["es", "en", ""]
    calls = emu.calls_to("users.info")
    assert len(calls) == 3 and all(c.response["user"]["locale"] for c in calls)
    assert {c.params["include_locale"] for c in calls} <= {"1", "true", True}

    clock.now += 3599
    assert languages.language("U0ROSA") == "es" and len(emu.calls_to("users.info")) == 3
    clock.now += 2
    assert languages.language("U0ROSA") == "es" and len(emu.calls_to("users.info")) == 4


def test_a_failure_means_no_hint_and_is_not_retried_for_each_question(
    locales, emu: SlackEmulator
) -> None:
    languages, _ = locales
    emu.bot_scopes.discard("users:read")
    assert languages.language("U0ROSA") == ""
    assert languages.language("U0ROSA") == ""
    assert len(emu.calls_to("users.info")) == 1
    assert languages.language("U0NOBODY") == ""  # user_not_found


def test_cached_never_asks_slack(locales, emu: SlackEmulator) -> None:
    languages, _ = locales
    assert languages.cached("U0ROSA") == ""
    languages.language("U0ROSA")
    assert languages.cached("U0ROSA") == "es"
    assert len(emu.calls_to("users.info")) == 1
