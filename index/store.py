"""The passage store: one SQLite file (through sqlite-utils) with passages, their FTS5 index,
the embedding cache keyed by model and content hash, and index metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import Passage
from index.database import ThreadLocalDatabase

DB_NAME = "index.db"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# Words that carry no topic: dropping them keeps BM25 on the words that matter.
_STOPWORDS = frozenset(
    """a about am an and any are as at be been but by can could did do does doing for from had
    has have he her hers him his how i i'm if in into is it it's its just me my of on or our
    ours she should so than that the their them then there these they this to too us was we
    were what when where which who why will with would you your yours ok okay please hi hey
    hello thanks""".split()
)


@dataclass(frozen=True)
class StoredPassage(Passage):
    """A passage as stored: `id` is its row in the FAISS index, `sentences` its takeaway
    candidates as character spans of `text`."""

    id: int
    hash: str
    sentences: tuple[tuple[int, int], ...]


def keyword_query(question: str) -> str:
    """An FTS5 query: the question's topic words OR-ed, each quoted so syntax is inert."""
    words = [w.lower() for w in _WORD.findall(question)]
    terms = dict.fromkeys(w.replace('"', "") for w in words if w not in _STOPWORDS and len(w) > 1)
    return " OR ".join(f'"{t}"' for t in terms)


_PASSAGE_COLUMNS = (
    "id",
    "doc",
    "section",
    "text",
    "source",
    "path",
    "position",
    "urgent",
    "hash",
    "sentences",
)


