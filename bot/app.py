"""Wiring only: the Bolt app over the bot's own Slack client, its middleware and listeners."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot import listeners
from bot.config import Settings
from bot.services import Services
from bot.slack.client import retrying_respond
from bot.slack.dedupe import dedupe_middleware
from bot.slack.web import redact_rejected_requests


def build_app(settings: Settings, client: WebClient, services: Services) -> App:
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        raise_error_for_unhandled_request=True,  # unhandled requests reach the error listener
    )
    redact_rejected_requests()
    app.middleware(dedupe_middleware(services.deliveries))
    app.middleware(retrying_respond(client))
    listeners.register(app, services)
    return app
