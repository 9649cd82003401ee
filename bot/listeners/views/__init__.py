"""Modal listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views import escalation
from bot.services import Services


def register(app: App, services: Services) -> None:
    escalation.register(app, services)
