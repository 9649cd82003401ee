"""Wiring only: the Slack client with retries, the Bolt app, its middleware and listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import actions, blocks, commands, events, views
from bot.config import Settings
from bot.dedupe import dedupe_middleware
from bot.replies import tell
from bot.services import Services

log = logging.getLogger(__name__)
RETRIES = 3


def slack_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) and retries 5xx and dropped
    connections with backoff, through slack_sdk's own handlers."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )


def build_app(settings: Settings, client: WebClient, services: Services) -> App:
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        raise_error_for_unhandled_request=True,  # unhandled requests reach on_error: acked
    )
    app.middleware(dedupe_middleware(services.storage))
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
            tell(body, client, respond, blocks.apology())
        except Exception as exc:
            log.error("could not send the apology either: %s", type(exc).__name__)
        return None

    return app
