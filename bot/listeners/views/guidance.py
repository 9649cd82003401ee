"""The review modal: approve a suggestion, save its edits, rewrite approved guidance or write
guidance for a gap. Problems (a missing field, a personal detail left in, a file changed by
hand) are shown in the modal, beside the field concerned, and nothing is written."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.guidance import actions as ids
from bot.guidance.draft import Field
from bot.guidance.messages import read_review
from bot.guidance.service import Invalid, Refused
from bot.services import Services
from bot.slack.replies import user_of

MAX_ERROR = 150  # characters Slack shows of an input's error


def register(app: App, services: Services) -> None:
    @app.view(ids.REVIEW_CALLBACK)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = user_of(body)
        submitted = read_review(view)
        if submitted is None:
            ack(response_action="errors", errors={Field.QUESTION: "This form is out of date."})
            return
        mode, ref, draft = submitted
        outcome = services.guidance.submit(mode, ref, user, draft)
        if isinstance(outcome, Invalid):
            errors = {
                field.value: message[:MAX_ERROR] for field, message in outcome.problems.items()
            }
            ack(response_action="errors", errors=errors)
            return
        if isinstance(outcome, Refused):
            ack(response_action="errors", errors={Field.QUESTION: outcome.reason[:MAX_ERROR]})
            return
        ack()
        services.homes.refresh(user)
