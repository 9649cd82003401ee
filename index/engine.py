"""The advice engine every channel uses: a question in, the advice for it out.

It keeps itself current: the index builds on first use and rebuilds when a knowledge file
changes, so editing Markdown and asking again just works, in the CLI and in a running bot.

For each question it decides, from the learned models (`index.learning`) and the search:
- whether it is an emergency now (and which kind), is maybe one (the middle band), or not;
- whether it is about boundaries at all, a greeting, or something to send elsewhere;
- which language it is in;
- which sections answer it, best first, and so the headline: the best section's curated
  answer and script, in the question's language.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from index.batching import MicroBatcher
from index.build import (
    BuildReport,
    Training,
    build,
    fingerprint,
    learned_exists,
    load_faiss,
    load_learned,
    search,
    stat_signature,
    train,
)
from index.documents import (
    CONVERSATION,
    DEFAULT_LANGUAGE,
    GENERAL_EMERGENCY,
    GUIDANCE,
    OUT_OF_SCOPE,
    load_documents,
)
from index.embedding import Embedder, Precision
from index.errors import KnowledgeError, QuestionError
from index.grouping import group
from index.learning import Learned, Verdict
from index.sections import ANSWER, NOT_URGENT, PASSAGE, QUESTION, Section
from index.store import Store
from index.takeaway import best_sentence

MAX_QUESTION_CHARS = 2000
ENTRY_CANDIDATES = 100  # dense and keyword hits per question, before they become sections
RELATED = 0.5  # a section shown after the first must score at least this, relative to it
RRF_K = 60

# Operating points, chosen on the dev sets (tests/dev/), never on tests/sealed/.
URGENT_AT = 0.3  # detector probability from which a message is an emergency (recall first)
UNSURE_AT = 0.15  # ...and from which its answer opens with the "in danger?" line
KIND_AT = 0.15  # below this confidence in the kind, the general safety steps lead
SURE_AT = 0.5  # below this danger an urgent answer also gives the boundary advice
OUT_OF_SCOPE_AT = 0.5  # probability of "not about boundaries" from which we send elsewhere
ROUTE_OUT_AT = 0.1  # ...or from which it is enough, when the best section is a route
CONVERSATION_AT = 0.6  # probability of a greeting/thanks/help from which we just reply
MIN_SIMILARITY = 0.2  # below this (dense) and no example match, nothing answers the question
LANGUAGE_SURE = 0.8  # below this, the asker's usual language (a hint) decides

DEFAULT_NUMBERS = {"EMERGENCY_NUMBER": "911", "CRISIS_LINE": "988"}
FRESHNESS_INTERVAL = 2.0  # seconds between checks that the knowledge is unchanged
Mode = Literal["dense", "keyword", "hybrid", "hybrid+examples", "classifier", "all"]
MODES: tuple[Mode, ...] = ("dense", "keyword", "hybrid", "hybrid+examples", "classifier", "all")
DEFAULT_MODE: Mode = "classifier"
# Which retrievers each mode fuses (weights), and whether they match the example questions
# (else only the guidance text: passages and curated answers).
_RETRIEVERS: dict[str, dict[str, float]] = {
    "dense": {"dense": 1.0},
    "keyword": {"keyword": 1.0},
    "hybrid": {"dense": 1.0, "keyword": 0.5},
    "hybrid+examples": {"dense": 1.0, "keyword": 0.5},
    "classifier": {"classifier": 1.0},
    "all": {"classifier": 3.0, "dense": 1.0, "keyword": 0.5},
}
_WITH_EXAMPLES = frozenset({"hybrid+examples", "classifier", "all"})
_GUIDANCE_TEXT = frozenset({PASSAGE, ANSWER})
_ALL_ENTRIES = frozenset({PASSAGE, ANSWER, QUESTION, NOT_URGENT})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    """A ranked section: `score` is its fused rank score (1.0 = first for every retriever),
    `similarity` the best cosine similarity of its entries to the question."""

    section: Section
    score: float
    similarity: float


@dataclass(frozen=True)
class Answer:
    """The engine's advice for one question.

    `urgent`: an emergency now; `emergency` is then the section of its kind (or the general
    one), whose steps lead. `unsure`: not flagged, but close enough that the answer should
    open with how to get help now. `scope`: "guidance", "out" (not about boundaries: `route`
    says where to go) or "conversation" (a greeting, thanks, help: `route` holds the reply).
    """

    question: str
    language: str
    confident: bool
    urgent: bool
    unsure: bool
    danger: float
    emergency: Section | None
    scope: str
    route: Section | None
    takeaway: str
    script: str
    hits: list[Hit] = field(default_factory=list)
    aside: Section | None = None  # urgent, but not sure: the boundary section that would answer

    @property
    def intent(self) -> str:
        """For conversation: the reply's name in lowercase words ("greeting", "what-to-say")."""
        if self.scope != CONVERSATION or self.route is None:
            return ""
        return re.sub(r"[^a-z0-9]+", "-", self.route.section.lower()).strip("-")

    @property
    def steps(self) -> tuple[str, ...]:
        return self.emergency.steps_in(self.language) if self.emergency else ()

    def to_dict(self) -> dict:
        """The JSON shape of `boundary-bot ask --json`."""
        return {
            "question": self.question,
            "confident": self.confident,
            "urgent": self.urgent,
            "takeaway": self.takeaway,
            "passages": [
                {
                    "doc": h.section.doc,
                    "section": h.section.section,
                    "text": h.section.text,
                    "score": round(h.score, 4),
                    "source": h.section.source,
                }
                for h in self.hits
            ],
            "emergency": self.emergency.title(self.language) if self.emergency else None,
            "emergency_kind": self.emergency.emergency if self.emergency else None,
            "steps": list(self.steps),
            "unsure": self.unsure,
            "danger": round(self.danger, 4),
            "script": self.script,
            "section": self.hits[0].section.citation if self.hits and self.confident else None,
            "language": self.language,
            "scope": self.scope,
            "route": self.route.answer(self.language) if self.route else None,
            "aside": (
                {"section": self.aside.citation, "answer": self.aside.answer(self.language)}
                if self.aside
                else None
            ),
        }


