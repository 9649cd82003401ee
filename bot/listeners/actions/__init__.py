"""Button listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions import asking, checkins, escalation, feedback, guidance, resolution
from bot.services import Services


def register(app: App, services: Services) -> None:
    asking.register(app, services)
    checkins.register(app, services)
    feedback.register(app, services)
    escalation.register(app, services)
    guidance.register(app, services)
    resolution.register(app, services)
