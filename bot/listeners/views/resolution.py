"""The Resolve modal: resolves the escalation with the advice given (the asker's "did it
help?" quotes it) and, when ticked, queues the advice for review as guidance."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.escalation import actions as ids
from bot.escalation.messages import reply
from bot.escalation.resolution import read_resolution
from bot.services import Services
from bot.slack.replies import user_of


def register(app: App, services: Services) -> None:
    @app.view(ids.RESOLVE_CALLBACK)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        resolution = read_resolution(view)
        if not resolution.advice:
            ack(response_action="errors", errors={ids.ADVICE_BLOCK: "Write what you advised."})
            return
        user = user_of(body)
        outcome = services.escalations.resolve(view["private_metadata"], user, resolution.advice)
        if not outcome.changed or outcome.escalation is None:
            ack(response_action="errors", errors={ids.ADVICE_BLOCK: reply(outcome).text[:150]})
            return
        if resolution.suggest:  # committed before the ack: a closed modal has its suggestion
            services.guidance.suggest(outcome.escalation, resolution.advice, user)
        ack()
        services.homes.refresh(user)
