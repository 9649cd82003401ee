"""`Engine.group`: the paraphrases of a question end up together (typos and Spanish too) and
different questions on the same topic stay apart, on a fixture of questions as Home Pros type
them (tests/fixtures/gaps.jsonl: each labelled with its paraphrase group; `single-*` labels
are look-alikes that belong with nothing)."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

from index.grouping import group

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "gaps.jsonl"
ROWS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line]
TEXTS = [row["text"] for row in ROWS]
LABELS = [row["group"] for row in ROWS]


def pairwise(groups: list[list[int]]) -> tuple[float, float]:
    """Precision and recall of "these two are in one group" over every pair of questions."""
    found = {i: n for n, members in enumerate(groups) for i in members}
    together = same = both = 0
    for i, j in combinations(range(len(TEXTS)), 2):
        grouped, alike = found[i] == found[j], LABELS[i] == LABELS[j]
        together += grouped
        same += alike
        both += grouped and alike
    return both / together, both / same


def test_paraphrases_group_together_and_look_alikes_stay_apart(engine) -> None:
    groups = engine.group(TEXTS)
    assert sorted(i for members in groups for i in members) == list(range(len(TEXTS)))
    precision, recall = pairwise(groups)
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)
    for label, size in Counter(LABELS).items():  # most of each paraphrase group in one
        if size >= 3:
            largest = max(sum(LABELS[i] == label for i in members) for members in groups)
            assert largest >= size * 2 / 3, label
    # Spanish with typos and missing accents groups too, apart from the English.
    bathroom_es = {i for i, label in enumerate(LABELS) if label == "bathroom-es"}
    [spanish] = [members for members in groups if bathroom_es & set(members)]
    assert set(spanish) == bathroom_es
    # Most frequent first: the five ways of asking about praying with a client lead.
    assert [LABELS[i] for i in groups[0]] == ["pray"] * 5
    sizes = [len(members) for members in groups]
    assert sizes == sorted(sizes, reverse=True)


def test_group_of_nothing_one_and_repeats(engine) -> None:
    assert engine.group([]) == []
    assert engine.group(["can i smoke on my break"]) == [[0]]
    repeated = ["can i use their bathroom", "who did you vote for", "can i use their bathroom"]
    assert engine.group(repeated) == [[0, 2], [1]]


def test_blank_texts_and_ties_are_ordered() -> None:
    """No n-gram at all still groups (by the vectors); equal sizes keep their input order."""
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert group(["", " ", "", " "], vectors, ["en"] * 4) == [[0, 2], [1, 3]]
