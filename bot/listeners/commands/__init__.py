"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands import asking, checkins
from bot.services import Services


def register(app: App, services: Services) -> None:
    checkins.register(app, services)  # before asking: `/boundary checkin` is not a question
    asking.register(app, services)
