"""The App Home's guidance buttons: Approve / Edit / Discard a suggestion, Edit / Retract
approved guidance, Write guidance for a gap. Approve, Edit and Write open the review modal;
Discard and Retract act at once (after Slack's confirm dialog).

Who may do what is `bot.guidance.service`'s to decide; refusals are told to the clicker.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.guidance import actions as ids
from bot.guidance.messages import review_modal
from bot.guidance.service import Mode, Refused
from bot.services import Services
from bot.slack.blocks import notice
from bot.slack.replies import tell, user_of
from bot.slack.text import safe

MODES = {
    ids.APPROVE: Mode.APPROVE,
    ids.EDIT: Mode.SAVE,
    ids.EDIT_APPROVED: Mode.EDIT,
    ids.WRITE: Mode.WRITE,
}


def register(app: App, services: Services) -> None:
    guidance = services.guidance

    def refused(body: dict[str, Any], client: WebClient, respond: Respond, why: Refused) -> None:
        services.homes.refresh(user_of(body))  # it showed something that has moved on
        tell(body, client, respond, notice(safe(why.reason, 500)))

    @app.action(ids.APPROVE)
    @app.action(ids.EDIT)
    @app.action(ids.EDIT_APPROVED)
    @app.action(ids.WRITE)
    def open_review(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        review = guidance.review(MODES[action["action_id"]], action["value"], user_of(body))
        if isinstance(review, Refused):
            refused(body, client, respond, review)
            return
        client.views_open(trigger_id=body["trigger_id"], view=review_modal(review))

    @app.action(ids.DISCARD)
    @app.action(ids.RETRACT)
    def close(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        change = guidance.discard if action["action_id"] == ids.DISCARD else guidance.retract
        outcome = change(action["value"], user_of(body))
        if isinstance(outcome, Refused):
            refused(body, client, respond, outcome)
