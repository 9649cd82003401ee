"""Call recording and failure injection for the Web API.

Tests assert on what the bot *sent* (``emu.calls``) and script what Slack
*answers* next (``emu.fail_next``); both are thread-safe because the bot
calls the API from Bolt's listener threads.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiCall:
    """One HTTP request the emulator received on ``/api/<method>``.

    ``params`` merges query string, form fields and JSON body; JSON-string
    fields (``blocks``, ``view``, ...) are already decoded.
    """

    method: str
    params: dict[str, Any]
    token: str | None
    time: float
    status: int | None = None  #: HTTP status answered; ``None`` if the connection was dropped
    response: dict[str, Any] | None = None
    http_method: str = "POST"
    content_type: str = ""
    raw_body: str = ""
    injected: bool = False  #: True when the answer came from ``fail_next``

    @property
    def ok(self) -> bool:
        return bool(self.response and self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return None if self.response is None else self.response.get("error")

    def describe(self) -> str:
        outcome = (
            "dropped" if self.status is None else f"{self.status} {'ok' if self.ok else self.error}"
        )
        params = json.dumps(self.params, default=str)
        if len(params) > 160:
            params = params[:157] + "..."
        return f"{self.method} -> {outcome} {params}"


class CallLog:
    """Append-only list of :class:`ApiCall` with blocking waits."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._calls: list[ApiCall] = []

    def record(self, call: ApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def snapshot(self) -> list[ApiCall]:
        with self._cond:
            return list(self._calls)

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> ApiCall:
        """Block until ``count`` matching calls exist; return the ``count``-th one."""
        deadline = time.monotonic() + timeout

        def matches() -> list[ApiCall]:
            return [
                c for c in self._calls if c.method == method and (predicate is None or predicate(c))
            ]

        with self._cond:
            while True:
                found = matches()
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    listing = (
                        "\n".join(f"  {i}: {c.describe()}" for i, c in enumerate(self._calls))
                        or "  (none)"
                    )
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} call(s) to {method!r}"
                        f"{' matching predicate' if predicate else ''}; got {len(found)}."
                        f" Calls so far:\n{listing}"
                    )
                self._cond.wait(remaining)


@dataclass
class Failure:
    """A scripted answer for the next call(s) to a method (see ``SlackEmulator.fail_next``)."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    drop_connection: bool = False
    drop_after: bool = False  #: carry the call out, then cut the connection before answering
    channel: str | None = None  #: only calls with this ``channel`` parameter consume it
    delay: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    remaining: int = 1

    def body(self) -> dict[str, Any] | None:
        if self.error is None:
            return None
        return {"ok": False, "error": self.error, **self.extra}

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


_DEFAULT_ERRORS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}


def make_failure(
    *,
    status: int | None,
    error: str | None,
    retry_after: int | None,
    times: int,
    drop_connection: bool,
    delay: float,
    extra: dict[str, Any] | None,
    drop_after: bool = False,
    channel: str | None = None,
) -> Failure:
    """Normalise ``fail_next`` arguments: 429 implies ``ratelimited`` + ``Retry-After``."""
    if times < 1:
        raise ValueError("times must be >= 1")
    if status is None:
        status = 200
    if status == 429 and retry_after is None:
        retry_after = 1
    if error is None and status != 200:
        error = _DEFAULT_ERRORS.get(status, "fatal_error")
    if status == 200 and error is None and not (drop_connection or drop_after) and delay <= 0:
        raise ValueError("fail_next needs status, error, drop_connection, drop_after or delay")
    return Failure(
        status=status,
        error=error,
        retry_after=retry_after,
        drop_connection=drop_connection,
        drop_after=drop_after,
        channel=channel,
        delay=delay,
        extra=dict(extra or {}),
        remaining=times,
    )


class FailurePlan:
    """FIFO of scripted failures per method; ``"*"`` matches every method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: dict[str, list[Failure]] = {}

    def add(self, method: str, failure: Failure) -> None:
        with self._lock:
            self._queue.setdefault(method, []).append(failure)

    def take(self, method: str, channel: Any = None) -> Failure | None:
        """The first scripted failure for `method` (or "*") that applies to `channel`."""
        with self._lock:
            for key in (method, "*"):
                queue = self._queue.get(key) or []
                for failure in queue:
                    if failure.channel is not None and failure.channel != channel:
                        continue
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        queue.remove(failure)
                    return failure
            return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
