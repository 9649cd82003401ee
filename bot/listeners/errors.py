"""What happens when a listener fails: the person is never left in silence.

Unhandled requests (edits, retired buttons) reach here too, through Bolt's
`raise_error_for_unhandled_request`, and are acknowledged so Slack does not redeliver them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient

from bot.asking.messages import apology
from bot.services import Services
from bot.slack.replies import tell, user_of

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, respond: Respond | None
    ) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return BoltResponse(status=200, body="")  # nothing to do, but always ack
        log.error("listener failed (%s): %s", body.get("type"), type(error).__name__)
        log.debug("listener failure details", exc_info=error)
        message = apology(
            language=services.locales.cached(user_of(body))
        )  # Slack may be the problem
        try:
            tell(body, client, respond, message)
        except Exception as exc:
            log.error("could not send the apology either: %s", type(exc).__name__)
            if respond is not None and body.get("response_url"):  # try the DM instead
                try:
                    tell(body, client, None, message)
                except Exception as again:
                    log.error("nor by DM: %s", type(again).__name__)
        return None
