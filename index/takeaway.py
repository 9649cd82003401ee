"""What the engine says about a question beyond the passages: confidence, urgency, takeaway.

Both judgements compare the question with the guidance and with example situations
(`index.prototypes`); the margins were calibrated on the dev set (tests/devset.jsonl) with
`boundary-bot eval`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import numpy as np

from index import prototypes
from index.store import StoredPassage

# Below this cosine, no passage of the guidance is about the question.
MIN_SIMILARITY = 0.25
# Urgent: closer to a safety situation than to any ordinary one by this much...
URGENT_MARGIN = 0.07
# ...and at least this close to a safety situation.
URGENT_SIMILARITY = 0.45
# Situations so clearly dangerous that wording alone makes them urgent.
_EMERGENCY = re.compile(
    r"\b(not breathing|stopped breathing|can'?t breathe|unconscious|unresponsive|collapsed|"
    r"passed out|heart attack|stroke|seizure|overdos\w*|bleeding (badly|heavily|a lot)|"
    r"(gun|knife|weapon)s?|"
    r"(hurt|kill|stab|shoot|beat|rape) (me|you|her|him)|"
    r"(hit|punched|slapped|choked|assaulted|attacked|groped) me|"
    r"call(ed)? (911|999|112|an ambulance))\b",
    re.IGNORECASE,
)
# Rank penalty per place: a sentence from the best passage wins a near tie.
_RANK_PENALTY = 0.02
# A takeaway should tell the Home Pro what to do, not retell the situation.
_ADVICE = re.compile(
    r"^(say|tell|ask|thank|decline|explain|keep|leave|call|report|stop|avoid|offer|let|"
    r"write|check|give|suggest|stay|get|make|don't|do not|never|always|only)\b|"
    r"\b(should|shouldn't|must|don't|do not|never|not allowed|decline|politely|"
    r"is fine|may be fine|is ok|it's ok|instead|supervisor|the office)\b",
    re.IGNORECASE,
)
_ADVICE_BONUS = 0.08


class Judge:
    """Holds the example situations' vectors for one model."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._urgent = encode(prototypes.URGENT)
        self._ordinary = encode(prototypes.ORDINARY)
        self._out_of_scope = encode(prototypes.OUT_OF_SCOPE)

    def judge(self, question: str, vector: np.ndarray, best: float) -> tuple[bool, bool]:
        """(confident, urgent) for a question whose best passage has cosine `best`."""
        urgent_sim = float((self._urgent @ vector).max())
        ordinary_sim = float((self._ordinary @ vector).max())
        outside_sim = float((self._out_of_scope @ vector).max())
        inside = max(best, urgent_sim, ordinary_sim)
        confident = best >= MIN_SIMILARITY and inside > outside_sim
        urgent = bool(_EMERGENCY.search(question)) or (
            urgent_sim >= URGENT_SIMILARITY and urgent_sim - ordinary_sim >= URGENT_MARGIN
        )
        return confident, urgent


def best_sentence(
    question_vector: np.ndarray,
    candidates: Sequence[tuple[StoredPassage, np.ndarray]],
) -> str:
    """The sentence of the top passages that best answers the question.

    Closeness to the question (from vectors computed at build time) decides, with a bonus for
    sentences that give advice; fragments of quotations and lead-ins ending in ':' are skipped.
    """
    best, best_score = "", -np.inf
    for rank, (passage, vectors) in enumerate(candidates):
        if len(vectors) != len(passage.sentences):
            continue
        scores = vectors @ question_vector - rank * _RANK_PENALTY
        in_window = vectors.any(axis=1)  # a zero vector: past the model's window
        for (sentence, bonus), seen, score in zip(
            _takeaways(passage.text, passage.sentences), in_window, scores, strict=True
        ):
            if bonus is None or not seen:
                continue
            if score + bonus > best_score:
                best, best_score = sentence, float(score + bonus)
    if not best and candidates:
        best = candidates[0][0].text.split("\n")[0].strip()
    return best


@functools.lru_cache(maxsize=4096)
def _takeaways(
    text: str, spans: tuple[tuple[int, int], ...]
) -> tuple[tuple[str, float | None], ...]:
    """Each sentence of a passage with its advice bonus, or None if it cannot be a takeaway.

    Cached: the same few passages come up again and again, and running the regular
    expressions over every sentence of them was a sixth of the work of answering.
    """
    sentences = (text[start:end].strip() for start, end in spans)
    return tuple(
        (s, (_ADVICE_BONUS if _ADVICE.search(s) else 0.0) if _usable(s) else None)
        for s in sentences
    )


def _usable(sentence: str) -> bool:
    quotes = sentence.count('"') + sentence.count("\u201c") + sentence.count("\u201d")
    return quotes % 2 == 0 and not sentence.endswith(":")
