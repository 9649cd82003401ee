"""Wiring only: the Slack client with retries, the Bolt app, its middleware and listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse, Respond
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot import actions, blocks, commands, events, views
from bot.config import Settings
from bot.dedupe import dedupe_middleware
from bot.replies import tell
from bot.services import Services

log = logging.getLogger(__name__)
RETRIES = 3


def retry_handlers() -> list[RetryHandler]:
    """Wait out 429s (Retry-After); retry 5xx and dropped connections with backoff."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=RETRIES),
        RateLimitErrorRetryHandler(max_retry_count=RETRIES),
        ServerErrorRetryHandler(max_retry_count=RETRIES),
    ]


def slack_client(settings: Settings) -> WebClient:
    """A Web API client that retries through slack_sdk's own handlers."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=retry_handlers(),
    )


class ResponseUrlError(Exception):
    """Slack refused a response_url post even after retries."""


class RetryingRespond(Respond):
    """Bolt's `respond()` with the same retries as the Web API client, raising when Slack
    still refuses (Bolt's returns the error quietly, so an answer would vanish unseen)."""

    def __call__(self, text: str | dict = "", **kwargs: Any) -> WebhookResponse:  # type: ignore[override]
        assert self.response_url is not None
        client = WebhookClient(
            self.response_url, proxy=self.proxy, ssl=self.ssl, retry_handlers=retry_handlers()
        )
        message = text if isinstance(text, dict) else {"text": text, **kwargs}
        message = {k: v for k, v in message.items() if v is not None}
        response = client.send_dict(message)
        if response.status_code != 200:
            raise ResponseUrlError(f"response_url answered {response.status_code}")
        return response


class RedactRejectedRequests(logging.Filter):
    """Bolt logs each request that fails signature verification with its whole body at INFO:
    people's questions and live response_urls. Keep the line, drop the contents."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = "rejected a request: invalid or expired signature", ()
        return True


REDACT_REJECTED = RedactRejectedRequests()


def build_app(settings: Settings, client: WebClient, services: Services) -> App:
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        raise_error_for_unhandled_request=True,  # unhandled requests reach on_error: acked
    )
    logging.getLogger("slack_bolt.RequestVerification").addFilter(REDACT_REJECTED)
    app.middleware(dedupe_middleware(services.storage))

    @app.middleware
    def retrying_respond(context: BoltContext, next: Any) -> None:
        if context.response_url:
            context["respond"] = RetryingRespond(
                response_url=context.response_url, proxy=client.proxy, ssl=client.ssl
            )
        next()

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
            if respond is not None and body.get("response_url"):  # try the DM instead
                try:
                    tell(body, client, None, blocks.apology())
                except Exception as again:
                    log.error("nor by DM: %s", type(again).__name__)
        return None

    return app
