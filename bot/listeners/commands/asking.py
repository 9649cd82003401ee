"""`/boundary QUESTION`: acknowledged at once, answered privately through the response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.asking.advisor import is_help
from bot.asking.messages import render, usage
from bot.services import Services


def register(app: App, services: Services) -> None:
    @app.command("/boundary")
    def boundary(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        text = command.get("text") or ""
        if is_help(text):
            ack(response_type="ephemeral", **usage().kwargs())
            return
        ack()  # within Slack's 3 seconds; the answer follows through the response_url
        outcome = services.advisor.ask(
            command["user_id"], command.get("channel_id", ""), "command", text
        )
        respond(response_type="ephemeral", replace_original=False, **render(outcome).kwargs())
