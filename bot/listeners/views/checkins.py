"""The "Start a check-in" modal (App Home): minutes and an optional note. Bad input is shown
in the modal, next to its field, and nothing is created."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.checkins import actions as ids
from bot.checkins.command import Invalid, start
from bot.services import Services
from bot.slack.replies import user_of

MAX_ERROR = 150


def register(app: App, services: Services) -> None:
    @app.view(ids.MODAL_CALLBACK)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        minutes = values[ids.MINUTES_BLOCK][ids.MINUTES_INPUT].get("value") or ""
        note = (values.get(ids.NOTE_BLOCK) or {}).get(ids.NOTE_INPUT, {}).get("value") or ""
        language = services.checkins.language(user_of(body), cached=True)  # before the ack
        parsed = start(minutes, note, language)
        if isinstance(parsed, Invalid):
            block = ids.NOTE_BLOCK if parsed.field == "note" else ids.MINUTES_BLOCK
            ack(response_action="errors", errors={block: parsed.reason[:MAX_ERROR]})
            return
        services.checkins.start(user_of(body), parsed)  # committed before the modal closes
        ack()
        services.homes.refresh(user_of(body))
