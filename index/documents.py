"""Load the guidance corpus: Markdown files with front matter, and plain `.txt` files.

A document becomes a list of sections (heading path + paragraphs); chunking into passages
happens later, so that the rules for reading a file stay separate from the rules for cutting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.errors import KnowledgeError

SUFFIXES = (".md", ".markdown", ".txt")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_TXT_HEADING_MAX = 80
_END_PUNCTUATION = tuple(".!?:;,\"')]\u2026\u201d\u2019")


@dataclass
class Section:
    """A run of paragraphs under one heading path (empty path: text before any heading)."""

    path: tuple[str, ...]
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Document:
    title: str
    source: str
    path: str  # relative to the knowledge directory, POSIX style
    urgent: bool
    sections: list[Section]


def knowledge_files(directory: Path) -> list[Path]:
    """The files that make up the corpus, sorted so builds are deterministic."""
    if not directory.is_dir():
        raise KnowledgeError(f"knowledge directory not found: {directory}")
    files = sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
    if not files:
        raise KnowledgeError(f"knowledge directory has no .md or .txt files: {directory}")
    return files


def read_text(path: Path) -> str:
    """Read a knowledge file, naming it when it is not UTF-8 text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise KnowledgeError(f"{path}: not a text file (contains NUL bytes)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_document(path: Path, root: Path) -> Document:
    text = read_text(path)
    relative = path.relative_to(root).as_posix()
    if path.suffix.lower() == ".txt":
        return _parse_txt(text, relative, path)
    return _parse_markdown(text, relative, path)


def load_documents(directory: Path) -> list[Document]:
    """Every document of the corpus; a corpus with no text at all is an error."""
    documents = [load_document(p, directory) for p in knowledge_files(directory)]
    if not any(s.paragraphs for d in documents for s in d.sections):
        raise KnowledgeError(f"knowledge directory has no text: {directory}")
    return documents


def _default_title(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _parse_markdown(text: str, relative: str, path: Path) -> Document:
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", None)
            where = f" (line {line + 2})" if line is not None else ""
            raise KnowledgeError(f"{path}: front matter is not valid YAML{where}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise KnowledgeError(f"{path}: front matter must be 'key: value' lines")
        meta = loaded or {}
        text = text[match.end() :]

    title = str(meta.get("title") or "").strip()
    sections: list[Section] = [Section(())]
    stack: list[tuple[int, str]] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            sections[-1].paragraphs.append("\n".join(paragraph).strip())
            paragraph.clear()

    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            flush()
            level, name = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and not title and not stack:
                title = name  # a leading `# Title` names the document
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            sections.append(Section(tuple(n for _, n in stack)))
        elif line.strip():
            paragraph.append(line.rstrip())
        elif not in_fence:
            flush()
    flush()
    return Document(
        title=title or _default_title(path),
        source=str(meta.get("source") or relative).strip(),
        path=relative,
        urgent=bool(meta.get("urgent", False)),
        sections=[s for s in sections if s.paragraphs],
    )


def _looks_like_heading(line: str) -> bool:
    return 0 < len(line) <= _TXT_HEADING_MAX and not line.endswith(_END_PUNCTUATION)


def _parse_txt(text: str, relative: str, path: Path) -> Document:
    """Paragraphs, where a short line without end punctuation starts a section.

    Exports often put one paragraph per line with no blank lines between; files that do use
    blank lines have their hard-wrapped lines joined back into paragraphs.
    """
    lines = [
        re.sub(r"^[\u2022\u25cf\u25aa\u25e6\u00b7*-]\s+", "- ", ln.strip())
        for ln in text.split("\n")
    ]
    if any(not line for line in lines[1:-1]):
        blocks = [b.split("\n") for b in re.split(r"\n{2,}", "\n".join(lines).strip()) if b]
    else:
        blocks = [[line] for line in lines if line]
    title = ""
    sections: list[Section] = [Section(())]
    for block in blocks:
        if len(block) == 1 and _looks_like_heading(block[0]) and not block[0].startswith("- "):
            if not title and not any(s.paragraphs for s in sections):
                title = block[0]
            else:
                sections.append(Section((block[0],)))
            continue
        paragraph: list[str] = []
        for line in block:
            if line.startswith("- ") and paragraph:
                sections[-1].paragraphs.append(" ".join(paragraph))
                paragraph = []
            paragraph.append(line)
        sections[-1].paragraphs.append(" ".join(paragraph))
    return Document(
        title=title or _default_title(path),
        source=relative,
        path=relative,
        urgent=False,
        sections=[s for s in sections if s.paragraphs],
    )
