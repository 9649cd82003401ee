"""The advice engine every channel uses: a question in, the best passages out.

It keeps itself current: the index builds on first use and rebuilds when a knowledge file
changes, so editing Markdown and asking again just works, in the CLI and in a running bot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from index.batching import MicroBatcher
from index.build import BuildReport, build, fingerprint, load_faiss
from index.embedding import Embedder
from index.errors import QuestionError
from index.signals import best_sentence, is_confident, is_urgent
from index.store import Store, StoredPassage

MAX_QUESTION_CHARS = 2000
CANDIDATES = 50  # per retriever, before fusion
RRF_K = 60
FRESHNESS_INTERVAL = 2.0  # seconds between checks that the knowledge is unchanged
Mode = Literal["dense", "keyword", "hybrid"]


@dataclass(frozen=True)
class Hit:
    """A ranked passage: `score` is its fused rank score (1.0 = first for both retrievers),
    `similarity` its cosine similarity to the question."""

    passage: StoredPassage
    score: float
    similarity: float


@dataclass(frozen=True)
class Answer:
    question: str
    confident: bool
    urgent: bool
    takeaway: str
    hits: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON shape of `boundary-bot ask --json`."""
        return {
            "question": self.question,
            "confident": self.confident,
            "urgent": self.urgent,
            "takeaway": self.takeaway,
            "passages": [
                {
                    "doc": h.passage.doc,
                    "section": h.passage.section,
                    "text": h.passage.text,
                    "score": round(h.score, 4),
                    "source": h.passage.source,
                }
                for h in self.hits
            ],
        }


def check_question(question: str) -> str:
    """The question stripped, or QuestionError: empty and over-long questions are refused."""
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty; type what happened or what you want to know")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}, so shorten it and ask again"
        )
    return text


class Engine:
    """Thread-safe: many listeners may ask at once; concurrent questions share one encode."""

    def __init__(
        self,
        knowledge_dir: Path,
        data_dir: Path,
        model: str | None = None,
        *,
        progress: bool | None = None,
    ) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self.store = Store(Path(data_dir))
        self.progress = progress
        self.embedder = Embedder(model)
        self._batcher = MicroBatcher(self.embedder.encode_queries)
        self._lock = threading.RLock()
        self._index = None
        self._build_id = ""
        self._fingerprint = ""
        self._checked_at = 0.0
        self.last_build: BuildReport = self.refresh()

    # --- index lifecycle ------------------------------------------------------------------
    def refresh(self, force: bool = False) -> BuildReport:
        """Build or rebuild if the knowledge changed (or `force`), then load the index."""
        with self._lock:
            report = build(
                self.knowledge_dir, self.store, self.embedder, force=force, progress=self.progress
            )
            meta = self.store.meta()
            if meta["build_id"] != self._build_id:
                self._index = load_faiss(self.store.path.parent, meta["build_id"])
                self._build_id = meta["build_id"]
            self._fingerprint = meta["fingerprint"]
            self._checked_at = time.monotonic()
            self.last_build = report
            return report

    def _keep_fresh(self) -> None:
        if time.monotonic() - self._checked_at < FRESHNESS_INTERVAL:
            return
        with self._lock:
            if time.monotonic() - self._checked_at < FRESHNESS_INTERVAL:
                return
            self._checked_at = time.monotonic()
            stored = self.store.meta().get("build_id")
            if (
                stored != self._build_id
                or fingerprint(self.knowledge_dir, self.embedder.name) != self._fingerprint
            ):
                self.refresh()

    # --- asking ---------------------------------------------------------------------------
    def ask(self, question: str, top: int = 3) -> Answer:
        """Answer one question; safe to call from many threads at once."""
        text = check_question(question)
        self._keep_fresh()
        return self._answer(text, self._batcher.encode(text), top)

    def ask_many(self, questions: Sequence[str], top: int = 3) -> list[Answer]:
        """Answer a batch of already-checked questions with one encode call."""
        texts = [check_question(q) for q in questions]
        self._keep_fresh()
        vectors = self.embedder.encode_queries(texts) if texts else []
        return [self._answer(t, v, top) for t, v in zip(texts, vectors, strict=True)]

    def rank(self, question: str, mode: Mode, k: int = 10) -> list[StoredPassage]:
        """The top-k passages by one retriever alone (for evaluation)."""
        text = check_question(question)
        vector = self.embedder.encode_queries([text])[0]
        dense, keyword = self._retrieve(text, vector)
        if mode == "dense":
            ids = [i for i, _ in dense]
        elif mode == "keyword":
            ids = keyword
        else:
            ids = [i for i, _ in _fuse(dense, keyword)]
        return self._passages(ids[:k])

    def _retrieve(
        self, question: str, vector: np.ndarray
    ) -> tuple[list[tuple[int, float]], list[int]]:
        index = self._index
        assert index is not None
        k = min(CANDIDATES, index.ntotal)
        scores, ids = index.search(vector.reshape(1, -1), k) if k else (np.empty((1, 0)),) * 2
        dense = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return dense, self.store.keyword_search(question, CANDIDATES)

    def _passages(self, ids: Sequence[int]) -> list[StoredPassage]:
        found = self.store.passages(ids, self._build_id)
        if found is None:  # another process rebuilt the index under us
            self.refresh()
            found = self.store.passages(ids, self._build_id) or []
        return found

    def _answer(self, question: str, vector: np.ndarray, top: int) -> Answer:
        dense, keyword = self._retrieve(question, vector)
        fused = _fuse(dense, keyword)[:top]
        similarity = dict(dense)
        passages = self._passages([i for i, _ in fused] + ([dense[0][0]] if dense else []))
        by_id = {p.id: p for p in passages}
        hits = [Hit(by_id[i], score, similarity.get(i, 0.0)) for i, score in fused if i in by_id]
        best = dense[0][1] if dense else 0.0
        urgent = is_urgent(question, [(by_id[dense[0][0]], best)] if dense else [])
        confident = is_confident(best)
        model, dim = self.embedder.name, self.embedder.dim
        takeaway = best_sentence(
            vector,
            [(h.passage, self.store.sentence_vectors(model, h.passage.hash, dim)) for h in hits],
        )
        return Answer(question, confident, urgent, takeaway, hits)


def _fuse(dense: list[tuple[int, float]], keyword: list[int]) -> list[tuple[int, float]]:
    """Reciprocal rank fusion, scaled so that first place in both lists scores 1.0."""
    scores: dict[int, float] = {}
    for rank, (i, _) in enumerate(dense):
        scores[i] = scores.get(i, 0.0) + 1 / (RRF_K + rank + 1)
    for rank, i in enumerate(keyword):
        scores[i] = scores.get(i, 0.0) + 1 / (RRF_K + rank + 1)
    best = 2 / (RRF_K + 1)
    return sorted(((i, s / best) for i, s in scores.items()), key=lambda x: -x[1])
