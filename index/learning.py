"""Judgements learned from the knowledge at build time: is a message an emergency (and which
kind), is it about boundaries at all (or a greeting), which language is it in, and which
sections' example questions does it resemble in its characters.

Everything is trained from labelled examples that admins keep in `knowledge/` (example
questions, emergency situations, look-alikes, out-of-scope questions), so an added example
is learned by the next build. The features are the sentence embedding plus character n-grams
of the accent-stripped text: the embedding model only knows English, and character n-grams
hold up under typos, missing accents and Spanish.

Training is deterministic (fixed solvers, sorted inputs), so the same knowledge always gives
the same judgements.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from index.documents import GENERAL_EMERGENCY, GUIDANCE
from index.sections import ANSWER, NOT_URGENT, QUESTION, Entry, Section

LEARNING_VERSION = "9"  # bump when features or models change: cached models are retrained
EMBEDDING_WEIGHT = 1.0  # the dense vector's weight beside the unit-length n-gram vectors
SECTION_CANDIDATES = 50  # sections the classifier ranks per question
LOOK_ALIKE_WEIGHT = 2.0  # a labelled look-alike counts this many ordinary examples
# From this many labelled texts on, an n-gram must occur in two of them to be a feature: one
# seen once cannot generalize, and such n-grams were half the features (and of the models'
# memory: 790 -> 703 MB peak answering on the bundled knowledge), with dev hit@1 the same and
# the detector within a message. A small corpus keeps every n-gram; it needs them.
PRUNE_FROM = 2000
LABELLED = frozenset({QUESTION, NOT_URGENT, ANSWER})  # the entries the models learn from
Model = TypeVar("Model", LogisticRegression, LinearSVC)
_REPEATS = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, accents off, "heeelp" -> "heelp", one space: how typed messages vary."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", _REPEATS.sub(r"\1\1", text)).strip()


class TextFeatures:
    """Character n-grams (2-5, inside word boundaries) + word unigrams/bigrams + embedding."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32
        )
        self.words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b",
            dtype=np.float32,
        )
        self.fitted = False

    def fit(self, texts: Sequence[str]) -> TextFeatures:
        normalized = [normalize(t) for t in texts]
        min_df = 2 if len(normalized) >= PRUNE_FROM else 1
        self.chars.set_params(min_df=min_df)
        self.words.set_params(min_df=min_df)
        self.chars.fit(normalized)
        self.words.fit(normalized)
        self.fitted = True
        return self

    def ngrams(self, texts: Sequence[str]) -> sparse.csr_matrix:
        normalized = [normalize(t) for t in texts]
        return sparse.hstack(
            [self.chars.transform(normalized), self.words.transform(normalized)], format="csr"
        )

    def combine(self, ngrams: sparse.csr_matrix, vectors: np.ndarray) -> sparse.csr_matrix:
        dense = sparse.csr_matrix(np.asarray(vectors, dtype=np.float32) * EMBEDDING_WEIGHT)
        return sparse.hstack([ngrams, dense], format="csr")


@dataclass(frozen=True)
class Verdict:
    """What the learned models say about one message."""

    language: str
    language_confidence: float
    danger: float  # probability that it is an emergency now
    kind: str | None  # the most likely emergency kind (None: no kinds were learned)
    kind_confidence: float
    lexicon_kind: str | None  # the kind of an unmistakable word found in the message
    scope: dict[str, float]  # probability of each scope (guidance, out, conversation)
    sections: tuple[str, ...] = ()  # citations, best first, by the section classifier
    section_margin: float = 0.0  # the classifier's decision value for the first of them


def _compact(model: Model) -> Model:
    """The fitted weights in float32: half the memory and file size (the section classifier
    has a weight per feature per section: 190 x 119,000), the same decisions to 1e-6."""
    model.coef_ = model.coef_.astype(np.float32)
    model.intercept_ = model.intercept_.astype(np.float32)
    return model


def _logistic(c: float, balanced: bool = True) -> LogisticRegression:
    return LogisticRegression(
        C=c, max_iter=3000, solver="lbfgs", class_weight="balanced" if balanced else None
    )


