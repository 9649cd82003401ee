"""The advice engine every channel uses: a question in, the best passages out.

It keeps itself current: the index builds on first use and rebuilds when a knowledge file
changes, so editing Markdown and asking again just works, in the CLI and in a running bot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from index.batching import MicroBatcher
from index.build import BuildReport, build, fingerprint, load_faiss, search, stat_signature
from index.documents import load_documents
from index.embedding import Embedder
from index.errors import QuestionError
from index.signals import Judge, best_sentence
from index.store import Store, StoredPassage

MAX_QUESTION_CHARS = 2000
CANDIDATES = 50  # per retriever, before fusion
CANDIDATES_URGENT = 10  # fused candidates searched for safety passages on urgent questions
RELATED = 0.5  # a passage shown after the first must be at least this close, relative to it
RRF_K = 60
KEYWORD_WEIGHT = 0.5  # dense ranks better on field wording; keywords refine

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
        embedder: Embedder | None = None,
    ) -> None:
        """`embedder` lets several engines share one loaded model (tests, benchmarks)."""
        self.knowledge_dir = Path(knowledge_dir)
        load_documents(self.knowledge_dir)  # bad knowledge fails before the slow model load
        self.store = Store(Path(data_dir))
        self.progress = progress
        self.embedder = embedder or Embedder(model)
        self._batcher: MicroBatcher[tuple[str, int], Answer | Exception] = MicroBatcher(
            self._answer_batch
        )
        self._judge = Judge(self.embedder.encode_queries)
        self._lock = threading.RLock()
        self._index = None
        self._build_id = ""
        self._fingerprint = ""
        self._stat: tuple[tuple[str, int, int], ...] = ()
        self._checked_at = 0.0
        self.last_build: BuildReport = self.refresh()

    # --- index lifecycle ------------------------------------------------------------------
    def refresh(self, force: bool = False) -> BuildReport:
        """Build or rebuild if the knowledge changed (or `force`), then load the index."""
        with self._lock:
            stat = stat_signature(self.knowledge_dir)  # before the build: later edits count
            report = build(
                self.knowledge_dir, self.store, self.embedder, force=force, progress=self.progress
            )
            meta = self.store.meta()
            if meta["build_id"] != self._build_id:
                self._index = load_faiss(self.store.path.parent, meta["build_id"])
                self._build_id = meta["build_id"]
            self._fingerprint = meta["fingerprint"]
            self._stat = stat
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
            if self.store.meta().get("build_id") != self._build_id:
                self.refresh()  # another process rebuilt the index
                return
            stat = stat_signature(self.knowledge_dir)
            if stat == self._stat:
                return  # nothing touched: no need to read and hash every file
            if fingerprint(self.knowledge_dir, self.embedder.name) == self._fingerprint:
                self._stat = stat  # touched or re-saved, same content
            else:
                self.refresh()

    # --- asking ---------------------------------------------------------------------------
    def ask(self, question: str, top: int = 3) -> Answer:
        """Answer one question; safe to call from many threads at once."""
        text = check_question(question)
        self._keep_fresh()
        result = self._batcher.submit((text, top))
        if isinstance(result, Exception):
            raise result
        return result

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

        def pick(dense: list[tuple[int, float]], keyword: list[int]) -> list[int]:
            if mode == "dense":
                return [i for i, _ in dense][:k]
            if mode == "keyword":
                return keyword[:k]
            return [i for i, _ in _fuse(dense, keyword)][:k]

        return self._search(text, vector, pick)[0]

    def _retrieve(
        self, question: str, vector: np.ndarray
    ) -> tuple[list[tuple[int, float]], list[int]]:
        index = self._index
        assert index is not None
        k = min(CANDIDATES, index.ntotal)
        scores, ids = search(index, vector.reshape(1, -1), k) if k else (np.empty((1, 0)),) * 2
        dense = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return dense, self.store.keyword_search(question, CANDIDATES)

    def _search(
        self,
        question: str,
        vector: np.ndarray,
        pick: Callable[[list[tuple[int, float]], list[int]], list[int]],
    ) -> tuple[list[StoredPassage], list[tuple[int, float]], list[int]]:
        """Retrieve, let `pick` choose ids, and fetch those passages from the same build.

        If another process rebuilt the index meanwhile, reload it and search again, since
        the FAISS ids of the old build name other rows now.
        """
        for _ in range(3):
            dense, keyword = self._retrieve(question, vector)
            found = self.store.passages(pick(dense, keyword), self._build_id)
            if found is not None:
                return found, dense, keyword
            self.refresh()
        raise RuntimeError("the index keeps changing under the search; try again")

    def _answer_batch(self, items: Sequence[tuple[str, int]]) -> list[Answer | Exception]:
        """The batcher's work: one encode for every queued question, then each answered.

        A question that fails gets its own exception; the others still get their answers.
        """
        vectors = self.embedder.encode_queries([text for text, _ in items])
        results: list[Answer | Exception] = []
        for (text, top), vector in zip(items, vectors, strict=True):
            try:
                results.append(self._answer(text, vector, top))
            except Exception as exc:
                results.append(exc)
        return results

    def _answer(self, question: str, vector: np.ndarray, top: int) -> Answer:
        fused: list[tuple[int, float]] = []

        def pick(dense: list[tuple[int, float]], keyword: list[int]) -> list[int]:
            fused[:] = _fuse(dense, keyword)[: max(top, CANDIDATES_URGENT)]
            return [i for i, _ in fused]

        passages, dense, _ = self._search(question, vector, pick)
        best = dense[0][1] if dense else 0.0
        confident, urgent = self._judge.judge(question, vector, best)
        similarity = dict(dense)
        by_id = {p.id: p for p in passages}
        hits = [Hit(by_id[i], score, similarity.get(i, 0.0)) for i, score in fused if i in by_id]
        if urgent:  # safety guidance first, whatever else the question touches
            hits.sort(key=lambda h: not h.passage.urgent)
        # Passages far weaker than the best one are noise on a small screen.
        hits = hits[:1] + [h for h in hits[1:top] if h.similarity >= RELATED * best]
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
        scores[i] = scores.get(i, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank + 1)
    best = (1 + KEYWORD_WEIGHT) / (RRF_K + 1)
    return sorted(((i, s / best) for i, s in scores.items()), key=lambda x: -x[1])
