"""Records and engine results, built by keyword so tests name only what matters."""

from __future__ import annotations

from typing import Any

from bot.escalation.states import Kind, State
from bot.escalation.store import Escalation
from index import Answer, Hit, StoredPassage


def passage(
    *, doc: str, section: str, text: str, urgent: bool = False, source: str = "s"
) -> StoredPassage:
    """A stored passage of one file `f.md` (the fields tests never look at are fixed)."""
    return StoredPassage(
        doc=doc,
        section=section,
        text=text,
        source=source,
        path="f.md",
        position=0,
        urgent=urgent,
        id=1,
        hash="h",
        sentences=(),
    )


def answer(
    *,
    question: str,
    confident: bool,
    urgent: bool,
    takeaway: str,
    hits: list[Hit],
) -> Answer:
    """An engine answer, every field named."""
    return Answer(question, confident, urgent, takeaway, hits)


def escalation(**fields: Any) -> Escalation:
    """An escalation record as the store returns it: open, a plain question, unless told."""
    base: dict[str, Any] = {
        "id": "e" * 32,
        "asker": "U0ALICE",
        "question": "Can I take a tip?",
        "kind": Kind.QUESTION,
        "state": State.OPEN,
        "created_at": 1_700_000_000.0,
        "citations": ("Gifts > Cash tips",),
    }
    return Escalation(**{**base, **fields})
