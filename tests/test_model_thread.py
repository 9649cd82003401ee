"""All torch work runs on one thread, whichever thread asks (see index/model_thread.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from index.model_thread import on_model_thread, submit


def test_every_forward_pass_runs_on_the_model_thread(engine) -> None:
    seen: set[str] = set()
    hook = engine.embedder.model.register_forward_pre_hook(
        lambda module, args: seen.add(threading.current_thread().name)
    )
    try:
        engine.embedder.encode_queries(["from the main thread"])
        engine.embedder.encode_passages(["A passage. Two sentences."], [[(0, 10), (11, 25)]])
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(engine.ask, ["can I take a tip", "fix my laptop"] * 4))
    finally:
        hook.remove()
    assert len(seen) == 1 and next(iter(seen)).startswith("torch")


def test_errors_reach_the_caller_and_nested_calls_run_inline() -> None:
    def fail() -> None:
        raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        on_model_thread(fail)
    # From the model thread itself, work runs at once instead of queueing behind itself.
    inner = on_model_thread(lambda: submit(threading.current_thread).result(timeout=5))
    assert inner.name.startswith("torch") and inner is not threading.current_thread()
