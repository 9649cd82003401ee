"""Resolve, on the supervisor card, the reminder and the App Home queue: opens the Resolve
modal ("What did you advise?") when the clicker may resolve it, else says why not."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.escalation import actions as ids
from bot.escalation.messages import reply
from bot.escalation.resolution import resolve_modal
from bot.escalation.service import Outcome
from bot.services import Services
from bot.slack.replies import tell, user_of


def register(app: App, services: Services) -> None:
    @app.action(ids.RESOLVE)
    def resolve(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = user_of(body)
        escalation = services.escalations.resolvable(action["value"], user)
        if isinstance(escalation, Outcome):
            if (body.get("view") or {}).get("type") == "home":
                services.homes.refresh(user)  # it showed a state that has moved on
            tell(body, client, respond, reply(escalation))
            return
        client.views_open(trigger_id=body["trigger_id"], view=resolve_modal(escalation))
