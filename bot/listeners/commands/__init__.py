"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands import asking
from bot.services import Services


def register(app: App, services: Services) -> None:
    asking.register(app, services)
