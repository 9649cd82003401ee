"""The approved-guidance folder: new files never overwrite another (a suffix instead), no
temporary file is left for the engine to read, and a file edited or removed by hand is left
alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.guidance.folder import GuidanceFolder, HandEdited, digest, slug


def test_names_come_from_titles_and_collisions_get_a_suffix(tmp_path: Path) -> None:
    folder = GuidanceFolder(tmp_path)
    first = folder.create("Praying with a client!", "one\n")
    second = folder.create("Praying with a client?", "two\n")
    assert (first, second) == (
        "supervisors/praying-with-a-client.md",
        "supervisors/praying-with-a-client-2.md",
    )
    assert (tmp_path / first).read_text() == "one\n" and (tmp_path / second).read_text() == "two\n"
    assert sorted(p.name for p in folder.path.iterdir()) == [
        "praying-with-a-client-2.md",
        "praying-with-a-client.md",
    ]  # no temporary file left behind
    assert (tmp_path / first).stat().st_mode & 0o644 == 0o644


@pytest.mark.parametrize(
    ("title", "stem"),
    [("Señora's café ☕ visits", "senora-s-cafe-visits"), ("¿?", "guidance"), ("a" * 90, "a" * 60)],
)
def test_slug(title: str, stem: str) -> None:
    assert slug(title) == stem


def test_rewrite_and_remove_only_what_the_bot_wrote(tmp_path: Path) -> None:
    folder = GuidanceFolder(tmp_path)
    path = folder.create("Tips", "v1\n")
    folder.rewrite(path, "v2\n", digest("v1\n"))
    assert (tmp_path / path).read_text() == "v2\n"
    with pytest.raises(HandEdited):
        folder.rewrite(path, "v3\n", digest("v1\n"))  # v2 is not what it was told it wrote
    (tmp_path / path).write_text("v2, tidied by an admin\n")
    with pytest.raises(HandEdited):
        folder.remove(path, digest("v2\n"))
    assert (tmp_path / path).read_text() == "v2, tidied by an admin\n"
    folder.remove(path, digest("v2, tidied by an admin\n"))
    assert not (tmp_path / path).exists()
    folder.remove(path, digest("v2\n"))  # gone already: fine
    with pytest.raises(FileNotFoundError):
        folder.rewrite(path, "v3\n", digest("v2\n"))
    assert list(folder.path.iterdir()) == []
