"""Modal listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views import checkins, escalation, guidance, resolution
from bot.services import Services


def register(app: App, services: Services) -> None:
    checkins.register(app, services)
    escalation.register(app, services)
    guidance.register(app, services)
    resolution.register(app, services)
