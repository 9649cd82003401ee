"""A reviewed draft as a knowledge file (docs/knowledge-format.md): one section, its title, the
curated answer, the script, the guidance text and the example questions, the edited question
first. Front matter names the source (the supervisors' answers, with the approval date) and
`origin: supervisors`, which exempts these files from the pack's Spanish fields.

Whatever the supervisor typed stays text: a line of the guidance that would read as a heading,
a field label or a code fence is escaped, so it can never start a section of its own.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from bot.guidance.draft import Draft

FOLDER = "supervisors"  # inside the knowledge folder: indexed with it, committed with it
ORIGIN = "supervisors"
DOC_TITLE = "Supervisors' guidance"  # citations read "Supervisors' guidance > <title>"
DOC_TITLE_ES = "Orientación de los supervisores"
_STRUCTURE = re.compile(
    r"^(?:#|```|~~~|\*\*(?:Title|Answer|Say|Questions|Not urgent|Steps|Words)\b)"
)
_QUOTES = ('"', "\u201c", "'", "\u2018")


def source(approved_on: date) -> str:
    return f"Supervisors' answers to Home Pros' questions, approved {approved_on.isoformat()}"


def render(draft: Draft, approved_on: date) -> str:
    """The file for a cleaned draft with no `problems`."""
    meta = {
        "title": DOC_TITLE,
        "title_es": DOC_TITLE_ES,
        "source": source(approved_on),
        "origin": ORIGIN,
    }
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    lines = ["---", front.rstrip("\n"), "---", "", f"## {draft.title}", ""]
    lines.append(f"**Answer:** {draft.answer}")
    if draft.say:
        say = draft.say if draft.say.startswith(_QUOTES) else f'"{draft.say}"'
        lines.append(f"**Say:** {say}")
    lines += ["", _guidance_text(draft.text or draft.answer), "", "**Questions:**"]
    lines += [f"- {question}" for question in draft.questions]
    return "\n".join(lines) + "\n"


def _guidance_text(text: str) -> str:
    """Paragraphs as typed, blank-line runs made one, structure-looking lines escaped."""
    lines = []
    for line in text.strip().splitlines():
        line = line.rstrip()
        if _STRUCTURE.match(line.lstrip()):
            line = "\\" + line.lstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()
