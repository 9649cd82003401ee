"""HTTP front end: ``/api/<method>`` (Web API) and issued response_urls.

A stdlib ``ThreadingHTTPServer`` is enough: slack_sdk's ``WebClient`` opens
one urllib connection per call, and each request gets its own thread so a
scripted ``delay`` on one call never blocks another.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .recording import ApiCall, CallLog, FailurePlan
from .response_urls import ResponseUrls
from .web_api import ApiRequest, WebApi, decode_json_fields


class HttpBackend:
    """Everything the request handler needs, bundled so the handler stays stateless."""

    def __init__(
        self, api: WebApi, calls: CallLog, failures: FailurePlan, response_urls: ResponseUrls
    ) -> None:
        self.api = api
        self.calls = calls
        self.failures = failures
        self.response_urls = response_urls


class EmulatorHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, backend: HttpBackend) -> None:
        super().__init__((host, 0), _Handler)
        self.backend = backend
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> None:
        # A short poll interval keeps stop() (and so every fixture teardown) fast.
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-emulator-http",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _single_values(pairs: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[-1] for k, v in pairs.items()}


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorHttpServer
    server_version = "SlackEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; tests read ``emu.calls`` instead."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # -- plumbing ----------------------------------------------------------
    def _dispatch(self, verb: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        content_type = self.headers.get("Content-Type", "")
        backend = self.server.backend
        if parts.path.startswith("/api/"):
            self._web_api(parts.path[len("/api/") :], verb, parts.query, raw, content_type)
        elif verb == "POST" and backend.response_urls.owns(parts.path):
            self._response_url(parts.path, raw, content_type)
        else:
            self._send(404, b"not_found", "text/plain")

    def _send(
        self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _send_json(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

    def _drop(self) -> None:
        """Close the TCP connection without answering (urllib raises RemoteDisconnected)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- Web API -------------------------------------------------------------
    def _web_api(self, method: str, verb: str, query: str, raw: str, content_type: str) -> None:
        backend = self.server.backend
        params: dict[str, Any] = _single_values(parse_qs(query, keep_blank_values=True))
        bad_json = False
        if raw:
            if "application/json" in content_type:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
                else:
                    bad_json = True
            else:
                params.update(_single_values(parse_qs(raw, keep_blank_values=True)))
        token = params.pop("token", None)
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        call = ApiCall(
            method=method,
            params=decode_json_fields(params),
            token=token,
            time=time.time(),
            http_method=verb,
            content_type=content_type,
            raw_body=raw,
        )

        failure = backend.failures.take(method, call.params.get("channel"))
        if failure is not None:
            if failure.delay > 0:
                time.sleep(failure.delay)
            if failure.drop_after:
                result = backend.api.handle(
                    ApiRequest(method=method, params=call.params, token=token)
                )
                call.injected = True
                call.status, call.response = None, result.body
                backend.calls.record(call)
                self._drop()
                return
            if failure.drop_connection:
                call.injected = True
                backend.calls.record(call)
                self._drop()
                return
            injected_body = failure.body()
            if injected_body is not None:
                call.injected = True
                call.status, call.response = failure.status, injected_body
                backend.calls.record(call)
                self._send_json(failure.status, injected_body, failure.headers())
                return

        if bad_json:
            result_body: dict[str, Any] = {"ok": False, "error": "invalid_json"}
            call.status, call.response = 200, result_body
            backend.calls.record(call)
            self._send_json(200, result_body)
            return
        result = backend.api.handle(ApiRequest(method=method, params=call.params, token=token))
        call.status, call.response = result.status, result.body
        backend.calls.record(call)
        self._send_json(result.status, result.body, result.headers)

    # -- response_url ------------------------------------------------------
    def _response_url(self, path: str, raw: str, content_type: str) -> None:
        backend = self.server.backend
        failure = backend.failures.take("response_url")
        if failure is not None:
            if failure.delay > 0:
                time.sleep(failure.delay)
            if failure.drop_connection:
                self._drop()
                return
            if failure.status != 200:
                self._send(
                    failure.status,
                    (failure.error or "error").encode(),
                    "text/plain",
                    failure.headers(),
                )
                return
        status, answer = backend.response_urls.handle(path, raw, content_type)
        self._send(status, answer.encode(), "text/html")
