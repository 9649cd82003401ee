"""Modal listeners."""

from slack_bolt import App

from bot.services import Services
from bot.views import details


def register(app: App, services: Services) -> None:
    details.register(app, services)
