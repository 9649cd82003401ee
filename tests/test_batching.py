"""The micro-batcher: concurrent callers share batches, each gets its own result, and a failing
batch fails only its own callers."""

from __future__ import annotations

import threading
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
