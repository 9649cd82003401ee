"""Button listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions import checkins, escalation, feedback
from bot.services import Services


def register(app: App, services: Services) -> None:
    checkins.register(app, services)
    feedback.register(app, services)
    escalation.register(app, services)
