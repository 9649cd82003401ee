"""Batch concurrent questions into one encode call.

On two cores, one forward pass over 32 questions costs far less than 32 passes; a worker
thread takes whatever has queued up while the previous batch ran.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np

MAX_BATCH = 64


class MicroBatcher:
    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._encode = encode
        self._queue: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def encode(self, text: str) -> np.ndarray:
        """The vector of one text, computed together with any concurrent callers' texts."""
        future: Future[np.ndarray] = Future()
        self._queue.put((text, future))
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

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self._encode([text for text, _ in batch])
            except BaseException as exc:  # hand the failure to every waiting caller
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)