@dataclass(frozen=True)
class _Query:
    question: str
    top: int
    context: str  # an earlier question this one follows up on ("" if none)
    language_hint: str
    mode: Mode


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


@dataclass
class _Loaded:
    """One build, as searched: everything a question needs is in memory but FTS."""

    build_id: str
    index: object  # faiss.Index
    sections: list[Section]
    entry_section: np.ndarray
    entry_kind: list[str]
    entry_hash: list[str]
    section_ids: dict[str, int]  # by citation: the learned models name sections so
    learned: Learned | None
    learned_digest: str


class Engine:
    """Thread-safe: many listeners may ask at once; concurrent questions share one encode."""

    def __init__(
        self,
        knowledge_dir: Path,
        data_dir: Path,
        model: str | None = None,
        *,
        precision: Precision = "auto",
        progress: bool | None = None,
        embedder: Embedder | None = None,
        numbers: dict[str, str] | None = None,
    ) -> None:
        """`embedder` lets several engines share one loaded model (tests, benchmarks);
        `numbers` fill the knowledge's placeholders, e.g. {"EMERGENCY_NUMBER": "911"}."""
        self.knowledge_dir = Path(knowledge_dir)
        load_documents(self.knowledge_dir)  # bad knowledge fails before the slow model load
        self.store = Store(Path(data_dir))
        self.progress = progress
        self.numbers = dict(DEFAULT_NUMBERS if numbers is None else numbers)
        self.embedder = embedder or Embedder(model, precision)
        self._batcher: MicroBatcher[_Query, Answer] = MicroBatcher(self._answer_batch)
        self._lock = threading.RLock()
        self._loaded: _Loaded | None = None
        self._fingerprint = ""
        self._stat: tuple[tuple[str, int, int], ...] = ()
        self._checked_at = 0.0
        self._training: threading.Thread | None = None
        self.last_build: BuildReport = self.refresh()

    # --- index lifecycle ------------------------------------------------------------------
    def refresh(self, force: bool = False, *, wait: bool = True) -> BuildReport:
        """Build or rebuild if the knowledge changed (or `force`), then load the index.

        New learned models are trained here when `wait` (or when there are none to answer
        with yet); otherwise in the background, while the previous ones keep answering.
        """
        with self._lock:
            stat = stat_signature(self.knowledge_dir)  # before the build: later edits count
            report = build(
                self.knowledge_dir, self.store, self.embedder, force=force, progress=self.progress
            )
            self._load(report.training, wait=wait)
            self._stat = stat
            self._checked_at = time.monotonic()
            self.last_build = report
            return report

    def _load(self, training: Training | None, *, wait: bool) -> None:
        """Load the build the store holds now (retrying if another process swaps it)."""
        data_dir = self.store.path.parent
        for _ in range(5):
            meta = self.store.meta()
            loaded = self._loaded
            if loaded is None or meta.get("build_id") != loaded.build_id:
                snapshot = self.store.snapshot(meta.get("build_id", ""))
                if snapshot is None:
                    continue
                try:
                    index = load_faiss(data_dir, meta["build_id"])
                except (OSError, RuntimeError):
                    continue  # removed by a newer build between our reads: read again
                sections, entries = snapshot
                sections = [s.filled(self.numbers) for s in sections]
                loaded = _Loaded(
                    build_id=meta["build_id"],
                    index=index,
                    sections=sections,
                    section_ids={s.citation: s.id for s in sections},
                    entry_section=np.array([e[0] for e in entries], dtype=np.int64),
                    entry_kind=[e[1] for e in entries],
                    entry_hash=[e[3] for e in entries],
                    learned=loaded.learned if loaded else None,
                    learned_digest=loaded.learned_digest if loaded else "",
                )
            self._loaded = loaded
            self._fingerprint = meta["fingerprint"]
            self._load_learned(meta["learned"], training, wait=wait)
            return
        raise RuntimeError("the index keeps changing while it loads; try again")

    def _load_learned(self, digest: str, training: Training | None, *, wait: bool) -> None:
        """Make the models learned from this build's examples the ones that answer."""
        loaded = self._loaded
        assert loaded is not None
        if loaded.learned_digest == digest:
            return
        data_dir = self.store.path.parent
        if learned_exists(data_dir, digest):
            try:
                self._loaded = replace(
                    loaded, learned=load_learned(data_dir, digest), learned_digest=digest
                )
                return
            except OSError:
                pass  # replaced by a newer build's meanwhile: trained again below
        if training is None or training.digest != digest:
            # Saved by no one (a build interrupted before its training finished, or another
            # process still training): rebuild to get what to train from.
            training = build(
                self.knowledge_dir, self.store, self.embedder, force=True, progress=self.progress
            ).training
            if training is None:
                return self._load(None, wait=wait)
            digest = training.digest
        if wait or loaded.learned is None:
            self._loaded = replace(
                loaded, learned=train(data_dir, training), learned_digest=training.digest
            )
            return
        self._train_in_background(training)

    def _train_in_background(self, training: Training) -> None:
        """Train while the previous models answer; swap them in when done (one at a time)."""
        if self._training is not None and self._training.is_alive():
            return  # the running one is retried by the next freshness check if outdated
        data_dir = self.store.path.parent

        def run() -> None:
            try:
                learned = train(data_dir, training)
            except Exception:
                log.exception("training the models of the edited knowledge failed")
                return
            with self._lock:
                if self.store.meta().get("learned") == training.digest and self._loaded:
                    self._loaded = replace(
                        self._loaded, learned=learned, learned_digest=training.digest
                    )
                    log.info("the models learned from the edited knowledge now answer")

        log.info("the knowledge changed: training its models in the background")
        self._training = threading.Thread(target=run, name="train", daemon=True)
        self._training.start()

    def _keep_fresh(self) -> None:
        """Rebuild if the knowledge changed since the last look (at most every 2 s).

        A running engine never stops answering because of an edit: if the changed knowledge
        cannot be loaded (a YAML slip, a file saved in the wrong encoding, a half-written
        file), it logs why and keeps answering from the last good index until the files
        change again.
        """
        if time.monotonic() - self._checked_at < FRESHNESS_INTERVAL:
            return
        with self._lock:
            if time.monotonic() - self._checked_at < FRESHNESS_INTERVAL:
                return
            self._checked_at = time.monotonic()
            try:
                self._refresh_if_changed()
            except (KnowledgeError, OSError) as exc:
                log.warning(
                    "cannot load the changed knowledge in %s: %s; still answering from the "
                    "last good index",
                    self.knowledge_dir,
                    exc,
                )

    def _refresh_if_changed(self) -> None:
        loaded = self._loaded
        meta = self.store.meta()
        if loaded is None or meta.get("build_id") != loaded.build_id:
            self._load(None, wait=False)  # another process rebuilt the index
            return
        training = self._training is not None and self._training.is_alive()
        if loaded.learned_digest != meta.get("learned") and not training:
            self._load(None, wait=False)  # models outdated by an edit made while training
            return
        stat = stat_signature(self.knowledge_dir)
        if stat == self._stat:
            return  # nothing touched: no need to read and hash every file
        self._stat = stat  # a broken edit is retried when the files change again, not sooner
        if fingerprint(self.knowledge_dir, self.embedder.name) != self._fingerprint:
            self.refresh(wait=False)

    def wait_for_training(self, timeout: float | None = None) -> None:
        """Wait for models being trained in the background after an edit (tests, CLI)."""
        thread = self._training
        if thread is not None:
            thread.join(timeout)

    @property
    def learned_sections(self) -> tuple[str, ...]:
        """The citations of the sections the current models have learned."""
        loaded = self._loaded
        return loaded.learned.section_names if loaded and loaded.learned else ()

    @property
    def sections(self) -> list[Section]:
        """Every section of the loaded build (guidance, emergencies, routes, conversation)."""
        assert self._loaded is not None
        return self._loaded.sections

    # --- asking ---------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        top: int = 3,
        *,
        context: str = "",
        language_hint: str = "",
        mode: Mode = DEFAULT_MODE,
    ) -> Answer:
        """Answer one question; safe to call from many threads at once.

        `context`: the question this one follows up on, if any ("what if she insists?").
        `language_hint`: the asker's usual language, used when the question's own is unclear.
        """
        text = check_question(question)
        self._keep_fresh()
        return self._batcher.submit(_Query(text, top, context.strip(), language_hint, mode))

    def ask_many(
        self, questions: Sequence[str], top: int = 3, *, mode: Mode = DEFAULT_MODE
    ) -> list[Answer]:
        """Answer a batch of questions with one encode call and one search."""
        queries = [_Query(check_question(q), top, "", "", mode) for q in questions]
        self._keep_fresh()
        return self._answer_batch(queries) if queries else []

    def language_of(self, text: str) -> str:
        """The language of `text` if the learned model is sure of it, else "": for what is
        not a question (a check-in's note), so the reply can follow the worker's language.
        Cheap: no encoding."""
        loaded = self._loaded
        if loaded is None or loaded.learned is None or not text.strip():
            return ""
        language, confidence = loaded.learned.language_of(text)
        return language if confidence >= LANGUAGE_SURE else ""

    def group(self, texts: Sequence[str]) -> list[list[int]]:
        """Alike questions together (paraphrases, typos, Spanish): indices of `texts` in
        groups, the largest first (`index.grouping`)."""
        texts = list(texts)
        if not texts:
            return []
        vectors = self.embedder.encode_queries(texts)
        learned = self._loaded.learned if self._loaded else None
        languages = (
            [verdict.language for verdict in learned.judge(texts, vectors)]
            if learned
            else [DEFAULT_LANGUAGE] * len(texts)
        )
        return group(texts, vectors, languages)

    def _answer_batch(self, queries: Sequence[_Query]) -> list[Answer]:
        """The batcher's work: one encode, one search and one judging for every question.

        A follow-up is searched both alone and together with the question it follows, so
        "what if she insists?" finds the situation of the question before it.
        """
        loaded = self._loaded
        assert loaded is not None
        texts = [q.question for q in queries]
        followed = [f"{q.context} {q.question}" for q in queries if q.context]
        encoding = self.embedder.start_encoding_queries(texts + followed)
        # Keyword search needs no vector: it runs while the model thread encodes (and only
        # for the modes that fuse it: the default ranks by the classifier and the vectors).
        if any("keyword" in _RETRIEVERS[q.mode] for q in queries):
            keywords = [self._keyword_search(t, loaded) for t in texts + followed]
        else:
            keywords = [[] for _ in texts + followed]
        vectors = encoding.result()
        if any(k is None for k in keywords):  # another process rebuilt meanwhile: reload
            with self._lock:
                self._load(None, wait=False)
            return self._answer_batch(queries)
        scores, ids = search(loaded.index, vectors, min(ENTRY_CANDIDATES, loaded.index.ntotal))
        assert loaded.learned is not None
        verdicts = loaded.learned.judge(texts + followed, vectors)
        learned = frozenset(
            loaded.section_ids[c] for c in loaded.learned.section_names if c in loaded.section_ids
        )
        answers = []
        follow = len(texts)
        for row, query in enumerate(queries):
            own = self._rank(
                loaded, query.mode, scores[row], ids[row], keywords[row], verdicts[row], learned
            )
            verdict, ranked, vector = verdicts[row], own, vectors[row]
            if query.context:
                joint = self._rank(
                    loaded,
                    query.mode,
                    scores[follow],
                    ids[follow],
                    keywords[follow],
                    verdicts[follow],
                    learned,
                )
                if _follows_up(own, joint, verdict, verdicts[follow]):
                    ranked, vector = joint, vectors[follow]
                    verdict = _with_scope(verdict, verdicts[follow])
                follow += 1
            answers.append(self._answer(loaded, query, verdict, ranked, vector))
        return answers

    def _keyword_search(self, text: str, loaded: _Loaded) -> list[int] | None:
        return self.store.keyword_search(text, ENTRY_CANDIDATES, loaded.build_id)

    def _rank(
        self,
        loaded: _Loaded,
        mode: Mode,
        scores: np.ndarray,
        ids: np.ndarray,
        keyword: list[int] | None,
        verdict: Verdict,
        learned: frozenset[int],
    ) -> list[Hit]:
        """Every matched section, best first, by reciprocal rank fusion of the retrievers.

        `learned`: the sections the classifier was trained on (a section added since is
        ranked by the search until the next training, seconds to a minute later).
        """
        weights = _RETRIEVERS[mode]
        allowed = _ALL_ENTRIES if mode in _WITH_EXAMPLES else _GUIDANCE_TEXT
        similarity: dict[int, float] = {}
        for entry, score in zip(ids, scores, strict=True):
            if entry < 0 or loaded.entry_kind[entry] not in allowed:
                continue
            section = int(loaded.entry_section[entry])
            similarity.setdefault(section, float(score))  # hits come best first
        rankings: dict[str, list[int]] = {
            "dense": list(similarity),
            "keyword": list(
                dict.fromkeys(
                    int(loaded.entry_section[e])
                    for e in keyword or []
                    if loaded.entry_kind[e] in allowed
                )
            ),
        }
        if "classifier" in weights:
            rankings["classifier"] = _with_unlearned(
                [loaded.section_ids[c] for c in verdict.sections if c in loaded.section_ids],
                rankings["dense"],
                learned,
            )
        fused: dict[int, float] = {}
        for name, weight in weights.items():
            for rank, section in enumerate(rankings[name]):
                fused[section] = fused.get(section, 0.0) + weight / (RRF_K + rank + 1)
        best = sum(weights.values()) / (RRF_K + 1)
        return [
            Hit(loaded.sections[s], score / best, similarity.get(s, 0.0))
            for s, score in sorted(fused.items(), key=lambda item: -item[1])
        ]

    def _answer(
        self,
        loaded: _Loaded,
        query: _Query,
        verdict: Verdict,
        ranked: list[Hit],
        vector: np.ndarray,
    ) -> Answer:
        language = verdict.language
        if query.language_hint and verdict.language_confidence < LANGUAGE_SURE:
            language = query.language_hint
        guidance = [h for h in ranked if h.section.scope == GUIDANCE]
        danger = verdict.danger
        urgent = danger >= URGENT_AT
        # An unmistakable word never goes unremarked, but alone it does not raise the alarm:
        # on the dev sets the detector already flagged every message it caught, and it
        # added only false alarms (idioms: "he's gonna kill me if I break another mug lol").
        unsure = not urgent and (danger >= UNSURE_AT or verdict.lexicon_kind is not None)
        emergency = self._emergency(loaded, verdict) if urgent else None

        scope = GUIDANCE
        route = None
        if not urgent:
            conversation = verdict.scope.get(CONVERSATION, 0.0)
            outside = verdict.scope.get(OUT_OF_SCOPE, 0.0)
            if conversation >= CONVERSATION_AT:
                scope = CONVERSATION
            elif outside >= OUT_OF_SCOPE_AT or (
                outside >= ROUTE_OUT_AT and ranked and ranked[0].section.scope == OUT_OF_SCOPE
            ):
                scope = OUT_OF_SCOPE
            if scope != GUIDANCE:
                route = next((h.section for h in ranked if h.section.scope == scope), None)
                route = route or next((s for s in loaded.sections if s.scope == scope), None)
        best = guidance[0].similarity if guidance else 0.0
        matched = bool(guidance) and (
            best >= MIN_SIMILARITY or guidance[0].section.citation in verdict.sections[:1]
        )
        confident = scope == GUIDANCE and matched
        shown = guidance[: max(query.top, 1)]
        if shown:
            floor = RELATED * shown[0].score
            shown = shown[:1] + [h for h in shown[1:] if h.score >= floor]
        takeaway, script = "", ""
        aside = boundary_aside(shown, danger, emergency, language) if urgent else None
        if urgent and emergency is not None:
            takeaway = emergency.answer(language)
        elif scope != GUIDANCE and route is not None:
            takeaway = route.answer(language)
        elif confident:
            top = shown[0].section
            takeaway = top.answer(language) or self._best_sentence(loaded, top, vector)
            script = top.say(language)
        return Answer(
            question=query.question,
            language=language,
            confident=confident,
            urgent=urgent,
            unsure=unsure,
            danger=danger,
            emergency=emergency,
            scope=scope,
            route=route,
            takeaway=takeaway,
            script=script,
            hits=shown if confident or urgent else [],
            aside=aside,
        )

    def _emergency(self, loaded: _Loaded, verdict: Verdict) -> Section | None:
        """The section of the emergency's kind; the general one when the kind is unclear."""
        kind = verdict.kind if verdict.kind_confidence >= KIND_AT else verdict.lexicon_kind
        sections = {s.emergency: s for s in reversed(loaded.sections) if s.emergency}
        return sections.get(kind or GENERAL_EMERGENCY) or sections.get(GENERAL_EMERGENCY)

    def _best_sentence(self, loaded: _Loaded, section: Section, vector: np.ndarray) -> str:
        """The takeaway of a section with no curated answer: its best sentence."""
        entries = [
            i
            for i in np.flatnonzero(loaded.entry_section == section.id)
            if loaded.entry_kind[i] == PASSAGE
        ]
        texts = self.store.entry_sentences([int(i) for i in entries])
        hashes = {loaded.entry_hash[i] for i in entries}
        sentences = self.store.sentence_vectors(self.embedder.name, hashes, self.embedder.dim)
        return best_sentence(
            vector,
            [
                (texts[int(i)][0], tuple(texts[int(i)][1]), sentences[loaded.entry_hash[i]])
                for i in entries
                if int(i) in texts
            ],
        )


