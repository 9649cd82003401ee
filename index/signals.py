"""What the engine says about a question beyond the passages: confidence, urgency, takeaway.

The thresholds were calibrated on the dev set (tests/devset.jsonl) with `boundary-bot eval`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from index.store import StoredPassage

# Below this cosine similarity the best passage is not guidance on the question.
CONFIDENCE_THRESHOLD = 0.40
# A question is urgent when its best dense match is a safety passage at least this close.
URGENT_THRESHOLD = 0.45
# Situations so clearly dangerous that wording alone makes them urgent.
_EMERGENCY = re.compile(
    r"\b(not breathing|stopped breathing|unconscious|unresponsive|collapsed|passed out|"
    r"heart attack|stroke|seizure|overdos\w*|bleeding (badly|heavily|a lot)|"
    r"(has|with|holding|pulled|waving) an? (gun|knife|weapon)|"
    r"threaten\w* (to )?(kill|hurt|hit|stab|shoot)|"
    r"(hit|punched|slapped|choked|assaulted|attacked|groped) me|"
    r"call(ed)? (911|999|112|an ambulance))\b",
    re.IGNORECASE,
)
# Rank penalty per place: a sentence from the best passage wins a near tie.
_RANK_PENALTY = 0.02


def is_confident(best_similarity: float) -> bool:
    return best_similarity >= CONFIDENCE_THRESHOLD


def is_urgent(question: str, dense: Sequence[tuple[StoredPassage, float]]) -> bool:
    if _EMERGENCY.search(question):
        return True
    if not dense:
        return False
    passage, similarity = dense[0]
    return passage.urgent and similarity >= URGENT_THRESHOLD


def best_sentence(
    question_vector: np.ndarray,
    candidates: Sequence[tuple[StoredPassage, np.ndarray]],
) -> str:
    """The sentence of the top passages closest to the question, by precomputed vectors."""
    best, best_score = "", -np.inf
    for rank, (passage, vectors) in enumerate(candidates):
        if len(vectors) != len(passage.sentences):
            continue
        scores = vectors @ question_vector - rank * _RANK_PENALTY
        for (start, end), vector, score in zip(passage.sentences, vectors, scores, strict=True):
            if score > best_score and vector.any():  # zero: sentence fell past the window
                best, best_score = passage.text[start:end].strip(), float(score)
    if not best and candidates:
        passage = candidates[0][0]
        best = passage.text.split("\n")[0].strip()
    return best