class Learned:
    """The models trained from one build's knowledge (picklable, kept beside the index)."""

    def __init__(self) -> None:
        self.features = TextFeatures()
        self.urgent: LogisticRegression | None = None  # on the n-grams
        self.urgent_joint: LogisticRegression | None = None  # on the n-grams and embedding
        self.kinds: LogisticRegression | None = None
        self.single_kind: str | None = None
        self.scope: LogisticRegression | None = None
        self.scope_classes: tuple[str, ...] = (GUIDANCE,)
        self.language: LogisticRegression | None = None
        self.languages: tuple[str, ...] = ("en",)
        self.lexicon: list[tuple[str, str]] = []  # (normalized phrase, kind), longest first
        self.sections: LinearSVC | None = None  # citation of the section a question is about
        self.single_section: str | None = None

    @property
    def section_names(self) -> tuple[str, ...]:
        """The citations of the sections the classifier knows."""
        if self.sections is not None:
            return tuple(str(c) for c in self.sections.classes_)
        return (self.single_section,) if self.single_section else ()

    # --- training ---------------------------------------------------------------------------
    @classmethod
    def train(
        cls, sections: Sequence[Section], entries: Sequence[Entry], vectors: np.ndarray
    ) -> Learned:
        """Fit every model on the labelled examples among `entries` (vectors: one per entry)."""
        learned = cls()
        by_id = {s.id: s for s in sections}
        examples = [i for i, e in enumerate(entries) if e.kind in (QUESTION, NOT_URGENT)]
        texts = [entries[i].text for i in examples]
        if not texts:
            return learned
        learned.features.fit([e.text for e in entries if e.kind in LABELLED])
        ngrams = learned.features.ngrams(texts)
        x = learned.features.combine(ngrams, vectors[examples])
        sections_of = [by_id[entries[i].section_id] for i in examples]

        # Emergency now? Only a situation listed under an emergency's Questions is one. The
        # look-alikes weigh double: they are few beside the ordinary questions, and they are
        # where the line is. Two views vote, their probabilities averaged: character n-grams
        # alone, and n-grams with the embedding (measured on the dev sets at 0.3: recall
        # 97.5% -> 98.1% en, 96.9% -> 98.5% es, false alarms 5.1% en, 4.6% es either way;
        # either view alone does worse). The kind is named with the embedding too, which
        # tells kinds apart better.
        urgent = np.array(
            [
                s.emergency is not None
                and s.emergency != GENERAL_EMERGENCY
                and entries[i].kind == QUESTION
                for i, s in zip(examples, sections_of, strict=True)
            ]
        )
        weights = np.array(
            [LOOK_ALIKE_WEIGHT if entries[i].kind == NOT_URGENT else 1.0 for i in examples]
        )
        if urgent.any() and not urgent.all():
            learned.urgent = _compact(_logistic(4.0).fit(ngrams, urgent, sample_weight=weights))
            learned.urgent_joint = _compact(_logistic(4.0).fit(x, urgent, sample_weight=weights))
            kinds = np.array([s.emergency or "" for s in sections_of])[urgent]
            if len(set(kinds)) > 1:
                learned.kinds = _compact(_logistic(4.0, balanced=False).fit(x[urgent], kinds))
            else:
                learned.single_kind = str(kinds[0])

        scopes = np.array([s.scope for s in sections_of])
        if len(set(scopes)) > 1:
            learned.scope = _compact(_logistic(1.0).fit(x, scopes))
            learned.scope_classes = tuple(learned.scope.classes_)

        languages = np.array([entries[i].language for i in examples])
        if len(set(languages)) > 1:
            learned.language = _compact(_logistic(4.0).fit(ngrams, languages))
            learned.languages = tuple(learned.language.classes_)
        else:
            learned.languages = (str(languages[0]),)

        learned.lexicon = sorted(
            {
                (normalize(word), s.emergency)
                for s in sections
                if s.emergency and s.emergency != GENERAL_EMERGENCY
                for word in s.words
                if normalize(word)
            },
            key=lambda item: (-len(item[0]), item),
        )
        # Which section answers it: a linear SVM over every example question and curated
        # answer, one class per section (citations, so a model trained before an edit still
        # names the right sections after it). Balanced classes: an emergency has five times
        # the examples of a guidance section, and would otherwise win every near tie.
        labelled = [i for i, e in enumerate(entries) if e.kind in LABELLED]
        citations = np.array([by_id[entries[i].section_id].citation for i in labelled])
        if len(set(citations)) > 1:
            x_sections = learned.features.combine(
                learned.features.ngrams([entries[i].text for i in labelled]), vectors[labelled]
            )
            learned.sections = _compact(
                LinearSVC(C=0.5, class_weight="balanced").fit(x_sections, citations)
            )
        elif len(citations):
            learned.single_section = str(citations[0])
        return learned

    # --- judging ----------------------------------------------------------------------------
    def judge(self, texts: Sequence[str], vectors: np.ndarray) -> list[Verdict]:
        """One verdict per message; one sparse product per model for the whole batch."""
        if not texts:
            return []
        if not self.features.fitted:
            return [Verdict(self.languages[0], 1.0, 0.0, None, 0.0, None, {GUIDANCE: 1.0})] * len(
                texts
            )
        ngrams = self.features.ngrams(texts)
        x = self.features.combine(ngrams, vectors)
        n = len(texts)
        danger = np.zeros(n)
        if self.urgent is not None and self.urgent_joint is not None:
            danger = (
                self.urgent.predict_proba(ngrams)[:, 1] + self.urgent_joint.predict_proba(x)[:, 1]
            ) / 2
        if self.kinds is not None:
            probs = self.kinds.predict_proba(x)
            best = probs.argmax(axis=1)
            kinds = [str(self.kinds.classes_[b]) for b in best]
            kind_conf = probs[np.arange(n), best]
        else:
            kinds = [self.single_kind] * n
            kind_conf = np.ones(n) if self.single_kind else np.zeros(n)
        scope_probs = self.scope.predict_proba(x) if self.scope is not None else np.ones((n, 1))
        language, language_conf = self._languages(ngrams)
        if self.sections is not None:
            decisions = self.sections.decision_function(x)
            order = np.argsort(-decisions, axis=1)[:, :SECTION_CANDIDATES]
            ranked = [tuple(str(c) for c in self.sections.classes_[row]) for row in order]
            margins = decisions[np.arange(n), order[:, 0]]
        else:
            ranked = [(self.single_section,) if self.single_section else ()] * n
            margins = np.zeros(n)
        verdicts = []
        for row, text in enumerate(texts):
            verdicts.append(
                Verdict(
                    language=language[row],
                    language_confidence=float(language_conf[row]),
                    danger=float(danger[row]),
                    kind=kinds[row],
                    kind_confidence=float(kind_conf[row]),
                    lexicon_kind=self._lexicon_kind(normalize(text)),
                    scope=dict(zip(self.scope_classes, map(float, scope_probs[row]), strict=True)),
                    sections=ranked[row],
                    section_margin=float(margins[row]),
                )
            )
        return verdicts

    def language_of(self, text: str) -> tuple[str, float]:
        """The language of a text that is not a question (a check-in's note), and how sure:
        character n-grams only, no sentence embedding needed."""
        if not self.features.fitted:
            return self.languages[0], 1.0
        languages, confidence = self._languages(self.features.ngrams([text]))
        return languages[0], float(confidence[0])

    def _languages(self, ngrams: sparse.csr_matrix) -> tuple[list[str], np.ndarray]:
        """Each row's most likely language and its probability."""
        n = ngrams.shape[0]
        if self.language is None:
            return [self.languages[0]] * n, np.ones(n)
        probs = self.language.predict_proba(ngrams)
        return [str(self.language.classes_[i]) for i in probs.argmax(axis=1)], probs.max(axis=1)

    def _lexicon_kind(self, normalized: str) -> str | None:
        padded = f" {normalized} "
        for phrase, kind in self.lexicon:
            if f" {phrase} " in padded or (len(phrase) > 6 and phrase in normalized):
                return kind
        return None
