"""Wiring only: the Slack client with retries, the Bolt app, its middleware and listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient

from bot import actions, commands, events, views
from bot.asking.messages import apology
from bot.config import Settings
from bot.services import Services
from bot.slack.client import retrying_respond
from bot.slack.dedupe import dedupe_middleware
from bot.slack.replies import tell
from bot.slack.web import redact_rejected_requests

log = logging.getLogger(__name__)


def build_app(settings: Settings, client: WebClient, services: Services) -> App:
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        raise_error_for_unhandled_request=True,  # unhandled requests reach on_error: acked
    )
    redact_rejected_requests()
    app.middleware(dedupe_middleware(services.deliveries))
    app.middleware(retrying_respond(client))

    for listeners in (commands, events, actions, views):
        listeners.register(app, services)

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, respond: Respond | None
    ) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return BoltResponse(status=200, body="")  # nothing to do, but always ack
        log.error("listener failed (%s): %s", body.get("type"), type(error).__name__)
        log.debug("listener failure details", exc_info=error)
        try:
            tell(body, client, respond, apology())
        except Exception as exc:
            log.error("could not send the apology either: %s", type(exc).__name__)
            if respond is not None and body.get("response_url"):  # try the DM instead
                try:
                    tell(body, client, None, apology())
                except Exception as again:
                    log.error("nor by DM: %s", type(again).__name__)
        return None

    return app
