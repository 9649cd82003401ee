"""In-memory workspace: users, conversations, messages and views.

Everything here is plain data guarded by :attr:`Workspace.lock`; the Slack
semantics (errors, visibility, scopes) live in :mod:`.web_api` so this module
stays a dumb, easily inspected store.
"""

from __future__ import annotations

import base64
import copy
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from . import defaults

ConversationKind = Literal["channel", "private", "im", "mpim"]

_ID_ALPHABET = string.ascii_uppercase + string.digits


def random_id(prefix: str, length: int = 10) -> str:
    """Return a Slack-looking ID such as ``V0PKB1ZFVQ`` (upper-case alnum)."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def random_block_id() -> str:
    """Slack fills in short random block_ids (e.g. ``"=qXel"``) when apps omit them."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(5))


class TsClock:
    """Issues unique, strictly increasing message timestamps (``"1700000000.000100"``).

    Slack's ``ts`` is seconds + microseconds; tests sort and compare them, so
    two messages posted in the same microsecond must still differ.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_us = 0
        self.source: Callable[[], float] = time.time  # a test may give Slack its own clock

    def next(self) -> str:
        with self._lock:
            now_us = int(self.source() * 1_000_000)
            self._last_us = max(now_us, self._last_us + 1)
            sec, usec = divmod(self._last_us, 1_000_000)
            return f"{sec}.{usec:06d}"


@dataclass
class User:
    """A workspace member; :meth:`to_api` renders the ``users.info`` user object."""

    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    tz: str = "Europe/London"
    team_id: str = defaults.TEAM_ID
    bot_id: str | None = None
    locale: str = "en-US"  # returned only when asked with ``include_locale=true``

    def to_api(self, include_locale: bool = False) -> dict[str, Any]:
        real_name = self.real_name or self.name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "first_name": real_name.split(" ")[0],
            "last_name": " ".join(real_name.split(" ")[1:]),
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": "g000000000",
            "image_24": "https://a.slack-edge.com/80588/img/avatars/ava_0001-24.png",
            "image_48": "https://a.slack-edge.com/80588/img/avatars/ava_0001-48.png",
            "image_72": "https://a.slack-edge.com/80588/img/avatars/ava_0001-72.png",
            "team": self.team_id,
        }
        if self.email is not None:
            profile["email"] = self.email
        if self.bot_id is not None:
            profile["bot_id"] = self.bot_id
            profile["api_app_id"] = defaults.APP_ID
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": "Greenwich Mean Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "has_2fa": False,
            **({"locale": self.locale} if include_locale else {}),
        }


@dataclass
class Conversation:
    """A channel-like object: public/private channel, IM or MPIM."""

    id: str
    name: str
    kind: ConversationKind
    members: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))
    creator: str = ""
    im_user: str | None = None  # the human side of an IM
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""

    @property
    def is_private(self) -> bool:
        return self.kind != "channel"


@dataclass
class StoredMessage:
    """One message and every version it had (``chat.update`` appends a version)."""

    channel: str
    ts: str
    versions: list[dict[str, Any]]
    deleted: bool = False

    @property
    def latest(self) -> dict[str, Any]:
        return self.versions[-1]


@dataclass
class StoredView:
    """A published Home tab or an opened modal; ``versions`` keeps every publish/update."""

    id: str
    user_id: str
    versions: list[dict[str, Any]]

    @property
    def latest(self) -> dict[str, Any]:
        return self.versions[-1]


class Workspace:
    """The emulated workspace. Callers must hold :attr:`lock` around compound updates."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        bot_name: str,
        app_id: str,
        bot_scopes: frozenset[str],
    ) -> None:
        self.lock = threading.RLock()
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.bot_scopes: set[str] = set(bot_scopes)
        self.clock = TsClock()
        self.users: dict[str, User] = {}
        self.conversations: dict[str, Conversation] = {}
        self.messages: dict[str, list[StoredMessage]] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.views: dict[str, StoredView] = {}
        self.home_view_ids: dict[str, str] = {}
        self.triggers: dict[str, float] = {}  # trigger_id minted here -> issue time
        self.used_triggers: set[str] = set()
        self._mpim_counter = 0
        self.add_user(
            User(
                id=bot_user_id,
                name=bot_name,
                real_name="Boundary Bot",
                is_bot=True,
                team_id=team_id,
                bot_id=bot_id,
            )
        )

    # -- users -----------------------------------------------------------
    def add_user(self, user: User) -> User:
        with self.lock:
            self.users[user.id] = user
            return user

    def ensure_user(self, user_id: str) -> User:
        """Return the user, creating a plain member when tests reference an unknown ID."""
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                user = self.add_user(User(id=user_id, name=user_id.lower(), team_id=self.team_id))
            return user

    # -- conversations -----------------------------------------------------
    def add_conversation(self, conv: Conversation) -> Conversation:
        with self.lock:
            for member in conv.members:
                self.ensure_user(member)
            self.conversations[conv.id] = conv
            self.messages.setdefault(conv.id, [])
            return conv

    def find_conversation(self, ref: str) -> Conversation | None:
        """Resolve an ID, ``#name`` or bare name the way ``chat.postMessage`` does."""
        with self.lock:
            if ref in self.conversations:
                return self.conversations[ref]
            name = ref[1:] if ref.startswith("#") else ref
            for conv in self.conversations.values():
                if conv.kind in ("channel", "private") and conv.name == name:
                    return conv
            if ref.startswith("D"):
                # A user's DM with the app exists in Slack even before anyone
                # calls conversations.open; mirror that for D-IDs of known users.
                for prefix in ("U", "W"):
                    if prefix + ref[1:] in self.users:
                        return self.open_im(prefix + ref[1:])[0]
            return None

    def im_id_for(self, user_id: str) -> str:
        """Stable IM ID for the bot's DM with ``user_id`` (``U0ALICE`` -> ``D0ALICE``)."""
        return "D" + user_id[1:]

    def open_im(self, user_id: str) -> tuple[Conversation, bool]:
        """Return (IM, already_open); creates the bot<->user DM on first use."""
        with self.lock:
            user = self.ensure_user(user_id)
            im_id = self.im_id_for(user.id)
            existing = self.conversations.get(im_id)
            if existing is not None:
                return existing, True
            conv = Conversation(
                id=im_id,
                name=user.id,
                kind="im",
                members=[user.id, self.bot_user_id],
                creator=self.bot_user_id,
                im_user=user.id,
            )
            return self.add_conversation(conv), False

    def open_mpim(self, user_ids: list[str]) -> tuple[Conversation, bool]:
        """Return (MPIM, already_open) for exactly these users plus the bot."""
        with self.lock:
            wanted = list(dict.fromkeys([*user_ids, self.bot_user_id]))
            for conv in self.conversations.values():
                if conv.kind == "mpim" and set(conv.members) == set(wanted):
                    return conv, True
            self._mpim_counter += 1
            names = "--".join(self.ensure_user(u).name for u in wanted)
            conv = Conversation(
                id=f"G0MPIM{self._mpim_counter:04d}",
                name=f"mpdm-{names}-1",
                kind="mpim",
                members=wanted,
                creator=self.bot_user_id,
            )
            return self.add_conversation(conv), False

    # -- messages ----------------------------------------------------------
    def store_message(self, channel: str, message: dict[str, Any]) -> StoredMessage:
        with self.lock:
            stored = StoredMessage(
                channel=channel, ts=message["ts"], versions=[copy.deepcopy(message)]
            )
            self.messages.setdefault(channel, []).append(stored)
            return stored

    def find_message(self, channel: str, ts: str) -> StoredMessage | None:
        with self.lock:
            for stored in self.messages.get(channel, []):
                if stored.ts == ts and not stored.deleted:
                    return stored
            return None

    # -- views -------------------------------------------------------------
    def new_trigger_id(self) -> str:
        """Mint a trigger_id in Slack's ``<digits>.<digits>.<hex>`` shape and remember it."""
        trigger = f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**11)}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[trigger] = time.monotonic()
        return trigger


def encode_cursor(user_id: str) -> str:
    """Slack cursors are opaque base64, e.g. ``dXNlcjpVMDYxTkZUVDI=`` == ``user:U061NFTT2``."""
    return base64.b64encode(f"user:{user_id}".encode()).decode()


def decode_cursor(cursor: str) -> str | None:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return raw[5:] if raw.startswith("user:") else None
