"""Batch concurrent questions into one encode call, and keep the model busy between batches.

On two cores, one forward pass over 32 questions costs far less than 32 passes; a worker
thread takes whatever has queued up while the previous batch was encoding.

Each batch has two parts: `start` hands its forward pass to the model thread and returns at
once, `finish` waits for it and answers the questions. The worker starts the next batch as
soon as the model is free, before finishing the current one, so the model encodes the next
batch while this thread answers the last: the answering (SQLite, numpy, Python) no longer
leaves the model idle between batches. A lone question takes the same path with nothing to
overlap, so it waits for nothing.

The worker, not the callers, does the answering: were 32 callers to finish their answers
themselves, they would fight over the GIL with the model thread, which needs it between
every operation of a forward pass.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

MAX_BATCH = 64

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")


@dataclass(frozen=True)
class Started(Generic[S]):
    """A batch whose slow part is running elsewhere: `running` is done when that part is,
    and `state` is what `finish` needs."""

    running: Future[Any]
    state: S


class MicroBatcher(Generic[T, S, R]):
    """Runs `start` then `finish` on the items queued by concurrent callers, one result each."""

    def __init__(
        self,
        start: Callable[[Sequence[T]], Started[S]],
        finish: Callable[[Sequence[T], S], Sequence[R]],
    ) -> None:
        self._start = start
        self._finish = finish
        self._queue: queue.SimpleQueue[tuple[T, Future[R]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, item: T) -> R:
        """The result for one item, computed together with any concurrent callers' items."""
        future: Future[R] = Future()
        self._queue.put((item, future))
        self._ensure_worker()
        return future.result()

    def _ensure_worker(self) -> None:
        if self._worker is None:
            with self._start_lock:
                if self._worker is None:
                    self._worker = threading.Thread(
                        target=self._run, name="encode-batcher", daemon=True
                    )
                    self._worker.start()

    def _take(self, block: bool) -> list[tuple[T, Future[R]]]:
        """What has queued up (waiting for a first item if `block`), at most MAX_BATCH."""
        batch: list[tuple[T, Future[R]]] = []
        try:
            batch.append(self._queue.get(block=block))
            while len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        return batch

    def _begin(
        self, batch: list[tuple[T, Future[R]]]
    ) -> tuple[list[tuple[T, Future[R]]], Started[S]] | None:
        """Start a batch; if starting fails, its callers get the error and None is returned."""
        try:
            return batch, self._start([item for item, _ in batch])
        except BaseException as exc:
            _fail(batch, exc)
            return None

    def _run(self) -> None:
        current = None
        while True:
            if current is None:
                current = self._begin(self._take(block=True))
                continue
            batch, started = current
            wait([started.running])  # the model is free: start what queued up meanwhile
            waiting = self._take(block=False)
            current = self._begin(waiting) if waiting else None
            try:
                results = self._finish([item for item, _ in batch], started.state)
            except BaseException as exc:
                _fail(batch, exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)


def _fail(batch: Sequence[tuple[Any, Future[Any]]], exc: BaseException) -> None:
    """Hand a failure to every caller waiting on the batch."""
    for _, future in batch:
        future.set_exception(exc)
