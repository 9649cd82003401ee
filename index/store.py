"""The index store: one SQLite file (through sqlite-utils) with the sections, the entries that
find them and their FTS5 index, the embedding cache keyed by model and content hash, and
index metadata.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.database import ThreadLocalDatabase
from index.sections import Entry, Section

DB_NAME = "index.db"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# Words that carry no topic: dropping them keeps BM25 on the words that matter (English and
# Spanish, since questions come in both).
_STOPWORDS = frozenset(
    """a about am an and any are as at be been but by can could did do does doing for from had
    has have he her hers him his how i i'm if in into is it it's its just me my of on or our
    ours she should so than that the their them then there these they this to too us was we
    were what when where which who why will with would you your yours ok okay please hi hey
    hello thanks im u ur pls
    al como con de del el ella ellos en es esta este eso esto la las le les lo los me mi mis
    muy no o para pero por que qué se si sí su sus te tu tú un una y ya yo hola gracias""".split()
)
_ENTRY_COLUMNS = ("id", "section_id", "kind", "language", "text", "hash", "sentences")


def keyword_query(question: str) -> str:
    """An FTS5 query: the question's topic words OR-ed, each quoted so syntax is inert."""
    words = [w.lower() for w in _WORD.findall(question)]
    terms = dict.fromkeys(w.replace('"', "") for w in words if w not in _STOPWORDS and len(w) > 1)
    return " OR ".join(f'"{t}"' for t in terms)


class Store(ThreadLocalDatabase):
    """The index database, safe to use from many threads."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir / DB_NAME)
        self._create()

    def _create(self) -> None:
        db = self.db
        if db["passages"].exists():  # an index from before sections: rebuilt from scratch
            for table in ("passages_fts", "passages", "meta"):
                db[table].drop(ignore=True)
        db["sections"].create(
            {"id": int, "citation": str, "scope": str, "emergency": str, "data": str},
            pk="id",
            if_not_exists=True,
        )
        db["entries"].create(
            {
                "id": int,
                "section_id": int,
                "kind": str,
                "language": str,
                "text": str,
                "hash": str,
                "sentences": str,
            },
            pk="id",
            if_not_exists=True,
        )
        if not db["entries_fts"].exists():
            # porter over unicode61 with diacritics removed: "politica" finds "política".
            db["entries"].enable_fts(
                ["text"], tokenize="porter unicode61 remove_diacritics 2", create_triggers=True
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

    def vectors(self, model: str, hashes: Sequence[str], dim: int) -> np.ndarray:
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

    # --- sections and entries -------------------------------------------------------------
    def replace_index(
        self,
        sections: Sequence[Section],
        entries: Sequence[Entry],
        sentences: Sequence[Sequence[tuple[int, int]]],
        meta: dict[str, str],
        model: str,
    ) -> None:
        """Swap in new sections, entries and metadata in one transaction.

        Only entry rows that differ from the stored ones are written: every write also
        updates the FTS5 index through the table's triggers, and rewriting all rows of a large
        corpus made up most of an incremental rebuild after a one-file edit. The result is
        the same table and the same FTS5 index as a full rewrite.

        Cache entries of `model` that no entry uses any more are dropped, so the file does
        not grow with every edit.
        """
        rows = [
            (i, e.section_id, e.kind, e.language, e.text, e.content_hash, json.dumps(list(s)))
            for i, (e, s) in enumerate(zip(entries, sentences, strict=True))
        ]
        columns = ", ".join(_ENTRY_COLUMNS)
        conn = self.db.conn
        with conn:
            conn.execute("BEGIN IMMEDIATE")  # read and rewrite under one write lock
            stored = {row[0]: row for row in conn.execute(f"SELECT {columns} FROM entries")}
            conn.execute("DELETE FROM entries WHERE id >= ?", [len(rows)])
            conn.executemany(
                f"UPDATE entries SET {', '.join(f'{c} = ?' for c in _ENTRY_COLUMNS[1:])} "
                "WHERE id = ?",
                [(*row[1:], row[0]) for row in rows if row[0] in stored and stored[row[0]] != row],
            )
            conn.executemany(
                f"INSERT INTO entries ({columns}) VALUES ({', '.join('?' * len(_ENTRY_COLUMNS))})",
                [row for row in rows if row[0] not in stored],
            )
            conn.execute("DELETE FROM sections")
            conn.executemany(
                "INSERT INTO sections (id, citation, scope, emergency, data) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (s.id, s.citation, s.scope, s.emergency, json.dumps(s.to_dict()))
                    for s in sections
                ],
            )
            conn.execute(
                "DELETE FROM embeddings WHERE model = ? AND hash NOT IN (SELECT hash FROM entries)",
                [model],
            )
            conn.execute("DELETE FROM meta")
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(meta.items()))
            # One b-tree instead of a segment per batch of writes: a merged FTS5 index answers
            # a keyword search in about two thirds of the time.
            conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('optimize')")

    def snapshot(
        self, build_id: str
    ) -> tuple[list[Section], list[tuple[int, str, str, str]]] | None:
        """All sections and (section id, kind, language, hash) per entry, read in one
        snapshot; None when the store holds another build than `build_id`."""
        with self._reading(build_id) as conn:
            if conn is None:
                return None
            sections = [
                Section.from_dict(json.loads(data))
                for (data,) in conn.execute("SELECT data FROM sections ORDER BY id")
            ]
            entries = conn.execute(
                "SELECT section_id, kind, language, hash FROM entries ORDER BY id"
            ).fetchall()
        return sections, entries

    @contextmanager
    def _reading(self, build_id: str) -> Iterator[sqlite3.Connection | None]:
        """One read transaction over `build_id`'s rows: the connection, or None when the
        store holds another build (its ids would name other rows)."""
        conn = self.db.conn
        conn.execute("BEGIN")
        try:
            current = conn.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone()
            yield conn if current is not None and current[0] == build_id else None
        finally:
            conn.execute("COMMIT")

    def entry_texts(self) -> list[str]:
        return [t for (t,) in self.db.execute("SELECT text FROM entries ORDER BY id").fetchall()]

    def entry_sentences(self, ids: Sequence[int]) -> dict[int, tuple[str, list[tuple[int, int]]]]:
        """(text, sentence spans) of these entries (the takeaway fallback's candidates)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, text, sentences FROM entries WHERE id IN ({marks})", list(ids)
        ).fetchall()
        return {i: (text, [tuple(s) for s in json.loads(spans)]) for i, text, spans in rows}

    def keyword_search(self, question: str, limit: int, build_id: str) -> list[int] | None:
        """Entry ids ranked by BM25, or None when the store holds another build than
        `build_id` (the ids would name other rows)."""
        query = keyword_query(question)
        if not query:
            return []
        with self._reading(build_id) as conn:
            if conn is None:
                return None
            rows = conn.execute(
                "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? "
                "ORDER BY bm25(entries_fts) LIMIT ?",
                [query, limit],
            ).fetchall()
        return [r for (r,) in rows]

    def count(self) -> int:
        return self.db["sections"].count


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