class Store(ThreadLocalDatabase):
    """The index database, safe to use from many threads."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / DB_NAME)
        self._create()

    def _create(self) -> None:
        db = self.db
        db["passages"].create(
            {
                "id": int,
                "doc": str,
                "section": str,
                "text": str,
                "source": str,
                "path": str,
                "position": int,
                "urgent": int,
                "hash": str,
                "sentences": str,
            },
            pk="id",
            if_not_exists=True,
        )
        if not db["passages_fts"].exists():
            db["passages"].enable_fts(
                ["doc", "section", "text"], tokenize="porter", create_triggers=True
            )
        db["embeddings"].create(
            {"model": str, "hash": str, "vector": bytes, "sentences": bytes},
            pk=("model", "hash"),
            if_not_exists=True,
        )
        db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)

    # --- metadata -------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {row["key"]: row["value"] for row in self.db["meta"].rows}

    # --- embedding cache ------------------------------------------------------------------
    def cached_hashes(self, model: str) -> set[str]:
        rows = self.db.execute("SELECT hash FROM embeddings WHERE model = ?", [model])
        return {h for (h,) in rows.fetchall()}

    def cache_embeddings(
        self, model: str, items: Iterable[tuple[str, np.ndarray, np.ndarray]]
    ) -> None:
        self.db["embeddings"].insert_all(
            (
                {
                    "model": model,
                    "hash": h,
                    "vector": np.asarray(v, dtype=np.float32).tobytes(),
                    "sentences": np.asarray(s, dtype=np.float32).tobytes(),
                }
                for h, v, s in items
            ),
            replace=True,
            batch_size=500,
        )

    def passage_vectors(self, model: str, hashes: Sequence[str], dim: int) -> np.ndarray:
        """The cached vectors for `hashes`, in that order (all must be cached)."""
        found = self._cached(model, hashes, "vector")
        matrix = np.empty((len(hashes), dim), dtype=np.float32)
        for row, h in enumerate(hashes):
            matrix[row] = np.frombuffer(found[h], dtype=np.float32)
        return matrix

    def sentence_vectors(
        self, model: str, hashes: Iterable[str], dim: int
    ) -> dict[str, np.ndarray]:
        """The cached sentence matrices of these passages, in one read; a passage that is not
        cached gets an empty matrix (it then offers no takeaway sentence)."""
        wanted = set(hashes)
        found = self._cached(model, wanted, "sentences")
        return {
            h: np.frombuffer(found[h], dtype=np.float32).reshape(-1, dim)
            if h in found
            else np.zeros((0, dim), dtype=np.float32)
            for h in wanted
        }

    def _cached(self, model: str, hashes: Iterable[str], column: str) -> dict[str, bytes]:
        """One column of the cache rows of `model` for these hashes (500 per query)."""
        found: dict[str, bytes] = {}
        for chunk in _chunks(sorted(set(hashes)), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT hash, {column} FROM embeddings WHERE model = ? AND hash IN ({marks})",
                [model, *chunk],
            )
            found.update(rows.fetchall())
        return found

    # --- passages -------------------------------------------------------------------------
    def replace_passages(
        self,
        passages: Sequence[Passage],
        sentences: Sequence[Sequence[tuple[int, int]]],
        meta: dict[str, str],
        model: str,
    ) -> None:
        """Swap in a new set of passages and its metadata in one transaction.

        Only rows that differ from the stored ones are written: every write also updates the
        FTS5 index through the table's triggers, and rewriting all 10,000 rows of a large
        corpus made up most of an incremental rebuild after a one-file edit. The result is
        the same table and the same FTS5 index as a full rewrite.

        Cache entries of `model` that no passage uses any more are dropped, so the file does
        not grow with every edit.
        """
        rows = [
            (
                i,
                p.doc,
                p.section,
                p.text,
                p.source,
                p.path,
                p.position,
                int(p.urgent),
                p.content_hash,
                json.dumps(list(spans)),
            )
            for i, (p, spans) in enumerate(zip(passages, sentences, strict=True))
        ]
        columns = ", ".join(_PASSAGE_COLUMNS)
        conn = self.db.conn
        with conn:
            conn.execute("BEGIN IMMEDIATE")  # read and rewrite under one write lock
            stored = {row[0]: row for row in conn.execute(f"SELECT {columns} FROM passages")}
            conn.execute("DELETE FROM passages WHERE id >= ?", [len(rows)])
            conn.executemany(
                f"UPDATE passages SET {', '.join(f'{c} = ?' for c in _PASSAGE_COLUMNS[1:])} "
                "WHERE id = ?",
                [(*row[1:], row[0]) for row in rows if row[0] in stored and stored[row[0]] != row],
            )
            conn.executemany(
                f"INSERT INTO passages ({columns}) "
                f"VALUES ({', '.join('?' * len(_PASSAGE_COLUMNS))})",
                [row for row in rows if row[0] not in stored],
            )
            conn.execute(
                "DELETE FROM embeddings WHERE model = ? "
                "AND hash NOT IN (SELECT hash FROM passages)",
                [model],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(meta.items())
            )
            # One b-tree instead of a segment per batch of writes: keyword search then takes
            # 0.26 ms a question on the bundled knowledge, against 0.41 ms unmerged.
            conn.execute("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')")

    def passages(self, ids: Sequence[int], build_id: str) -> list[StoredPassage] | None:
        """The passages with these ids, or None when the store was rebuilt since `build_id`."""
        if not ids:
            return []
        conn = self.db.conn
        conn.execute("BEGIN")  # one read snapshot: the rows belong to the build we checked
        try:
            current = conn.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone()
            if current is None or current[0] != build_id:
                return None
            marks = ",".join("?" * len(ids))
            rows = conn.execute(
                f"SELECT id, doc, section, text, source, path, position, urgent, hash, sentences "
                f"FROM passages WHERE id IN ({marks})",
                list(ids),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        by_id = {row[0]: _stored(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def keyword_search(self, question: str, limit: int) -> list[int]:
        """Passage ids ranked by BM25 (section and title words weigh more than body words)."""
        query = keyword_query(question)
        if not query:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? "
            "ORDER BY bm25(passages_fts, 2.0, 3.0, 1.0) LIMIT ?",
            [query, limit],
        )
        return [r for (r,) in rows.fetchall()]

    def count(self) -> int:
        return self.db["passages"].count


def _stored(row: tuple) -> StoredPassage:
    return StoredPassage(
        id=row[0],
        doc=row[1],
        section=row[2],
        text=row[3],
        source=row[4],
        path=row[5],
        position=row[6],
        urgent=bool(row[7]),
        hash=row[8],
        sentences=tuple(tuple(s) for s in json.loads(row[9])),
    )


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