def boundary_aside(
    shown: list[Hit], danger: float, emergency: Section | None, language: str
) -> Section | None:
    """The boundary section to give after an urgent answer's steps, when the answer may be a
    false alarm or a boundary to set rather than a danger ("he keeps commenting on my body"):
    the detector is not sure (under SURE_AT), the kind is unclear, or the sections read it as
    a boundary question (the best one is not an emergency). On the dev sets that is 22 of 286
    real emergencies and 7 of 15 false alarms."""
    unsure = danger < SURE_AT or emergency is None or emergency.emergency == GENERAL_EMERGENCY
    if not (unsure or (shown and shown[0].section.emergency is None)):
        return None
    return next(
        (h.section for h in shown if h.section.emergency is None and h.section.answer(language)),
        None,
    )


def _with_unlearned(ranked: list[int], dense: list[int], learned: frozenset[int]) -> list[int]:
    """The classifier's ranking, with the sections it has not learned yet placed where the
    dense search ranks them (ahead of the learned section at the same place)."""
    places = {section: float(rank) for rank, section in enumerate(ranked)}
    for rank, section in enumerate(dense):
        if section not in learned:
            places[section] = rank - 0.5
    return sorted(places, key=places.__getitem__)


def _follows_up(own: list[Hit], joint: list[Hit], alone: Verdict, together: Verdict) -> bool:
    """Whether a follow-up is better read together with the question before it.

    Read alone, "what if she insists?" is about nothing in particular: the section classifier
    is surer of the pair. A new question ("can I walk her dog too?") is surer alone.
    """
    if not any(h.section.scope == GUIDANCE for h in joint):
        return False
    return together.section_margin > alone.section_margin


def _with_scope(alone: Verdict, together: Verdict) -> Verdict:
    """The follow-up's own safety and language, with the scope and matches of the pair."""
    conversation = alone.scope.get(CONVERSATION, 0.0) >= CONVERSATION_AT
    return replace(
        alone,
        scope=alone.scope if conversation else together.scope,
        sections=together.sections,
        section_margin=together.section_margin,
    )
