"""Records and engine results, built by keyword so tests name only what matters."""

from __future__ import annotations

from typing import Any

from bot.escalation.states import Kind, State
from bot.escalation.store import Escalation
from bot.guidance.draft import Draft
from index import Answer, Hit, Section


def section(
    *,
    doc: str,
    section: str,
    text: str,
    answer: str = "",
    say: str = "",
    emergency: str | None = None,
    steps: tuple[str, ...] = (),
    source: str = "s",
) -> Section:
    """A section of one file `f.md`, English only (the fields tests never look at are fixed)."""
    return Section(
        id=1,
        doc=doc,
        section=section,
        source=source,
        path="f.md",
        scope="guidance",
        emergency=emergency,
        text=text,
        answers={"en": answer} if answer else {},
        says={"en": say} if say else {},
        steps={"en": steps} if steps else {},
    )


def answer(
    *,
    question: str,
    confident: bool,
    urgent: bool,
    takeaway: str,
    hits: list[Hit],
    emergency: Section | None = None,
    script: str = "",
    language: str = "en",
    unsure: bool = False,
    scope: str = "guidance",
    route: Section | None = None,
    aside: Section | None = None,
) -> Answer:
    """An engine answer (about guidance unless `scope` says otherwise), the fields tests
    care about named."""
    return Answer(
        question=question,
        language=language,
        confident=confident,
        urgent=urgent,
        unsure=unsure,
        danger=1.0 if urgent else 0.0,
        emergency=emergency,
        scope=scope,
        route=route,
        takeaway=takeaway,
        script=script,
        hits=hits,
        aside=aside,
    )


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


def draft(**fields: Any) -> Draft:
    """Reviewed supervisors' guidance (a client asks the Home Pro to pray), fields as told."""
    base: dict[str, Any] = {
        "question": "The client wants me to pray with her before every visit, what should I do?",
        "title": "A client asks you to pray with them",
        "answer": "Decline kindly: say you keep your visits to the work.",
        "say": "Thank you for asking, but I keep my visits to the work.",
        "text": "Praying together is personal.\n\nYou can say no kindly.",
        "examples": ("client asked me to join her prayers", "lady wants me to say grace with her"),
    }
    return Draft(**{**base, **fields})
