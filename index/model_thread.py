"""One thread runs all of this process's torch work.

Why: torch's OpenMP runtime (libgomp) gives every thread that calls into torch its own team of
worker threads. Once two threads have called in, the teams together outnumber the cores, and
libgomp stops letting idle workers spin: they sleep between operations and must be woken for
each of the hundreds of small operations in a forward pass. On the two-core machine this was
measured on, one-question encodes then ran at half speed in every thread, for good (47
questions/s against 90), although only one thread was encoding at a time. A running engine
loads the model and builds the index in one thread and answers in another, so it always paid.

Work is handed over one call at a time (a batch, not a whole index build), so Ctrl-C waits for
at most one batch before the process exits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_local = threading.local()


def _mark() -> None:
    _local.is_model_thread = True


_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="torch", initializer=_mark)


def submit(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """Start `fn(*args, **kwargs)` on the model thread; the caller may work meanwhile.

    On the model thread itself, `fn` runs at once (queueing behind itself would deadlock).
    """
    if not getattr(_local, "is_model_thread", False):
        return _EXECUTOR.submit(fn, *args, **kwargs)
    done: Future[T] = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except BaseException as exc:
        done.set_exception(exc)
    return done


def on_model_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)`, run on the model thread; exceptions are raised here."""
    return submit(fn, *args, **kwargs).result()
