"""One SQLite file used from many threads: WAL, so readers never wait for a writer, and a
connection per thread, each waiting up to BUSY_TIMEOUT_MS for a lock instead of failing
with "database is locked".

The index store and the bot's records both build on this.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


class ThreadLocalDatabase:
    """`db` is this thread's sqlite-utils Database on `path` (created with its folder)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self.db.enable_wal()  # a property of the file: set once, kept by every connection

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            db = sqlite_utils.Database(conn)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._local.db = db
        return db
