"""Button listeners."""

from slack_bolt import App

from bot.actions import escalation, feedback
from bot.services import Services


def register(app: App, services: Services) -> None:
    feedback.register(app, services)
    escalation.register(app, services)
