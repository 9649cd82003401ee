"""What a person just asked, so a follow-up ("what if she insists?") is read with it.

Kept for a short while in this process's memory only: never written to `bot.db`, never
shared between people (the key is the person, the channel and the thread), bounded in size,
and forgotten after `WINDOW_SECONDS` without a new answer. A restart forgets everything,
which costs at most one follow-up being read on its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from index import Section

WINDOW_SECONDS = 600.0  # how long a follow-up is read with the question before it
CAPACITY = 10_000  # conversations kept at once; the least recently answered go first


@dataclass(frozen=True)
class Place:
    """Where a conversation happens: one person, one channel, one thread ("" for none)."""

    user_id: str
    channel_id: str
    thread: str = ""


@dataclass(frozen=True)
class Turn:
    """The question that set the situation, and the section it was answered with."""

    question: str
    section: Section | None
    at: float


class Conversations:
    """Thread-safe: listeners for different people run at once."""

    def __init__(
        self,
        window: float = WINDOW_SECONDS,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.capacity = capacity
        self.clock = clock  # injectable, so tests move time instead of sleeping
        self._lock = threading.Lock()
        self._turns: OrderedDict[Place, Turn] = OrderedDict()  # least recent first

    def recall(self, place: Place) -> Turn | None:
        """The last turn at `place`, unless it is older than the window."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            return self._turns.get(place)

    def remember(self, place: Place, question: str, section: Section | None) -> None:
        """`question` was just answered at `place` with `section` (None: no section).

        A follow-up answered with the same section as the turn before keeps that turn's
        question: "she offered me her watch" stays the context of "and if she gets upset?",
        not "what if she insists?", which says nothing of the situation.
        """
        now = self.clock()
        with self._lock:
            earlier = self._turns.pop(place, None)
            if earlier and section and _same(earlier.section, section):
                question = earlier.question
            self._turns[place] = Turn(question, section, now)
            self._expire(now)
            while len(self._turns) > self.capacity:
                self._turns.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._turns)

    def _expire(self, now: float) -> None:
        """Drop turns past the window (the oldest are first, so stop at the first fresh one)."""
        while self._turns:
            place, turn = next(iter(self._turns.items()))
            if now - turn.at <= self.window:
                return
            del self._turns[place]


def _same(a: Section | None, b: Section) -> bool:
    return a is not None and a.citation == b.citation
