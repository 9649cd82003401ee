"""Build the index: knowledge files -> passages -> embeddings (cached) -> FAISS + SQLite.

Only passages whose text changed are embedded again; a build that finds the knowledge
unchanged does nothing. A file lock keeps two processes from building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from index.chunking import CHUNKER_VERSION, chunk_document, sentence_spans
from index.documents import knowledge_files, load_documents, read_text
from index.embedding import Embedder
from index.store import Store

FAISS_PREFIX = "passages-"


@dataclass(frozen=True)
class BuildReport:
    passages: int
    embedded: int
    seconds: float
    rebuilt: bool


def fingerprint(knowledge_dir: Path, model: str) -> str:
    """A digest of every knowledge file's name and content, the model and the chunker."""
    digest = hashlib.sha256(f"{CHUNKER_VERSION}\0{model}".encode())
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
        if not force and meta.get("fingerprint") == digest and _faiss_exists(data_dir, meta):
            return BuildReport(store.count(), 0, time.perf_counter() - started, rebuilt=False)

        passages = [p for d in load_documents(knowledge_dir) for p in chunk_document(d)]
        spans = [sentence_spans(p.text) for p in passages]
        hashes = [p.content_hash for p in passages]
        cached = store.cached_hashes(embedder.name)
        # Identical texts embed once; everything already cached is reused.
        todo = list(
            {hashes[i]: i for i in range(len(passages)) if hashes[i] not in cached}.values()
        )
        if todo:
            show = sys.stderr.isatty() if progress is None else progress
            with tqdm(total=len(todo), desc="Embedding", unit="passage", disable=not show) as bar:
                vectors = embedder.encode_passages(
                    [passages[i].embed_text for i in todo],
                    [_shift(spans[i], passages[i].heading_length) for i in todo],
                    bar.update,
                )
            store.cache_embeddings(
                embedder.name,
                ((hashes[i], v, s) for i, (v, s) in zip(todo, vectors, strict=True)),
            )

        matrix = store.passage_vectors(embedder.name, hashes, embedder.dim)
        build_id = uuid.uuid4().hex[:12]
        _write_faiss(matrix, faiss_path(data_dir, build_id))
        store.replace_passages(
            passages,
            spans,
            {
                "fingerprint": digest,
                "build_id": build_id,
                "model": embedder.name,
                "dim": str(embedder.dim),
                "passages": str(len(passages)),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            embedder.name,
        )
        _remove_old_faiss(data_dir, keep=build_id)
        return BuildReport(len(passages), len(todo), time.perf_counter() - started, rebuilt=True)


def _shift(spans: list[tuple[int, int]], by: int) -> list[tuple[int, int]]:
    """Spans in the passage text -> spans in the embedded text (heading line first)."""
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


def _faiss_exists(data_dir: Path, meta: dict[str, str]) -> bool:
    return "build_id" in meta and faiss_path(data_dir, meta["build_id"]).exists()


def _write_faiss(matrix: np.ndarray, path: Path) -> None:
    """Inner product over normalized vectors is cosine similarity; write-then-rename is atomic."""
    index = faiss.IndexFlatIP(matrix.shape[1])
    if len(matrix):
        index.add(matrix)
    tmp = path.with_suffix(".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def _remove_old_faiss(data_dir: Path, keep: str) -> None:
    for old in data_dir.glob(f"{FAISS_PREFIX}*.faiss"):
        if old.name != faiss_path(data_dir, keep).name:
            old.unlink(missing_ok=True)
