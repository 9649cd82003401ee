"""Helpful / Not helpful, on answers and on resolved escalations: one vote per person."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import blocks
from bot.services import Services
from bot.slack.replies import tell, user_of

SUBJECTS = {
    blocks.HELPFUL: ("answer", True),
    blocks.NOT_HELPFUL: ("answer", False),
    blocks.RESOLUTION_HELPFUL: ("resolution", True),
    blocks.RESOLUTION_NOT_HELPFUL: ("resolution", False),
}
THANKS = blocks.notice("Thanks for the feedback: it helps us improve the guidance.")


def register(app: App, services: Services) -> None:
    @app.action(re.compile("^(" + "|".join(SUBJECTS) + ")$"))
    def feedback(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        subject, helpful = SUBJECTS[action["action_id"]]
        services.storage.record_feedback(subject, action["value"], user_of(body), helpful)
        tell(body, client, respond, THANKS)
