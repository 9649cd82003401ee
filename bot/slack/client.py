"""Talking to Slack with retries: the Web API client, a post-once variant of it, and the
`respond()` that Bolt hands to listeners, all retrying through slack_sdk's own handlers."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.config import Settings

RETRIES = 3
POST_ONCE_RETRIES = 3  # 429s waited out in place (Retry-After); everything else is the caller's


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


def post_once_client(client: WebClient) -> WebClient:
    """A copy of `client` for posts that must not be repeated blindly: 429 retries only.

    Slack did not act on a 429, so waiting it out is safe; after a 5xx or a dropped
    connection the post may have landed, and only the caller can check before trying again.
    """
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=POST_ONCE_RETRIES)],
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


def retrying_respond(client: WebClient) -> Any:
    """Bolt global middleware: listeners get a `RetryingRespond` in place of Bolt's own."""

    def middleware(context: BoltContext, next: Any) -> None:
        if context.response_url:
            context["respond"] = RetryingRespond(
                response_url=context.response_url, proxy=client.proxy, ssl=client.ssl
            )
        next()

    return middleware
