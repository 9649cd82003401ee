"""The micro-batcher: one result per caller, failures to the right callers, and the next batch
started while the last one is being finished."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from index.batching import MicroBatcher, Started


class Recorder:
    """start/finish that log what they did; items equal to `bad_*` make that part fail."""

    def __init__(self, bad_start: int = -1, bad_finish: int = -1) -> None:
        self.events: list[tuple[str, tuple[int, ...]]] = []
        self.bad_start, self.bad_finish = bad_start, bad_finish
        self.lock = threading.Lock()

    def start(self, items: Sequence[int]) -> Started[tuple[int, ...]]:
        with self.lock:
            self.events.append(("start", tuple(items)))
        if self.bad_start in items:
            raise ValueError("start failed")
        done: Future[None] = Future()
        done.set_result(None)
        return Started(done, tuple(items))

    def finish(self, items: Sequence[int], state: tuple[int, ...]) -> list[int]:
        assert tuple(items) == state
        with self.lock:
            self.events.append(("finish", tuple(items)))
        if self.bad_finish in items:
            raise ValueError("finish failed")
        return [i * 10 for i in items]


def ask_all(batcher: MicroBatcher, items: list[int]) -> list[int | str]:
    def one(i: int) -> int | str:
        try:
            return batcher.submit(i)
        except ValueError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, items))


def test_every_caller_gets_its_own_result() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder.start, recorder.finish)
    assert ask_all(batcher, list(range(40))) == [i * 10 for i in range(40)]
    started = [items for kind, items in recorder.events if kind == "start"]
    assert sorted(i for items in started for i in items) == list(range(40))


@pytest.mark.parametrize("part", ["start", "finish"])
def test_a_failing_batch_fails_its_callers_and_the_batcher_goes_on(part: str) -> None:
    recorder = Recorder(**{f"bad_{part}": 3})
    batcher = MicroBatcher(recorder.start, recorder.finish)
    assert batcher.submit(1) == 10
    with pytest.raises(ValueError, match=f"{part} failed"):
        batcher.submit(3)
    assert batcher.submit(4) == 40


def test_the_next_batch_starts_before_the_last_is_finished() -> None:
    """While batch A is encoding, B queues; B is started before A is finished."""
    gate = threading.Event()
    order: list[str] = []

    def start(items: Sequence[str]) -> Started[None]:
        order.append(f"start {''.join(items)}")
        running: Future[None] = Future()
        if items == ["a"]:  # "encoding" until b has queued up
            threading.Thread(target=lambda: (gate.wait(5), running.set_result(None))).start()
        else:
            running.set_result(None)
        return Started(running, None)

    def finish(items: Sequence[str], state: None) -> list[str]:
        order.append(f"finish {''.join(items)}")
        return list(items)

    batcher = MicroBatcher(start, finish)
    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(batcher.submit, "a")
        while order != ["start a"]:
            threading.Event().wait(0.001)
        b = pool.submit(batcher.submit, "b")
        while batcher._queue.empty():  # b is queued behind a's "encode"
            threading.Event().wait(0.001)
        gate.set()
        assert (a.result(5), b.result(5)) == ("a", "b")
    assert order == ["start a", "start b", "finish a", "finish b"]
