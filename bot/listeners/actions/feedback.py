"""Helpful / Not helpful, on answers and on resolved escalations: one vote per person."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.asking import actions as asking_ids
from bot.asking.feedback import Subject
from bot.asking.messages import thanks
from bot.escalation import actions as escalation_ids
from bot.services import Services
from bot.slack.replies import tell, user_of

SUBJECTS = {
    asking_ids.HELPFUL: (Subject.ANSWER, True),
    asking_ids.NOT_HELPFUL: (Subject.ANSWER, False),
    escalation_ids.RESOLUTION_HELPFUL: (Subject.RESOLUTION, True),
    escalation_ids.RESOLUTION_NOT_HELPFUL: (Subject.RESOLUTION, False),
}


def register(app: App, services: Services) -> None:
    @app.action(re.compile("^(" + "|".join(SUBJECTS) + ")$"))
    def feedback(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        subject, helpful = SUBJECTS[action["action_id"]]
        user = user_of(body)
        services.questions.record_feedback(subject, action["value"], user, helpful)
        if subject is Subject.RESOLUTION:  # the resolved escalation's language
            language = services.escalations.language(action["value"], user, cached=True)
        else:
            question = services.questions.question(action["value"])
            language = question.language if question else services.locales.cached(user)
        tell(body, client, respond, thanks(language))
