"""The "Add details" modal: the asker adds context after escalating; it joins the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.services import Services
from bot.slack.replies import user_of

CALLBACK_ID = "escalation_details"
BLOCK_ID = "details"
ACTION_ID = "details_text"
MAX_DETAILS = 2000


def details_modal(escalation_id: str) -> dict[str, Any]:
    """The modal; `private_metadata` carries the escalation id only."""
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": escalation_id,
        "title": {"type": "plain_text", "text": "Add details"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": BLOCK_ID,
                "label": {"type": "plain_text", "text": "What should the supervisor know?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ACTION_ID,
                    "multiline": True,
                    "max_length": MAX_DETAILS,
                },
            }
        ],
    }


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = (view["state"]["values"][BLOCK_ID][ACTION_ID].get("value") or "").strip()
        if not text:
            ack(response_action="errors", errors={BLOCK_ID: "Please write something first."})
            return
        outcome = services.escalations.add_details(view["private_metadata"], user_of(body), text)
        if not outcome.changed:
            ack(response_action="errors", errors={BLOCK_ID: outcome.message.text[:150]})
            return
        ack()
