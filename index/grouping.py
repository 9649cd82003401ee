"""Similar questions together: the paraphrases of one question in one group, for the gaps
that supervisors write guidance for (the most frequent question first).

Two questions are alike by meaning (the sentence embedding) and by their characters (n-grams
of the accent-stripped text, which hold up under typos and missing accents). The embedding
model only knows English, and to it any two Spanish sentences look alike, so a pair with a
question in another language is judged mostly by its characters.

Complete linkage: every two questions of a group are alike, so a chain of near neighbours
("use their bathroom" -> "clean their bathroom" -> "clean their oven") never merges topics.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from index.documents import DEFAULT_LANGUAGE
from index.learning import normalize

# Chosen on tests/fixtures/gaps.jsonl (pairwise precision 0.89, recall 0.91).
EMBEDDING_WEIGHT = 0.7  # an English pair: meaning first, characters for typos
OTHER_LANGUAGE_WEIGHT = 0.2  # a pair with a question in another language: characters first
MAX_DISTANCE = 0.55  # 1 - similarity; every pair of a group is at least this close


def group(texts: Sequence[str], vectors: np.ndarray, languages: Sequence[str]) -> list[list[int]]:
    """Indices of `texts` in groups of alike questions, the largest group first (ties: the
    group whose first question comes first); each group's indices ascending.

    `vectors`: the texts' normalized sentence embeddings; `languages`: each text's language.
    """
    count = len(texts)
    if count < 2:
        return [[0]] if count else []
    english = np.array([language == DEFAULT_LANGUAGE for language in languages])
    weight = np.where(np.outer(english, english), EMBEDDING_WEIGHT, OTHER_LANGUAGE_WEIGHT)
    similarity = weight * (vectors @ vectors.T) + (1 - weight) * _character_similarity(texts)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="complete")
    labels = fcluster(tree, MAX_DISTANCE, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


def _character_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of the texts' character n-grams (2-4, inside word boundaries)."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    try:
        ngrams = vectorizer.fit_transform([normalize(t) for t in texts])
    except ValueError:  # nothing but blanks: no n-gram to compare
        return np.zeros((len(texts), len(texts)))
    return (ngrams @ ngrams.T).toarray()
