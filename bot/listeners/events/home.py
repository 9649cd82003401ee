"""Publish the App Home each time someone opens it, so it always shows current requests, and
remember that they use it, so escalation changes refresh it too (`bot.home.refresher`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.services import Services


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def app_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            services.homes.opened(event["user"])
