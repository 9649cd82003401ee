"""The micro-batcher: concurrent callers share batches, each gets its own result, a failing
batch fails only its own callers, and askers served together are waited for together."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from index.batching import MicroBatcher


class Recorder:
    """A batch function that logs its batches; a batch holding `bad` fails."""

    def __init__(self, bad: int = -1) -> None:
        self.batches: list[tuple[int, ...]] = []
        self.bad = bad

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(tuple(items))
        if self.bad in items:
            raise ValueError("batch failed")
        return [i * 10 for i in items]


def test_every_caller_gets_its_own_result() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder)
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(batcher.submit, range(40))) == [i * 10 for i in range(40)]
    assert sorted(i for batch in recorder.batches for i in batch) == list(range(40))


def ask(batcher: MicroBatcher, item: int) -> int | Exception:
    """`batcher.submit(item)` from a daemon thread: a dead batcher fails the test, not hangs it."""
    outcome: list[int | Exception] = []

    def run() -> None:
        try:
            outcome.append(batcher.submit(item))
        except Exception as exc:
            outcome.append(exc)

    asker = threading.Thread(target=run, daemon=True)
    asker.start()
    asker.join(timeout=10)
    assert outcome, "no answer within 10 s"
    return outcome[0]


def test_a_failing_batch_fails_its_callers_and_the_batcher_goes_on() -> None:
    batcher = MicroBatcher(Recorder(bad=3))
    assert ask(batcher, 1) == 10
    failed = ask(batcher, 3)
    assert isinstance(failed, ValueError) and str(failed) == "batch failed"
    assert ask(batcher, 4) == 40


class Gate(Recorder):
    """A batch function whose first batch waits until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[int]:
        if not self.batches:
            self.started.set()
            assert self.release.wait(timeout=10)
        return super().__call__(items)


def ask_later(
    batcher: MicroBatcher, items: Sequence[int], gap: float = 0.0
) -> list[threading.Thread]:
    """Threads submitting `items`, started `gap` seconds apart."""
    threads = []
    for item in items:
        thread = threading.Thread(target=batcher.submit, args=(item,), daemon=True)
        thread.start()
        threads.append(thread)
        time.sleep(gap)
    return threads


def share_one_batch(batcher: MicroBatcher, gate: Gate, items: Sequence[int]) -> None:
    """Hold the worker in batch (0,) while `items` queue up, then let it go on."""
    first = ask_later(batcher, [0])
    assert gate.started.wait(timeout=10)
    waiting = ask_later(batcher, items)
    deadline = time.monotonic() + 10
    while batcher._queue.qsize() < len(items) and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.release.set()
    for thread in first + waiting:
        thread.join(timeout=10)


def test_questions_queued_during_a_batch_share_the_next_one() -> None:
    gate = Gate()
    batcher = MicroBatcher(gate, fill_wait=0.0)
    share_one_batch(batcher, gate, [1, 2, 3, 4, 5])
    assert [sorted(b) for b in gate.batches] == [[0], [1, 2, 3, 4, 5]]


def test_askers_served_together_are_waited_for_together() -> None:
    gate = Gate()
    batcher = MicroBatcher(gate, fill_wait=5.0)
    share_one_batch(batcher, gate, [1, 2, 3])
    started = time.monotonic()
    for thread in ask_later(batcher, [4, 5, 6], gap=0.05):  # they trickle back
        thread.join(timeout=10)
    assert [sorted(b) for b in gate.batches] == [[0], [1, 2, 3], [4, 5, 6]]
    # The wait ended when the third came back, not at the 5 s limit.
    assert time.monotonic() - started < 2.5


def test_a_lone_asker_is_never_kept_waiting() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, fill_wait=5.0)
    started = time.monotonic()
    assert [ask(batcher, i) for i in (1, 2, 3)] == [10, 20, 30]
    assert time.monotonic() - started < 2.5
    assert recorder.batches == [(1,), (2,), (3,)]
