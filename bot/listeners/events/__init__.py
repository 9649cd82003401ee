"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import asking, home
from bot.services import Services


def register(app: App, services: Services) -> None:
    asking.register(app, services)
    home.register(app, services)
