"""A background worker thread: runs one pass when woken (and every `poll` seconds, if set),
and outlives any failure of a single pass, so a bad moment never stops deliveries."""

from __future__ import annotations

import logging
import threading

from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def failure_reason(exc: Exception) -> str:
    """What a failed pass step says in the log: Slack's error code, or the exception's type."""
    return exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__


class BackgroundWorker:
    """Subclasses implement `run_once`; `wake()` asks for a pass now, from any thread."""

    name = "worker"
    poll: float | None = None  # seconds between passes when nobody wakes the worker

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        raise NotImplementedError

    def start(self) -> None:
        """Start the thread; its first pass runs at once."""
        self._wake.set()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.poll)
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self.run_once()
            except Exception:  # the thread must outlive any single bad moment
                log.exception("%s: pass failed; carrying on", self.name)
