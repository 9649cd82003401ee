"""Socket Mode WebSocket server (``websockets`` sync API, one thread per connection).

Protocol per docs.slack.dev/apis/events-api/using-socket-mode:

* ``apps.connections.open`` returns ``ws://.../link/?ticket=...&app_id=...``;
* on connect Slack sends ``{"type": "hello", "connection_info": {"app_id"},
  "num_connections", "debug_info": {...}}``;
* each delivery is ``{"envelope_id", "type": "events_api"|"slash_commands"|
  "interactive", "payload", "accepts_response_payload"}`` (events_api also
  carries ``retry_attempt``/``retry_reason``) and goes to *one* connection;
* the app acks with ``{"envelope_id", "payload"?}``;
* ``{"type": "disconnect", "reason": "refresh_requested"|"warning"|
  "link_disabled", "debug_info": {"host"}}`` asks the app to reconnect.

slack_sdk's built-in client speaks plain ``ws://`` to any port but 443.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

DEBUG_HOST = "applink-emulator-0"


class _Link:
    """One open app connection; ``send`` is serialised because several test threads may push."""

    def __init__(self, ws: ServerConnection, number: int) -> None:
        self.ws = ws
        self.number = number
        self.lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.ws.send(json.dumps(message))


class SocketModeServer:
    """Issues tickets, greets connections, pushes envelopes and collects acks."""

    def __init__(self, host: str, app_id: str, ping_interval: float | None = 0.2) -> None:
        self.host = host
        self.app_id = app_id
        self.ping_interval = ping_interval
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._connect_count = 0
        self.acks: dict[str, dict[str, Any]] = {}
        self.sent: dict[str, dict[str, Any]] = {}
        self.received: list[dict[str, Any]] = []

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        self._server = serve(
            self._handle,
            self.host,
            0,
            process_request=self._check_ticket,
            compression=None,
            # Slack pings its clients; frequent pings also make slack_sdk's built-in
            # client (3 s blocking recv under a lock) close and reconnect quickly.
            ping_interval=self.ping_interval,
            ping_timeout=10,
            close_timeout=1,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-emulator-ws", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self._server is not None, "socket mode server not started"
        return int(self._server.socket.getsockname()[1])

    def issue_url(self) -> str:
        """A fresh ``/link/?ticket=`` URL, as ``apps.connections.open`` returns."""
        ticket = secrets.token_hex(12)
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # -- websocket side ------------------------------------------------------
    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        if not parts.path.startswith("/link"):
            return connection.respond(404, "not found\n")
        ticket = parse_qs(parts.query).get("ticket", [""])[0]
        with self._cond:
            known = ticket in self._tickets
        if not known:
            return connection.respond(401, "invalid or missing ticket\n")
        return None

    def _handle(self, ws: ServerConnection) -> None:
        with self._cond:
            self._connect_count += 1
            link = _Link(ws, self._connect_count)
            num_connections = len(self._links) + 1
        try:
            link.send(
                {
                    "type": "hello",
                    "num_connections": num_connections,
                    "debug_info": {
                        "host": DEBUG_HOST,
                        "build_number": 10,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
            with self._cond:
                self._links.append(link)
                self._cond.notify_all()
            for raw in ws:
                try:
                    message = json.loads(raw)
                except (TypeError, ValueError):
                    continue
                if not isinstance(message, dict):
                    continue
                with self._cond:
                    self.received.append(message)
                    envelope_id = message.get("envelope_id")
                    if isinstance(envelope_id, str):
                        self.acks.setdefault(envelope_id, message)
                    self._cond.notify_all()
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._cond:
                if link in self._links:
                    self._links.remove(link)
                self._cond.notify_all()

    # -- test side -----------------------------------------------------------
    @property
    def connection_count(self) -> int:
        with self._cond:
            return len(self._links)

    @property
    def total_connects(self) -> int:
        """Connections ever greeted (a reconnect increments it)."""
        with self._cond:
            return self._connect_count

    def wait_connected(self, timeout: float, total_connects: int | None = None) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (
                self._links and (total_connects is None or self._connect_count >= total_connects)
            ):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no Socket Mode client connected within {timeout}s "
                        f"(open: {len(self._links)}, connects so far: {self._connect_count}, "
                        f"wanted: {total_connects or 1})"
                    )
                self._cond.wait(remaining)

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool | None = None,
        envelope_id: str | None = None,
        wait_connected: float = 5.0,
    ) -> str:
        if type not in ("events_api", "slash_commands", "interactive"):
            raise ValueError(f"unknown envelope type {type!r}")
        if accepts_response_payload is None:
            accepts_response_payload = type != "events_api"
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api" or retry_attempt:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self.wait_connected(wait_connected)
        with self._cond:
            link = self._links[-1]  # Slack delivers to one connection; the newest is the live one
            self.sent[envelope_id] = envelope
        link.send(envelope)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self.acks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    sent = self.sent.get(envelope_id)
                    what = (
                        f"{sent['type']} {json.dumps(sent['payload'])[:200]}"
                        if sent
                        else "(never sent)"
                    )
                    raise AssertionError(
                        f"no ack for envelope {envelope_id} within {timeout}s: {what}\n"
                        f"acks received: {sorted(self.acks)}"
                    )
                self._cond.wait(remaining)
            return self.acks[envelope_id]

    def ack_for(self, envelope_id: str) -> dict[str, Any] | None:
        with self._cond:
            return self.acks.get(envelope_id)

    def broadcast(self, message: dict[str, Any]) -> int:
        with self._cond:
            links = list(self._links)
        for link in links:
            with contextlib.suppress(ConnectionClosed):
                link.send(message)
        return len(links)

    def disconnect(self, reason: str) -> int:
        return self.broadcast(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": DEBUG_HOST}}
        )

    def close(self, code: int = 1001, reason: str = "") -> None:
        """Close every connection with a WebSocket close frame (server going away)."""
        with self._cond:
            links = list(self._links)
        for link in links:
            with contextlib.suppress(ConnectionClosed, OSError):
                link.ws.close(code, reason)

    def drop(self) -> None:
        """Kill every connection at the TCP level, as a network failure would."""
        with self._cond:
            links = list(self._links)
        for link in links:
            with contextlib.suppress(OSError):
                link.ws.socket.shutdown(socket.SHUT_RDWR)
