"""Retrieval quality on a dev set: hit@1, hit@3 and MRR per retriever, and how well the
engine rejects out-of-scope questions and flags urgent ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from index import Answer, StoredPassage
from index.errors import BoundaryError

Mode = Literal["dense", "keyword", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "keyword", "hybrid")
KINDS = ("in_scope", "out_of_scope", "urgent")


class Engine(Protocol):
    """What an evaluation needs of the search engine (`index.Engine`, built by the CLI)."""

    def rank(self, question: str, mode: Mode, k: int = 10) -> list[StoredPassage]: ...

    def ask_many(self, questions: Sequence[str], top: int = 3) -> list[Answer]: ...


@dataclass(frozen=True)
class Case:
    line: int
    question: str
    kind: str
    expected: tuple[str, ...]


@dataclass
class Report:
    retrieval: dict[str, dict[str, float]] = field(default_factory=dict)
    rejection_rate: float = 0.0  # out-of-scope answered "not confident"
    false_rejection_rate: float = 0.0  # in-scope answered "not confident"
    urgent_rate: float = 0.0  # urgent questions flagged urgent
    false_urgent_rate: float = 0.0  # other questions flagged urgent
    counts: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise BoundaryError(f"dev set not found: {path}")
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            kind = item.get("kind", "in_scope")
            expected = tuple(item.get("expected", ()))
            if kind not in KINDS or not str(item["question"]).strip():
                raise ValueError
            if kind != "out_of_scope" and not expected:
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BoundaryError(
                f"{path}:{number}: expected a JSON object with question, kind "
                f"({', '.join(KINDS)}) and expected sections"
            ) from None
        cases.append(Case(number, item["question"], kind, expected))
    if not cases:
        raise BoundaryError(f"dev set is empty: {path}")
    return cases


def matches(passage: StoredPassage, expected: tuple[str, ...]) -> bool:
    """A passage answers if its citation is an expected section or lies inside one."""
    return any(passage.citation == e or passage.citation.startswith(e + " > ") for e in expected)


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    report = Report(counts={k: sum(c.kind == k for c in cases) for k in KINDS})
    ranked = [c for c in cases if c.expected]
    for mode in MODES:
        hit1 = hit3 = reciprocal = 0.0
        for case in ranked:
            ranks = [
                r
                for r, p in enumerate(engine.rank(case.question, mode, 10), 1)
                if matches(p, case.expected)
            ]
            first = ranks[0] if ranks else None
            hit1 += first == 1
            hit3 += first is not None and first <= 3
            reciprocal += 1 / first if first else 0.0
            if mode == "hybrid" and first != 1:
                report.misses.append(
                    f"retrieval (rank {first or '>10'}): {case.question!r} expected "
                    f"{' | '.join(case.expected)}"
                )
        n = max(len(ranked), 1)
        report.retrieval[mode] = {"hit@1": hit1 / n, "hit@3": hit3 / n, "mrr": reciprocal / n}

    answers = engine.ask_many([c.question for c in cases])
    rejected = false_rejected = urgent = false_urgent = 0
    for case, answer in zip(cases, answers, strict=True):
        best = answer.hits[0].passage.citation if answer.hits else "-"
        if case.kind == "out_of_scope":
            rejected += not answer.confident
            if answer.confident:
                report.misses.append(f"answered out-of-scope: {case.question!r} -> {best}")
        elif not answer.confident and not answer.urgent:
            false_rejected += 1
            report.misses.append(f"rejected in-scope: {case.question!r}")
        if case.kind == "urgent":
            urgent += answer.urgent
            if not answer.urgent:
                report.misses.append(f"urgent not flagged: {case.question!r} -> {best}")
        elif answer.urgent:
            false_urgent += 1
            report.misses.append(f"flagged urgent wrongly: {case.question!r} -> {best}")
    counts = report.counts
    report.rejection_rate = rejected / max(counts["out_of_scope"], 1)
    report.false_rejection_rate = false_rejected / max(counts["in_scope"] + counts["urgent"], 1)
    report.urgent_rate = urgent / max(counts["urgent"], 1)
    report.false_urgent_rate = false_urgent / max(counts["in_scope"] + counts["out_of_scope"], 1)
    return report


def render(report: Report) -> str:
    lines = [
        "questions: " + ", ".join(f"{report.counts[k]} {k}" for k in KINDS),
        "",
        f"{'retriever':<10} {'hit@1':>7} {'hit@3':>7} {'MRR':>7}",
    ]
    for mode, m in report.retrieval.items():
        lines.append(f"{mode:<10} {m['hit@1']:>7.1%} {m['hit@3']:>7.1%} {m['mrr']:>7.3f}")
    lines += [
        "",
        f"out-of-scope rejected:   {report.rejection_rate:.1%}",
        f"in-scope rejected:       {report.false_rejection_rate:.1%}",
        f"urgent detected:         {report.urgent_rate:.1%}",
        f"non-urgent flagged:      {report.false_urgent_rate:.1%}",
    ]
    if report.misses:
        lines += ["", f"misses ({len(report.misses)}):"] + [f"- {m}" for m in report.misses]
    return "\n".join(lines)
