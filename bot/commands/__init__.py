"""Slash command listeners."""

from slack_bolt import App

from bot.commands import boundary
from bot.services import Services


def register(app: App, services: Services) -> None:
    boundary.register(app, services)
