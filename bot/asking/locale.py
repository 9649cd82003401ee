"""The language a person set in Slack, as a hint for questions whose own language is unclear
("ok", "help?") and for the texts that answer no question (the App Home, the rate limit).

Asked of Slack (`users.info` with `include_locale`, scope `users:read`) once an hour per
person; a failure (missing scope, Slack down) counts as "no hint" for that hour, so a
misconfigured app costs one call an hour per person, not one per question.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.asking.strings import ENGLISH, LANGUAGES

CACHE_SECONDS = 3600.0
log = logging.getLogger(__name__)


class Languages(Protocol):
    """A person's usual language ("en", "es"), or "" when unknown."""

    def language(self, user_id: str) -> str: ...

    def cached(self, user_id: str) -> str:
        """The same, without asking Slack (for error paths, where Slack may be the problem)."""
        ...


class NoHints:
    """No locale known for anyone: each question's own language decides."""

    def language(self, user_id: str) -> str:
        return ""

    def cached(self, user_id: str) -> str:
        return ""


def language_of(locale: str) -> str:
    """`es-LA` -> "es", `en-US` -> "en"; "" for a language the bot does not speak."""
    language = locale.split("-")[0].split("_")[0].lower()
    return language if language in LANGUAGES else ""


def preferred(own: str, user_id: str, languages: Languages, *, cached: bool = False) -> str:
    """The language to speak to `user_id` in: `own` (a question's) wins, else their Slack
    language, else English. `cached`: without asking Slack (before an ack, on error paths)."""
    if own:
        return own
    hint = languages.cached(user_id) if cached else languages.language(user_id)
    return hint or ENGLISH


class SlackLocales:
    """Each person's Slack locale, cached for `ttl` seconds."""

    def __init__(
        self,
        client: WebClient,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._known: dict[str, tuple[str, float]] = {}  # user -> (language, fetched at)

    def language(self, user_id: str) -> str:
        now = self.clock()
        with self._lock:
            known = self._known.get(user_id)
        if known and now - known[1] < self.ttl:
            return known[0]
        language = self._fetch(user_id)  # outside the lock: one slow call blocks no one else
        with self._lock:
            self._known[user_id] = (language, now)
        return language

    def cached(self, user_id: str) -> str:
        with self._lock:
            known = self._known.get(user_id)
        return known[0] if known else ""

    def _fetch(self, user_id: str) -> str:
        try:
            user = self.client.users_info(user=user_id, include_locale=True).get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info failed: %s; no language hint", exc.response.get("error"))
            return ""
        except Exception as exc:  # a dropped connection: answer in the question's language
            log.warning("users.info failed: %s; no language hint", type(exc).__name__)
            return ""
        return language_of(user.get("locale") or "")
