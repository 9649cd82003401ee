"""``SlackEmulator``: one object a pytest fixture starts, hands to the bot, and asserts on.

It wires together the workspace store (:mod:`.state`), Web API semantics
(:mod:`.web_api`), the HTTP front end (:mod:`.http_server`), response_urls
(:mod:`.response_urls`) and the Socket Mode server (:mod:`.socket_mode`).
Everything listens on 127.0.0.1 with OS-assigned ports.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from . import defaults, payloads
from .http_server import EmulatorHttpServer, HttpBackend
from .recording import ApiCall, CallLog, FailurePlan, make_failure
from .response_urls import ResponseUrlPost, ResponseUrls
from .socket_mode import SocketModeServer
from .state import Conversation, User, Workspace
from .web_api import ApiRequest, WebApi


class SlackEmulator:
    """Local Slack: Web API + Socket Mode + response_urls, with recording and fault injection.

    Usage::

        with SlackEmulator() as emu:
            emu.add_user("U0ALICE", "alice")
            emu.add_channel("C0SUPER", "supervisors", members=["U0SUP", emu.bot_user_id])
            client = WebClient(token="xoxb-test", base_url=emu.api_url)
            ...
            call = emu.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0SUPER")
    """

    def __init__(
        self,
        *,
        team_id: str = defaults.TEAM_ID,
        team_name: str = defaults.TEAM_NAME,
        team_domain: str = defaults.TEAM_DOMAIN,
        bot_user_id: str = defaults.BOT_USER_ID,
        bot_id: str = defaults.BOT_ID,
        bot_name: str = defaults.BOT_NAME,
        app_id: str = defaults.APP_ID,
        bot_scopes: Iterable[str] = defaults.BOT_SCOPES,
        bot_token: str | None = None,
        app_token: str | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.workspace = Workspace(
            team_id=team_id,
            team_name=team_name,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            bot_scopes=frozenset(bot_scopes),
        )
        self._socket = SocketModeServer(host, app_id)
        self._api = WebApi(self.workspace, self._socket.issue_url)
        self._api.bot_token = bot_token
        self._api.app_token = app_token
        self._calls = CallLog()
        self._failures = FailurePlan()
        self._response_urls = ResponseUrls(self.workspace, self._api)
        self._http = EmulatorHttpServer(
            host, HttpBackend(self._api, self._calls, self._failures, self._response_urls)
        )
        self._started = False

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> SlackEmulator:
        if not self._started:
            self._http.start()
            self._socket.start()
            self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._socket.stop()
            self._http.stop()
            self._started = False

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- identity / URLs -----------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._http.port}/"

    @property
    def api_url(self) -> str:
        """Give this to the bot as ``SLACK_API_URL`` / ``WebClient(base_url=...)``."""
        return self.base_url + "api/"

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.workspace.bot_id

    @property
    def app_id(self) -> str:
        return self.workspace.app_id

    @property
    def bot_scopes(self) -> set[str]:
        """Mutable: remove a scope to make the matching methods answer ``missing_scope``."""
        return self.workspace.bot_scopes

    def set_time(self, source: Callable[[], float]) -> None:
        """Issue message timestamps from `source` (a test's injected clock), so the ts Slack
        gives and the times the bot records agree when the test moves time."""
        self.workspace.clock.source = source

    def revoke_token(self, token: str) -> None:
        """Subsequent calls with ``token`` answer ``token_revoked``."""
        self._api.revoked_tokens.add(token)

    # -- workspace setup -----------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str = "",
        email: str | None = None,
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Europe/London",
        locale: str = "en-US",
    ) -> User:
        """``locale`` is what ``users.info`` returns with ``include_locale=true``."""
        return self.workspace.add_user(
            User(
                id=user_id,
                name=name,
                real_name=real_name,
                email=email,
                is_admin=is_admin,
                is_bot=is_bot,
                deleted=deleted,
                tz=tz,
                team_id=self.team_id,
                locale=locale,
            )
        )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_private: bool = False,
        members: Iterable[str] = (),
        *,
        topic: str = "",
        purpose: str = "",
        is_archived: bool = False,
    ) -> Conversation:
        """Create a channel; include ``emu.bot_user_id`` in ``members`` to make the bot a member.

        Unknown member IDs become plain users. A private channel the bot is not
        in is invisible to it (``channel_not_found``), as in Slack.
        """
        member_list = list(dict.fromkeys(members))
        return self.workspace.add_conversation(
            Conversation(
                id=channel_id,
                name=name,
                kind="private" if is_private else "channel",
                members=member_list,
                creator=member_list[0] if member_list else self.bot_user_id,
                topic=topic,
                purpose=purpose,
                is_archived=is_archived,
            )
        )

    def set_member(self, channel_id: str, user_id: str, member: bool = True) -> None:
        """Join (``member=True``) or leave a channel, e.g. to kick the bot mid-test."""
        with self.workspace.lock:
            conv = self.workspace.conversations[channel_id]
            self.workspace.ensure_user(user_id)
            if member and user_id not in conv.members:
                conv.members.append(user_id)
            elif not member and user_id in conv.members:
                conv.members.remove(user_id)

    def open_im(self, user_id: str) -> str:
        """The bot's DM channel ID with ``user_id`` (same as ``conversations.open`` returns)."""
        conv, _ = self.workspace.open_im(user_id)
        return conv.id

    def conversation(self, channel_id: str) -> Conversation:
        return self.workspace.conversations[channel_id]

    # -- messages --------------------------------------------------------------
    def post_user_message(
        self,
        user_id: str,
        text: str,
        channel: str | None = None,
        *,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Record a message *from a human* and return the matching inner ``message`` event.

        Defaults to the user's DM with the bot. Wrap the result with
        ``payloads.event_callback(...)`` and deliver it (Socket Mode or HTTP). With
        ``files`` (e.g. ``[payloads.image_file(user_id)]``) it is a ``file_share`` message.
        """
        ws = self.workspace
        with ws.lock:
            channel = channel or self.open_im(user_id)
            conv = ws.conversations[channel]
            channel_type = {"im": "im", "mpim": "mpim", "channel": "channel", "private": "group"}[
                conv.kind
            ]
            event = payloads.message(
                user_id,
                text,
                channel,
                channel_type,
                ws.clock.next(),
                thread_ts=thread_ts,
                team_id=self.team_id,
                files=files,
            )
            stored = {
                k: v for k, v in event.items() if k not in ("channel", "event_ts", "channel_type")
            }
            ws.store_message(channel, stored)
        return event

    def messages(self, channel: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Latest version of every message in ``channel``, oldest first."""
        with self.workspace.lock:
            stored = self.workspace.messages.get(channel, [])
            return [copy.deepcopy(m.latest) for m in stored if include_deleted or not m.deleted]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self.workspace.lock:
            stored = self.workspace.find_message(channel, ts)
            if stored is None:
                raise KeyError(f"no message {ts} in {channel}")
            return copy.deepcopy(stored.latest)

    def message_history(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Every version of one message: the original post, then each update."""
        with self.workspace.lock:
            for stored in self.workspace.messages.get(channel, []):
                if stored.ts == ts:
                    return copy.deepcopy(stored.versions)
            raise KeyError(f"no message {ts} in {channel}")

    def ephemeral_messages(
        self, channel: str | None = None, user: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemerals from ``chat.postEphemeral`` and ephemeral response_url posts:
        dicts with ``channel``, ``user``, ``message_ts``, ``message`` (and ``via``)."""
        with self.workspace.lock:
            return [
                copy.deepcopy(e)
                for e in self.workspace.ephemeral
                if (channel is None or e["channel"] == channel)
                and (user is None or e["user"] == user)
            ]

    # -- views -----------------------------------------------------------------
    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab currently published for ``user_id`` (as views.publish returned it)."""
        with self.workspace.lock:
            view_id = self.workspace.home_view_ids.get(user_id)
            return copy.deepcopy(self.workspace.views[view_id].latest) if view_id else None

    def published_views(self, user_id: str) -> list[dict[str, Any]]:
        """Every Home tab version published for ``user_id``, oldest first."""
        with self.workspace.lock:
            view_id = self.workspace.home_view_ids.get(user_id)
            return copy.deepcopy(self.workspace.views[view_id].versions) if view_id else []

    def view(self, view_id: str) -> dict[str, Any]:
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.views[view_id].latest)

    def modals(self) -> list[dict[str, Any]]:
        """Latest version of every modal opened with views.open."""
        with self.workspace.lock:
            return [
                copy.deepcopy(v.latest)
                for v in self.workspace.views.values()
                if v.latest["type"] == "modal"
            ]

    def new_trigger_id(self) -> str:
        """A trigger_id ``views.open`` accepts once within 3 s (later: ``expired_trigger_id``)."""
        return self.workspace.new_trigger_id()

    # -- Web API recording -------------------------------------------------------
    @property
    def calls(self) -> list[ApiCall]:
        """Snapshot of every Web API call, in arrival order."""
        return self._calls.snapshot()

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self._calls.snapshot() if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
        *,
        count: int = 1,
    ) -> ApiCall:
        """Wait for the ``count``-th call to ``method`` matching ``predicate``.

        Raises ``AssertionError`` listing every call received so far on timeout.
        Failed/injected calls are included; use ``lambda c: c.ok`` to skip them.
        """
        return self._calls.wait_for(method, predicate, timeout, count)

    def reset_calls(self) -> None:
        self._calls.clear()

    def register_method(self, method: str, handler: Callable[[ApiRequest], dict[str, Any]]) -> None:
        """Answer an extra Web API method with ``handler(request) -> body`` (no auth check)."""
        self._api.custom_handlers[method] = handler

    # -- failure injection ---------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int | None = None,
        retry_after: int | None = None,
        *,
        error: str | None = None,
        times: int = 1,
        drop_connection: bool = False,
        drop_after: bool = False,
        channel: str | None = None,
        delay: float = 0.0,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Script the next ``times`` answers for ``method``.

        ``method`` may be ``"*"`` (any method) or ``"response_url"`` (the webhooks).

        * ``status=429`` -> HTTP 429, ``Retry-After: retry_after`` (default 1),
          body ``{"ok": false, "error": "ratelimited"}``;
        * ``status=500``/``503`` -> that status with ``internal_error``/``service_unavailable``;
        * ``error="channel_not_found"`` -> HTTP 200 ``{"ok": false, "error": ...}``
          (+ ``extra`` fields);
        * ``drop_connection=True`` -> close the socket without answering;
        * ``drop_after=True`` -> carry the call out (the message is posted), then close the
          socket before answering: the answer is lost, as when a connection breaks late;
        * ``channel="C1"`` -> only calls for that channel consume the failure;
        * ``delay=s`` -> sleep first (alone: a slow but normal answer).
        """
        self._failures.add(
            method,
            make_failure(
                status=status,
                error=error,
                retry_after=retry_after,
                times=times,
                drop_connection=drop_connection,
                drop_after=drop_after,
                channel=channel,
                delay=delay,
                extra=extra,
            ),
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    # -- Socket Mode -----------------------------------------------------------------
    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool | None = None,
        *,
        envelope_id: str | None = None,
        wait_connected: float = 5.0,
    ) -> str:
        """Push an envelope to the newest connected client; returns its ``envelope_id``.

        ``type`` is ``events_api`` | ``slash_commands`` | ``interactive``.
        ``accepts_response_payload`` defaults to False for events, True otherwise.
        """
        return self._socket.send_envelope(
            type,
            payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            accepts_response_payload=accepts_response_payload,
            envelope_id=envelope_id,
            wait_connected=wait_connected,
        )

    def send_event(self, event: dict[str, Any], **kwargs: Any) -> str:
        """Wrap an inner event with ``payloads.event_callback`` and push it as ``events_api``.

        The event's ``user`` is added to the workspace if unknown, so the bot's
        follow-up calls (``views.publish``, ``users.info``) find them.
        """
        if isinstance(event.get("user"), str):
            self.workspace.ensure_user(event["user"])
        body = payloads.event_callback(
            event, team_id=self.team_id, api_app_id=self.app_id, bot_user_id=self.bot_user_id
        )
        return self.send_envelope("events_api", body, **kwargs)

    def redeliver(self, envelope_id: str, retry_reason: str = "timeout") -> str:
        """Resend an envelope's payload as a Slack retry (new envelope_id, retry_attempt + 1)."""
        original = self._socket.sent[envelope_id]
        return self.send_envelope(
            original["type"],
            original["payload"],
            retry_attempt=int(original.get("retry_attempt", 0)) + 1,
            retry_reason=retry_reason,
            accepts_response_payload=original["accepts_response_payload"],
        )

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The client's ack ``{"envelope_id", "payload"?}``; AssertionError if none in time."""
        return self._socket.wait_ack(envelope_id, timeout)

    def ack_for(self, envelope_id: str) -> dict[str, Any] | None:
        """Non-blocking: the ack if it arrived (use after a sleep to assert *no* ack)."""
        return self._socket.ack_for(envelope_id)

    def wait_socket_connected(
        self, timeout: float = 10.0, *, total_connects: int | None = None
    ) -> None:
        """Wait for an open, greeted connection (and ``total_connects`` ever, for reconnects)."""
        self._socket.wait_connected(timeout, total_connects)

    @property
    def socket_connection_count(self) -> int:
        return self._socket.connection_count

    @property
    def socket_total_connects(self) -> int:
        return self._socket.total_connects

    @property
    def socket_messages_received(self) -> list[dict[str, Any]]:
        """Every JSON frame received from clients (acks included)."""
        return list(self._socket.received)

    def disconnect_socket(self, reason: str = "refresh_requested") -> int:
        """Send ``{"type": "disconnect", "reason": ...}`` to every connection; returns how many."""
        return self._socket.disconnect(reason)

    def close_socket(self, code: int = 1001, reason: str = "") -> None:
        """Close every WebSocket with a close frame (server going away).

        slack_sdk's built-in client reconnects from its monitor loop, i.e. within
        ~ping_interval (5 s); ``disconnect_socket`` makes it reconnect at once.
        """
        self._socket.close(code, reason)

    def drop_socket(self) -> None:
        """Cut every WebSocket at the TCP level (no close frame), like a network failure.

        slack_sdk's built-in client only notices through its ping/pong staleness
        check (4 x ping_interval, ~20 s by default), so prefer ``close_socket`` or
        ``disconnect_socket`` in fast tests.
        """
        self._socket.drop()

    # -- response_url ---------------------------------------------------------------
    def new_response_url(
        self,
        kind: str = "commands",
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Issue a response_url (``kind``: ``commands`` or ``actions``).

        Bind ``channel``/``user``/``message_ts`` so posts show up in
        ``messages()``/``ephemeral_messages()`` and ``replace_original`` edits the message.
        """
        return self._response_urls.create(
            self.base_url, kind=kind, channel=channel, user=user, message_ts=message_ts
        )

    def responses(self, url: str) -> list[dict[str, Any]]:
        """JSON bodies accepted on ``url`` (refused posts are in ``response_posts``)."""
        return [
            p.body for p in self._response_urls.posts(url) if p.status == 200 and p.body is not None
        ]

    def response_posts(self, url: str) -> list[ResponseUrlPost]:
        """Every POST to ``url`` with its answer (200, or 404 ``used_url``/``expired_url``...)."""
        return self._response_urls.posts(url)

    def wait_response(self, url: str, timeout: float = 10.0, *, count: int = 1) -> dict[str, Any]:
        post = self._response_urls.wait(url, timeout, count)
        assert post.body is not None
        return post.body

    def set_response_url_limits(
        self, *, max_uses: int | None = None, ttl_seconds: float | None = None
    ) -> None:
        """Tighten Slack's 5 uses / 30 minutes (e.g. ``ttl_seconds=0.5`` to test expiry)."""
        if max_uses is not None:
            self._response_urls.max_uses = max_uses
        if ttl_seconds is not None:
            self._response_urls.ttl_seconds = ttl_seconds

    # -- payloads bound to this workspace ------------------------------------------------
    def slash_command_payload(
        self, command: str, text: str, user_id: str, channel_id: str | None = None
    ) -> dict[str, str]:
        """Slash-command form fields with a fresh response_url and trigger_id from this emulator."""
        ws = self.workspace
        channel_id = channel_id or self.open_im(user_id)
        conv = ws.conversations.get(channel_id)
        if conv is None or conv.kind == "im":
            channel_name = "directmessage"
        elif conv.kind == "channel":
            channel_name = conv.name
        else:
            channel_name = "privategroup"
        return payloads.slash_command(
            command,
            text,
            user_id,
            channel_id,
            self.new_response_url("commands", channel=channel_id, user=user_id),
            self.new_trigger_id(),
            channel_name=channel_name,
            user_name=ws.ensure_user(user_id).name,
            team_id=self.team_id,
            team_domain=ws.team_domain,
            api_app_id=self.app_id,
        )

    def message_button_payload(
        self, user_id: str, channel: str, message_ts: str, action_id: str, value: str | None = None
    ) -> dict[str, Any]:
        """``block_actions`` for a click on a button in a stored message (ids from the message)."""
        ws = self.workspace
        conv = ws.conversations[channel]
        return payloads.block_actions(
            user_id,
            action_id,
            value,
            message=self.message(channel, message_ts),
            channel_id=channel,
            channel_name=conv.name if conv.kind in ("channel", "private") else "directmessage",
            response_url=self.new_response_url(
                "actions", channel=channel, user=user_id, message_ts=message_ts
            ),
            trigger_id=self.new_trigger_id(),
            user_name=ws.ensure_user(user_id).name,
            team_id=self.team_id,
            team_domain=ws.team_domain,
            api_app_id=self.app_id,
        )

    def home_button_payload(
        self, user_id: str, action_id: str, value: str | None = None
    ) -> dict[str, Any]:
        """``block_actions`` for a click in the user's Home tab (no response_url, as in Slack)."""
        view = self.home_view(user_id)
        if view is None:
            raise AssertionError(f"no Home tab published for {user_id}")
        ws = self.workspace
        return payloads.block_actions(
            user_id,
            action_id,
            value,
            view=view,
            trigger_id=self.new_trigger_id(),
            user_name=ws.ensure_user(user_id).name,
            team_id=self.team_id,
            team_domain=ws.team_domain,
            api_app_id=self.app_id,
        )
