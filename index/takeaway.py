"""The takeaway of a section that has no curated answer (plain `.txt` guidance): the sentence
of its passages that best answers the question, from sentence vectors computed at build time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

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


def best_sentence(
    question_vector: np.ndarray,
    candidates: Sequence[tuple[str, tuple[tuple[int, int], ...], np.ndarray]],
) -> str:
    """The sentence of the candidate passages (text, sentence spans, sentence vectors), best
    first, that best answers the question.

    Closeness to the question (from vectors computed at build time) decides, with a bonus for
    sentences that give advice; fragments of quotations and lead-ins ending in ':' are skipped.
    """
    best, best_score = "", -np.inf
    for rank, (text, spans, vectors) in enumerate(candidates):
        if len(vectors) != len(spans):
            continue
        scores = vectors @ question_vector - rank * _RANK_PENALTY
        in_window = vectors.any(axis=1)  # a zero vector: past the model's window
        for (sentence, bonus), seen, score in zip(
            _takeaways(text, spans), in_window, scores, strict=True
        ):
            if bonus is None or not seen:
                continue
            if score + bonus > best_score:
                best, best_score = sentence, float(score + bonus)
    if not best and candidates:
        best = candidates[0][0].split("\n")[0].strip()
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
