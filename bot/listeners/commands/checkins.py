"""`/boundary checkin MINUTES note` and `/boundary checkin end`: matched before questions
(`bot.listeners.commands` registers this first), answered in the acknowledgement itself,
ephemerally, in the worker's language as far as it is known without asking Slack (the
note's own, else their cached Slack language, else their latest question's). The text is
never logged: it may hold the note."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.checkins.command import is_checkin, words_of
from bot.checkins.messages import reply
from bot.services import Services


def register(app: App, services: Services) -> None:
    settings = services.settings

    def checkin_text(command: dict[str, Any]) -> bool:
        return is_checkin(command.get("text") or "")

    @app.command("/boundary", matchers=[checkin_text])
    def checkin(ack: Ack, command: dict[str, Any]) -> None:
        # One quick SQLite transaction, committed before the ack: a check-in Slack saw
        # acknowledged is always on record. No Slack call for the language before the ack.
        user, text = command["user_id"], command.get("text") or ""
        language = services.checkins.language(user, cached=True, note=words_of(text))
        outcome = services.checkins.command(user, text, language)
        message = reply(
            outcome, settings.emergency_number, settings.checkin_grace_minutes, language
        )
        ack(response_type="ephemeral", **message.kwargs())
