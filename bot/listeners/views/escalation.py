"""The "Add details" modal: the asker adds context after escalating; it joins the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.escalation import actions as ids
from bot.escalation import strings
from bot.escalation.messages import reply
from bot.services import Services
from bot.slack.replies import user_of


def register(app: App, services: Services) -> None:
    @app.view(ids.DETAILS_CALLBACK)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = view["state"]["values"][ids.DETAILS_BLOCK][ids.DETAILS_INPUT].get("value") or ""
        text = text.strip()
        if not text:
            ack(
                response_action="errors",
                errors={ids.DETAILS_BLOCK: strings.DETAILS_EMPTY},
            )
            return
        outcome = services.escalations.add_details(view["private_metadata"], user_of(body), text)
        if not outcome.changed:
            ack(response_action="errors", errors={ids.DETAILS_BLOCK: reply(outcome).text[:150]})
            return
        ack()
