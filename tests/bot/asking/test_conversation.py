"""The short per-person memory that lets a follow-up be read with the question before it:
its window, who it belongs to, what it keeps, its size bound, and threads at once."""

from __future__ import annotations

import threading

from bot.asking.conversation import WINDOW_SECONDS, Conversations, Place
from tests import factories

GIFTS = factories.section(doc="Gifts", section="Accepting gifts", text="Decline.")
TIPS = factories.section(doc="Gifts", section="Cash tips", text="Decline.")
ALICE = Place("U0ALICE", "D0ALICE")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_turn_is_recalled_within_ten_minutes_then_forgotten() -> None:
    clock = Clock()
    memory = Conversations(clock=clock)
    memory.remember(ALICE, "she offered me a watch", GIFTS)
    clock.now += WINDOW_SECONDS - 1
    turn = memory.recall(ALICE)
    assert turn and turn.question == "she offered me a watch" and turn.section == GIFTS
    clock.now += 2
    assert memory.recall(ALICE) is None and len(memory) == 0


def test_turns_belong_to_one_person_channel_and_thread() -> None:
    memory = Conversations()
    memory.remember(ALICE, "she offered me a watch", GIFTS)
    for elsewhere in (
        Place("U0BOB", "D0ALICE"),  # another person, even in the same channel id
        Place("U0ALICE", "C0GENERAL"),  # the same person in another channel
        Place("U0ALICE", "D0ALICE", "1700000000.000100"),  # a thread of its own
    ):
        assert memory.recall(elsewhere) is None
    assert memory.recall(ALICE) is not None


def test_a_follow_up_on_the_same_situation_keeps_the_question_that_set_it() -> None:
    memory = Conversations()
    memory.remember(ALICE, "she offered me her late husbands watch", GIFTS)
    memory.remember(ALICE, "what if she insists?", GIFTS)
    turn = memory.recall(ALICE)
    assert turn and turn.question == "she offered me her late husbands watch"
    memory.remember(ALICE, "and a cash tip?", TIPS)  # a new situation
    turn = memory.recall(ALICE)
    assert turn and turn.question == "and a cash tip?" and turn.section == TIPS
    memory.remember(ALICE, "when is payday", None)  # elsewhere: the situation is over
    turn = memory.recall(ALICE)
    assert turn and turn.question == "when is payday" and turn.section is None


def test_a_follow_up_renews_the_window() -> None:
    clock = Clock()
    memory = Conversations(clock=clock)
    memory.remember(ALICE, "she offered me a watch", GIFTS)
    clock.now += WINDOW_SECONDS - 10
    memory.remember(ALICE, "what if she insists?", GIFTS)
    clock.now += WINDOW_SECONDS - 10
    assert memory.recall(ALICE) is not None


def test_the_memory_is_bounded_and_drops_the_least_recent_first() -> None:
    memory = Conversations(capacity=3)
    for n in range(5):
        memory.remember(Place(f"U{n}", "D"), f"question {n}", None)
    assert len(memory) == 3
    assert memory.recall(Place("U0", "D")) is None and memory.recall(Place("U1", "D")) is None
    assert memory.recall(Place("U4", "D")) is not None


def test_many_threads_at_once_stay_within_the_bound() -> None:
    memory = Conversations(capacity=50)
    barrier = threading.Barrier(20)

    def talk(n: int) -> None:
        barrier.wait()
        for i in range(100):
            place = Place(f"U{n}", "D", str(i % 7))
            memory.remember(place, f"q{i}", GIFTS if i % 2 else None)
            memory.recall(place)

    threads = [threading.Thread(target=talk, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memory) == 50
