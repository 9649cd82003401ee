"""Escalation buttons: raise (supervisor / handover), claim, cancel, add details (Resolve opens
its modal: `bot.listeners.actions.resolution`).

Authorization and idempotency live in `bot.escalation.service`; these listeners only translate
a click into a service call and tell the clicker what came of it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.escalation import actions as ids
from bot.escalation.messages import details_modal, reply
from bot.escalation.states import Kind
from bot.services import Services
from bot.slack.replies import tell, user_of

KINDS = {ids.ESCALATE: Kind.QUESTION, ids.HANDOVER: Kind.HANDOVER}


def _origin(body: dict[str, Any], action: dict[str, Any]) -> str:
    """What a question-less escalation (from an apology) is about: the message clicked."""
    container = body.get("container") or {}
    return container.get("message_ts") or action.get("action_ts", "")


def register(app: App, services: Services) -> None:
    escalations = services.escalations

    @app.action(ids.ESCALATE)
    @app.action(ids.HANDOVER)
    def escalate(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        # Committed before the ack: a click Slack saw acknowledged always has its escalation
        # (one quick SQLite transaction, well inside Slack's 3 seconds).
        outcome = escalations.escalate(
            action.get("value", ""),
            user_of(body),
            KINDS[action["action_id"]],
            _origin(body, action),
        )
        ack()
        user = user_of(body)
        tell(body, client, respond, reply(outcome, escalations.language(outcome.escalation, user)))

    @app.action(ids.CLAIM)
    def claim(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = user_of(body)
        outcome = escalations.claim(action["value"], user)
        if (body.get("view") or {}).get("type") == "home":
            services.homes.refresh(user)  # in the background, with the others' Homes it changed
            if outcome.changed:
                return  # the refreshed Home shows the new state
        tell(body, client, respond, reply(outcome))

    @app.action(ids.CANCEL)
    def cancel(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = user_of(body)
        outcome = escalations.cancel(action["value"], user)
        tell(body, client, respond, reply(outcome, escalations.language(action["value"], user)))

    @app.action(ids.ADD_DETAILS)
    def add_details(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        # No Slack call before views.open: its trigger expires in 3 seconds
        language = escalations.language(action["value"], user_of(body), cached=True)
        client.views_open(
            trigger_id=body["trigger_id"], view=details_modal(action["value"], language)
        )
