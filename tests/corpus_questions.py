"""Questions whose answers on tests/corpus are known, shared by the tests that compose, render
and post those answers (in process and end to end)."""

from __future__ import annotations

WATCH = "she offered me her late husbands watch, can I take it?"  # Gifts and tips > Accepting gifts

# An emergency of each kind, with the kind's title and first step in the question's language.
URGENT = [
    (
        "it smells like rotten eggs in the hallway",
        "Possible gas leak",
        "Leave now and take everyone with you.",
    ),
    ("HUELE A GAS EN LA SALA", "Posible fuga de gas", "Sal ya y llévate a todos."),
    (
        "he says he will hurt me if i leave",
        "Someone is threatening you",
        "Leave now; leave your things if you need to.",
    ),
]
