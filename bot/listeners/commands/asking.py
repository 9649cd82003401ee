"""`/boundary QUESTION` (or `/boundary help`): acknowledged at once, answered privately
through the response_url, help included, so looking up the asker's language never risks
Slack's 3 seconds."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.asking.messages import render
from bot.services import Services


def register(app: App, services: Services) -> None:
    number = services.settings.emergency_number

    @app.command("/boundary")
    def boundary(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        outcome = services.advisor.ask(
            command["user_id"], command.get("channel_id", ""), "command", command.get("text") or ""
        )
        respond(
            response_type="ephemeral", replace_original=False, **render(outcome, number).kwargs()
        )
