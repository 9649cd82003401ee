"""Cut a section's text into passages (long sections split on paragraph boundaries) and
passages into sentences (the takeaway candidates of sections that have no curated answer).

A passage must read on its own: it is what the search compares with a question.
"""

from __future__ import annotations

import re

MAX_PASSAGE_CHARS = 900  # about 200 word pieces: fits the model's 256-token window
# Bump when chunking or sentence splitting changes, so cached embeddings are not reused.
CHUNKER_VERSION = "3"  # 3: sections with curated fields; 2: closing quotes kept

# After end punctuation: the closing quotes or brackets that still belong to the sentence
# (group 1), then the space before the next one.
_SENTENCE_END = re.compile(
    "(?<=[.!?\u2026])([\"'\u201d\u2019)\\]]*)\\s+(?=[\"'\u201c\u2018(\\[]?[A-Z0-9])"
)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_MIN_SENTENCE_WORDS = 4


def pack(paragraphs: list[str], max_chars: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Greedily join paragraphs up to max_chars; a lone long paragraph splits by sentence."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= max_chars:
            pieces.append(paragraph)
        else:
            pieces.extend(_split_long(paragraph, max_chars))
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) + 2 > max_chars:
            chunks.append("\n\n".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece) + 2
    if current:
        chunks.append("\n\n".join(current))
    return chunks


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    out: list[str] = []
    current = ""
    for start, end in sentence_spans(paragraph, min_words=0):
        sentence = paragraph[start:end]
        while len(sentence) > max_chars:  # a "sentence" with no end: cut at a space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            if current:
                out.append(current)
                current = ""
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > max_chars:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def sentence_spans(text: str, min_words: int = _MIN_SENTENCE_WORDS) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`; each bullet line counts as its own unit.

    Headings-like fragments shorter than `min_words` words are left out, since they make
    poor takeaways.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        bullet = _BULLET.match(line)
        start = bullet.end() if bullet else 0
        cursor = start
        for match in _SENTENCE_END.finditer(line, start):
            spans.append((offset + cursor, offset + match.end(1)))
            cursor = match.end()
        spans.append((offset + cursor, offset + len(line.rstrip())))
        offset += len(line) + 1
    return [(s, e) for s, e in spans if e > s and len(text[s:e].split()) >= max(min_words, 1)]
