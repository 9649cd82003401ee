"""Who is a supervisor: a member of the supervisor channel, asked of Slack and cached briefly.

The ladder's backup responders count too (members of the backup channel, the on-call people
of the settings): an urgent escalation reaches them so that they can take it.

Membership is the single source of truth (no separate role list to drift), and a short cache
keeps a burst of Claim clicks from costing one `conversations.members` call each. The service
and the App Home depend on the `Supervisors` protocol, so tests can say who supervises
without a Slack workspace.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

CACHE_SECONDS = 60.0
log = logging.getLogger(__name__)


class Supervisors(Protocol):
    def is_supervisor(self, user_id: str) -> bool: ...

    def members(self) -> frozenset[str]: ...


class ChannelSupervisors:
    """The members of the supervisor channel (and of `more_channels`), and `more_users`."""

    def __init__(
        self,
        client: WebClient,
        channel_id: str,
        ttl: float = CACHE_SECONDS,
        *,
        more_channels: Iterable[str] = (),
        more_users: Iterable[str] = (),
    ) -> None:
        self.client = client
        self.channel_id = channel_id
        self.channels = tuple(dict.fromkeys(c for c in (channel_id, *more_channels) if c))
        self.more_users = frozenset(more_users)
        self.ttl = ttl
        self._lock = threading.Lock()
        self._members: frozenset[str] | None = None
        self._fetched_at = 0.0

    def members(self) -> frozenset[str]:
        """The channel's members; on a Slack failure the last known list (or nobody)."""
        with self._lock:
            if self._members is not None and time.monotonic() - self._fetched_at < self.ttl:
                return self._members
            try:
                self._members = self._fetch()
                self._fetched_at = time.monotonic()
            except SlackApiError as exc:
                log.warning("conversations.members failed: %s", exc.response.get("error"))
            return self._members or self.more_users

    def is_supervisor(self, user_id: str) -> bool:
        return user_id in self.members()

    def _fetch(self) -> frozenset[str]:
        members: set[str] = set(self.more_users)
        for channel in self.channels:
            cursor = None
            while True:
                page = self.client.conversations_members(channel=channel, cursor=cursor, limit=200)
                members.update(page.get("members", []))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        return frozenset(members)
