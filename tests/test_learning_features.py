"""The learned models' text features: how typed messages are normalized, and which n-grams a
corpus keeps (a large one drops those seen once, which cannot generalize and cost memory)."""

from __future__ import annotations

from index.learning import PRUNE_FROM, TextFeatures, normalize


def test_normalize_folds_case_accents_repeats_and_spaces() -> None:
    typed = "  ¡AYÚDAME!!!   la señora   no respira  "
    assert normalize(typed) == "¡ayudame!! la senora no respira"
    assert normalize("heeeelp") == "heelp"


def _corpus(size: int) -> list[str]:
    """`size` texts that share words, and one text with a word seen nowhere else."""
    return [f"client offered me a gift number {i % 7}" for i in range(size - 1)] + [
        "zyxwq appears once"
    ]


def test_a_small_corpus_keeps_every_word() -> None:
    features = TextFeatures().fit(_corpus(50))
    assert "zyxwq" in features.words.vocabulary_
    assert "client" in features.words.vocabulary_


def test_a_large_corpus_drops_ngrams_seen_in_one_text_only() -> None:
    features = TextFeatures().fit(_corpus(PRUNE_FROM))
    assert "zyxwq" not in features.words.vocabulary_
    assert " zyx" not in features.chars.vocabulary_
    assert "client" in features.words.vocabulary_
    # A message with the unseen word is still featurized by what it shares with the corpus.
    assert features.ngrams(["zyxwq client gift"]).nnz > 0
