"""Load the guidance corpus: Markdown files with front matter and fields, and plain `.txt` files.

A document becomes a list of sections (heading path + paragraphs + fields). Fields are the
parts an author curates for the bot (`docs/knowledge-format.md`): the short answer, the words
to say, example questions in the field's language, and for emergencies the steps, the
labelled look-alikes and the unmistakable words. Chunking into passages happens later, so
that the rules for reading a file stay separate from the rules for cutting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.errors import KnowledgeError

SUFFIXES = (".md", ".markdown", ".txt")
DEFAULT_LANGUAGE = "en"
GUIDANCE, OUT_OF_SCOPE, CONVERSATION = "guidance", "out", "conversation"
SCOPES = (GUIDANCE, OUT_OF_SCOPE, CONVERSATION)
GENERAL_EMERGENCY = "general"  # the fallback kind: its steps lead when the kind is unclear

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
# `**Answer:** text`, `**Questions (es):**`: a known label, an optional language, the value.
_FIELD = re.compile(
    r"^\*\*(Title|Answer|Say|Questions|Not urgent|Steps|Words)(?:\s*\(([a-z]{2})\))?:\*\*\s*(.*)$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(.*)$")
_KIND_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TXT_HEADING_MAX = 80
_END_PUNCTUATION = tuple(".!?:;,\"')]\u2026\u201d\u2019")


@dataclass
class Fields:
    """A section's curated parts, each by language code ("en", "es", ...)."""

    titles: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    says: dict[str, str] = field(default_factory=dict)
    questions: dict[str, list[str]] = field(default_factory=dict)
    not_urgent: dict[str, list[str]] = field(default_factory=dict)
    steps: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A run of paragraphs under one heading path (empty path: text before any heading)."""

    path: tuple[str, ...]
    paragraphs: list[str] = field(default_factory=list)
    fields: Fields = field(default_factory=Fields)

    @property
    def has_content(self) -> bool:
        f = self.fields
        return bool(self.paragraphs or f.answers or f.questions or f.steps)


@dataclass
class Document:
    title: str
    source: str
    path: str  # relative to the knowledge directory, POSIX style
    sections: list[Section]
    titles: dict[str, str] = field(default_factory=dict)  # other languages' titles
    scope: str = GUIDANCE
    emergency: str | None = None  # the emergency kind this document's sections describe


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
    if not any(s.has_content for d in documents for s in d.sections):
        raise KnowledgeError(f"knowledge directory has no text: {directory}")
    return documents


def _default_title(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        loaded = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        raise KnowledgeError(f"{path}: front matter is not valid YAML{where}") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise KnowledgeError(f"{path}: front matter must be 'key: value' lines")
    return loaded or {}, text[match.end() :]


def _scope_and_kind(meta: dict, path: Path) -> tuple[str, str | None]:
    scope = str(meta.get("scope") or GUIDANCE).strip().lower()
    if scope not in SCOPES:
        raise KnowledgeError(f"{path}: scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    kind = meta.get("emergency")
    if kind is None or kind == "":
        return scope, None
    kind = str(kind).strip().lower()
    if not _KIND_ID.fullmatch(kind):
        raise KnowledgeError(
            f"{path}: emergency must be a kind id in lowercase words joined by dashes, "
            f"such as gas-leak; got {kind!r}"
        )
    return scope, kind


class _FieldReader:
    """Collects one section's field lines; everything else stays prose for the paragraphs."""

    def __init__(self, section: Section, path: Path) -> None:
        self.fields = section.fields
        self.path = path
        self.section = section
        self.label: tuple[str, str] | None = None  # (label, language) being read
        self.lines: list[str] = []
        self.waiting_for_list = False  # a label with no value: its list may follow a blank

    def starts(self, line: str) -> bool:
        """Take `line` if it starts a field or continues the current one."""
        match = _FIELD.match(line.strip())
        if match:
            self.close()
            label, language, value = match.group(1), match.group(2) or DEFAULT_LANGUAGE, match[3]
            self.label = (label, language)
            self.lines = [value] if value else []
            self.waiting_for_list = not value
            return True
        if self.label is None:
            return False
        if not line.strip():
            if not (self.waiting_for_list and not self.lines):
                self.close()
            return True
        if self.waiting_for_list and not self.lines and not _LIST_ITEM.match(line):
            self.close()
            return False
        self.lines.append(line.strip())
        return True

    def close(self) -> None:
        if self.label is None:
            return
        label, language = self.label
        self.label, lines, self.lines, self.waiting_for_list = None, self.lines, [], False
        where = f"{self.path}: section {' > '.join(self.section.path) or '(top)'}"
        if label in ("Questions", "Not urgent", "Steps"):
            items = _items(lines)
            target = {
                "Questions": self.fields.questions,
                "Not urgent": self.fields.not_urgent,
                "Steps": self.fields.steps,
            }[label]
            target.setdefault(language, []).extend(items)
            return
        text = " ".join(lines).strip()
        if not text:
            raise KnowledgeError(f"{where}: the {label} field is empty")
        if label == "Words":
            self.fields.words.extend(w.strip() for w in text.split(",") if w.strip())
            return
        target = {
            "Title": self.fields.titles,
            "Answer": self.fields.answers,
            "Say": self.fields.says,
        }
        target[label][language] = text


def _items(lines: list[str]) -> list[str]:
    """List items; a line that is not an item continues the item before it."""
    items: list[str] = []
    for line in lines:
        match = _LIST_ITEM.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items:
            items[-1] = f"{items[-1]} {line.strip()}"
        elif line.strip():
            items.append(line.strip())
    return [i for i in items if i]


def _parse_markdown(text: str, relative: str, path: Path) -> Document:
    meta, text = _front_matter(text, path)
    scope, kind = _scope_and_kind(meta, path)
    title = str(meta.get("title") or "").strip()
    sections: list[Section] = [Section(())]
    stack: list[tuple[int, str]] = []
    paragraph: list[str] = []
    in_fence = False
    reader = _FieldReader(sections[-1], path)

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
            reader.close()
            level, name = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and not title and not stack:
                title = name  # a leading `# Title` names the document
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            sections.append(Section(tuple(n for _, n in stack)))
            reader = _FieldReader(sections[-1], path)
        elif not in_fence and reader.starts(line):
            flush()
        elif line.strip():
            paragraph.append(line.rstrip())
        elif not in_fence:
            flush()
    flush()
    reader.close()
    titles = {
        key.split("_", 1)[1]: str(value).strip()
        for key, value in meta.items()
        if re.fullmatch(r"title_[a-z]{2}", str(key)) and value
    }
    return Document(
        title=title or _default_title(path),
        source=str(meta.get("source") or relative).strip(),
        path=relative,
        sections=[s for s in sections if s.has_content],
        titles=titles,
        scope=scope,
        emergency=kind,
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
        sections=[s for s in sections if s.paragraphs],
    )
