"""Build the index: knowledge files -> sections and entries -> embeddings (cached) -> FAISS +
SQLite, and the models learned from the labelled examples (`index.learning`).

Only entries whose text changed are embedded again; a build that finds the knowledge
unchanged does nothing. The learned models are retrained only when their training examples
changed. A file lock keeps two processes from building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import os
import pickle
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from index.chunking import CHUNKER_VERSION, sentence_spans
from index.documents import knowledge_files, load_documents, read_text
from index.embedding import Embedder
from index.learning import LABELLED, LEARNING_VERSION, Learned
from index.sections import PASSAGE, Entry, Section, sections_and_entries
from index.store import Store

FAISS_PREFIX = "entries-"
LEARNED_PREFIX = "learned-"


@dataclass(frozen=True)
class Training:
    """What the learned models of a build are trained from, when they are not saved yet."""

    digest: str
    sections: list[Section]
    entries: list[Entry]
    vectors: np.ndarray


@dataclass(frozen=True)
class BuildReport:
    sections: int
    entries: int
    embedded: int
    seconds: float
    rebuilt: bool
    training: Training | None = field(default=None, repr=False, compare=False)


def fingerprint(knowledge_dir: Path, model: str) -> str:
    """A digest of every knowledge file's name and content, the model, chunker and learner."""
    digest = hashlib.sha256(f"{CHUNKER_VERSION}\0{LEARNING_VERSION}\0{model}".encode())
    for path in knowledge_files(knowledge_dir):
        digest.update(path.relative_to(knowledge_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(read_text(path).encode()).digest())
    return digest.hexdigest()


def stat_signature(knowledge_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times: a cheap first look at whether anything changed."""
    return tuple(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for path in knowledge_files(knowledge_dir)
        for stat in [path.stat()]
    )


def faiss_path(data_dir: Path, build_id: str) -> Path:
    return data_dir / f"{FAISS_PREFIX}{build_id}.faiss"


def learned_path(data_dir: Path, digest: str) -> Path:
    return data_dir / f"{LEARNED_PREFIX}{digest[:16]}.pkl"


@contextmanager
def _build_lock(data_dir: Path) -> Iterator[None]:
    with open(data_dir / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    knowledge_dir: Path,
    store: Store,
    embedder: Embedder,
    *,
    force: bool = False,
    progress: bool | None = None,
) -> BuildReport:
    """Bring the index up to date with `knowledge_dir`; `force` rebuilds even if unchanged.

    `progress=None` shows a progress bar only when stderr is a terminal.
    """
    started = time.perf_counter()
    data_dir = store.path.parent
    with _build_lock(data_dir):
        digest = fingerprint(knowledge_dir, embedder.name)
        meta = store.meta()
        if not force and meta.get("fingerprint") == digest and _files_exist(data_dir, meta):
            return BuildReport(
                int(meta.get("sections", 0)),
                int(meta.get("entries", 0)),
                0,
                time.perf_counter() - started,
                rebuilt=False,
            )

        sections, entries = sections_and_entries(load_documents(knowledge_dir))
        spans = [sentence_spans(e.text) if e.kind == PASSAGE else [] for e in entries]
        hashes = [e.content_hash for e in entries]
        embedded = _embed_missing(store, embedder, entries, spans, hashes, progress)
        matrix = store.vectors(embedder.name, hashes, embedder.dim)
        build_id = uuid.uuid4().hex[:12]
        _write_faiss(matrix, faiss_path(data_dir, build_id))
        learned_digest = training_digest(sections, entries, embedder.name)
        training = None
        if not learned_path(data_dir, learned_digest).exists():
            training = Training(learned_digest, sections, entries, matrix)
        store.replace_index(
            sections,
            entries,
            spans,
            {
                "fingerprint": digest,
                "build_id": build_id,
                "learned": learned_digest,
                "model": embedder.name,
                "dim": str(embedder.dim),
                "sections": str(len(sections)),
                "entries": str(len(entries)),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            embedder.name,
        )
        _remove_old(data_dir, FAISS_PREFIX, keep=faiss_path(data_dir, build_id).name)
        return BuildReport(
            len(sections),
            len(entries),
            embedded,
            time.perf_counter() - started,
            rebuilt=True,
            training=training,
        )


def _embed_missing(
    store: Store,
    embedder: Embedder,
    entries: list[Entry],
    spans: list[list[tuple[int, int]]],
    hashes: list[str],
    progress: bool | None,
) -> int:
    """Embed the entries whose text is not cached yet (identical texts once); how many."""
    cached = store.cached_hashes(embedder.name)
    todo = list({hashes[i]: i for i in range(len(entries)) if hashes[i] not in cached}.values())
    if not todo:
        return 0
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(todo), desc="Embedding", unit="text", disable=not show) as bar:
        vectors = embedder.encode_passages(
            [entries[i].embed_text for i in todo],
            [_shift(spans[i], entries[i].heading_length) for i in todo],
            bar.update,
        )
    store.cache_embeddings(
        embedder.name, ((hashes[i], v, s) for i, (v, s) in zip(todo, vectors, strict=True))
    )
    return len(todo)


def training_digest(sections: list[Section], entries: list[Entry], model: str) -> str:
    """What the learned models depend on: the labelled entries (example questions, look-alikes,
    curated answers) with their sections' labels, and the model (the embedding features).
    Editing only the guidance text leaves them as they are."""
    digest = hashlib.sha256(f"{LEARNING_VERSION}\0{model}".encode())
    for section in sections:
        digest.update(
            f"{section.id}\0{section.scope}\0{section.emergency}\0{section.words}\0".encode()
        )
    for entry in entries:
        if entry.kind in LABELLED:
            digest.update(f"{entry.section_id}\0{entry.kind}\0{entry.language}\0".encode())
            digest.update(entry.embed_text.encode() + b"\0")
    return digest.hexdigest()


def train(data_dir: Path, training: Training) -> Learned:
    """Train the learned models of a build, save them, and load them here.

    The fitting runs in a child process: over the bundled knowledge's 10,000 examples it takes
    up to a minute and peaks at about 1.5 GB, which a serving process must not keep (its peak
    resident memory stays with it); the child gives it back when it exits.
    """
    context = multiprocessing.get_context("spawn")  # no threads or model copied into it
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
        child.submit(_train_and_save, data_dir, training).result()
    return load_learned(data_dir, training.digest)


def _train_and_save(data_dir: Path, training: Training) -> None:
    """In the child: fit, write atomically, then drop older models no build refers to."""
    learned = Learned.train(training.sections, training.entries, training.vectors)
    path = learned_path(data_dir, training.digest)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(learned, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    _remove_old(data_dir, LEARNED_PREFIX, keep=path.name)


def load_learned(data_dir: Path, digest: str) -> Learned:
    """The models `train` saved (our own file in the data directory)."""
    with open(learned_path(data_dir, digest), "rb") as handle:
        return pickle.load(handle)


def _shift(spans: list[tuple[int, int]], by: int) -> list[tuple[int, int]]:
    """Spans in the entry text -> spans in the embedded text (heading line first)."""
    return [(s + by, e + by) for s, e in spans]


def load_faiss(data_dir: Path, build_id: str) -> faiss.Index:
    return faiss.read_index(str(faiss_path(data_dir, build_id)))


def search(index: faiss.Index, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`index.search` on the calling thread alone.

    One query over a few thousand vectors is a sub-millisecond job; faiss's OpenMP team (its
    own libgomp, apart from torch's) only adds hand-off and spinning that compete with the
    forward passes. On two cores, a search of the 10,000-passage benchmark index took
    1.7-3.3 ms with two threads and 0.7 ms with one. The setting is per thread, hence here.
    """
    faiss.omp_set_num_threads(1)
    return index.search(vectors, k)


def _files_exist(data_dir: Path, meta: dict[str, str]) -> bool:
    return "build_id" in meta and faiss_path(data_dir, meta["build_id"]).exists()


def learned_exists(data_dir: Path, digest: str) -> bool:
    return learned_path(data_dir, digest).exists()


def _write_faiss(matrix: np.ndarray, path: Path) -> None:
    """Inner product over normalized vectors is cosine similarity; write-then-rename is atomic."""
    index = faiss.IndexFlatIP(matrix.shape[1])
    if len(matrix):
        index.add(matrix)
    tmp = path.with_suffix(".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def _remove_old(data_dir: Path, prefix: str, keep: str) -> None:
    for old in data_dir.glob(f"{prefix}*"):
        if old.name != keep and not old.name.endswith(".tmp"):
            old.unlink(missing_ok=True)
