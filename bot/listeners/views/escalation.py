"""The "Add details" modal: the asker adds context after escalating; it joins the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.escalation import actions as ids
from bot.escalation.messages import reply
from bot.escalation.strings import strings
from bot.services import Services
from bot.slack.replies import user_of


def register(app: App, services: Services) -> None:
    @app.view(ids.DETAILS_CALLBACK)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = view["state"]["values"][ids.DETAILS_BLOCK][ids.DETAILS_INPUT].get("value") or ""
        text = text.strip()
        user = user_of(body)
        escalation_id = view["private_metadata"]
        # Before the ack: the asker's language without asking Slack
        language = services.escalations.language(escalation_id, user, cached=True)
        if not text:
            ack(
                response_action="errors",
                errors={ids.DETAILS_BLOCK: strings(language).details_empty},
            )
            return
        outcome = services.escalations.add_details(escalation_id, user, text)
        if not outcome.changed:
            error = reply(outcome, language).text[:150]
            ack(response_action="errors", errors={ids.DETAILS_BLOCK: error})
            return
        ack()
