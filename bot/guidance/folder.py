"""The folder of approved supervisors' guidance inside the knowledge folder: one Markdown file
per piece, written atomically (a hidden temporary file, then a link or rename: the engine,
which skips hidden files, never reads half a file), never overwriting another piece.

A file is only rewritten or removed while it still holds what the bot wrote (its sha256):
an admin's hand edit is kept, and the bot says where to make the change instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from bot.guidance.markdown import FOLDER

MAX_SLUG = 60


class HandEdited(Exception):
    """The file changed (or went) since the bot wrote it; the message says which."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slug(title: str) -> str:
    """A file name stem from a title: ASCII lowercase words joined by dashes."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return words[:MAX_SLUG].strip("-") or "guidance"


class GuidanceFolder:
    def __init__(self, knowledge_dir: Path) -> None:
        self.knowledge_dir = knowledge_dir
        self.path = knowledge_dir / FOLDER

    def create(self, title: str, text: str) -> str:
        """Write a new file named after `title` (with -2, -3... if taken); returns its path
        relative to the knowledge folder."""
        self.path.mkdir(parents=True, exist_ok=True)
        temporary = self._temporary(text)
        try:
            stem = slug(title)
            for number in range(1, 1000):
                name = f"{stem}.md" if number == 1 else f"{stem}-{number}.md"
                try:
                    os.link(temporary, self.path / name)  # fails if taken: never overwrites
                except FileExistsError:
                    continue
                return f"{FOLDER}/{name}"
            raise FileExistsError(f"{self.path}: no free name for {stem}.md")
        finally:
            temporary.unlink(missing_ok=True)

    def rewrite(self, relative: str, text: str, written: str) -> None:
        """Replace the file at `relative`, if it still holds what was `written` (a digest)."""
        target = self._checked(relative, written)
        temporary = self._temporary(text)
        try:
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)

    def remove(self, relative: str, written: str) -> None:
        """Remove the file at `relative` if it still holds what was `written`; gone is fine."""
        try:
            target = self._checked(relative, written)
        except FileNotFoundError:
            return
        target.unlink(missing_ok=True)

    def _checked(self, relative: str, written: str) -> Path:
        target = self.knowledge_dir / relative
        current = target.read_bytes()  # FileNotFoundError if it went
        if hashlib.sha256(current).hexdigest() != written:
            raise HandEdited(f"{relative} was edited by hand since it was approved")
        return target

    def _temporary(self, text: str) -> Path:
        """`text` in a hidden file of the folder, flushed to disk, readable like the others."""
        descriptor, name = tempfile.mkstemp(dir=self.path, prefix=".", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, 0o644)
        return Path(name)
