"""The asking feature's buttons: "I need help now" (on every reply, the help and the App Home)
and "Show the guidance" (the full text behind an answer, in a modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.asking import actions as ids
from bot.asking.messages import guidance_modal, help_sent
from bot.services import Services
from bot.slack.replies import tell, user_of


def register(app: App, services: Services) -> None:
    number = services.settings.emergency_number

    @app.action(ids.HELP_NOW)
    def help_now(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        # Committed before the ack, as every escalation is: a click Slack saw acknowledged
        # always has its urgent card (one quick SQLite transaction).
        channel = (body.get("channel") or {}).get("id", "")
        call = services.help_now.call(user_of(body), channel, action.get("value", ""))
        ack()
        tell(body, client, respond, help_sent(call, number))

    @app.action(ids.SHOW_GUIDANCE)
    def show_guidance(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        user = user_of(body)
        behind = services.advisor.behind(action.get("value", ""), user)
        view = guidance_modal(behind, services.locales.cached(user))
        client.views_open(trigger_id=body["trigger_id"], view=view)
