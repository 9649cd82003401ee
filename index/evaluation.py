"""How well the engine answers a question set, measured on exactly the path `ask` takes.

A question set is JSON Lines. Boundary questions carry `question`, `kind` (in_scope or
out_of_scope) and `expected` (the citations of the sections that answer it); emergency sets
carry `text`, `urgent`, `kind` (the emergency kind id) and `also` (other kinds whose steps
would be right too). Both may carry `lang`.

The report gives, per language: retrieval (hit@1, hit@3, MRR) and how often the headline is
an expected section's curated answer; how often out-of-scope questions are refused and
in-scope ones wrongly refused; urgent recall and false alarms, per kind, with a confusion
table of the kinds named, and the recall/false-alarm trade-off across detector thresholds.
Each run is saved, so the next run of the same set lists every question whose outcome changed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.engine import MODES, URGENT_AT, Answer, Engine, Mode
from index.errors import BoundaryError

IN_SCOPE, OUT_OF_SCOPE = "in_scope", "out_of_scope"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Case:
    line: int
    question: str
    language: str
    scope: str | None  # IN_SCOPE, OUT_OF_SCOPE, or None (an emergency set: not labelled)
    expected: tuple[str, ...]  # citations of the sections that answer it
    urgent: bool | None  # None: the set does not say
    kind: str | None  # the emergency kind, if urgent
    also: tuple[str, ...] = ()


@dataclass
class Outcome:
    """One question's result, as saved for the next run's diff."""

    question: str
    language: str
    rank: int | None  # of the first expected section among the answer's ranked sections
    headline: bool  # the takeaway is an expected section's curated answer
    refused: bool
    urgent: bool
    danger: float
    kind: str | None
    top: str


@dataclass
class Report:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    retrieval: dict[str, dict[str, float]] = field(default_factory=dict)  # language -> metrics
    modes: dict[str, dict[str, float]] = field(default_factory=dict)  # mode -> metrics (all)
    scope: dict[str, dict[str, float]] = field(default_factory=dict)  # language -> rates
    urgency: dict[str, dict[str, float]] = field(default_factory=dict)  # language -> rates
    kinds: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> recall, named
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # expected -> named
    curve: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[Case]:
    """Read a question set; a malformed line is a one-line error naming it."""
    if not path.is_file():
        raise BoundaryError(f"question set not found: {path}")
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            cases.append(_case(number, json.loads(raw)))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BoundaryError(
                f"{path}:{number}: expected a JSON object with question, kind and expected "
                "sections, or text, urgent and kind"
            ) from None
    if not cases:
        raise BoundaryError(f"question set is empty: {path}")
    return cases


def _case(number: int, item: dict) -> Case:
    text = str(item.get("question") or item["text"]).strip()
    if not text:
        raise ValueError
    language = str(item.get("lang") or "en")
    if "urgent" in item:
        urgent = bool(item["urgent"])
        kind = item.get("kind") if urgent else None
        if urgent and not kind:
            raise ValueError
        return Case(number, text, language, None, (), urgent, kind, tuple(item.get("also", ())))
    scope = item.get("kind", IN_SCOPE)
    expected = tuple(item.get("expected", ()))
    gap = bool(item.get("gap", False))  # in scope, but no section answers it (yet)
    if scope not in (IN_SCOPE, OUT_OF_SCOPE) or (scope == IN_SCOPE and not expected and not gap):
        raise ValueError
    return Case(number, text, language, scope, expected, None, None)


def matches(citation: str, expected: Sequence[str]) -> bool:
    """A section answers if its citation is an expected one or lies inside one."""
    return any(citation == e or citation.startswith(e + " > ") for e in expected)


def _outcome(case: Case, answer: Answer, ranked: Sequence[str]) -> Outcome:
    rank = next((r for r, c in enumerate(ranked, 1) if matches(c, case.expected)), None)
    expected_answers = {
        h.section.answer(answer.language)
        for h in answer.hits
        if matches(h.section.citation, case.expected)
    }
    return Outcome(
        question=case.question,
        language=case.language,
        rank=rank,
        headline=bool(answer.takeaway) and answer.takeaway in expected_answers,
        refused=not answer.confident and not answer.urgent,
        urgent=answer.urgent,
        danger=answer.danger,
        kind=answer.emergency.emergency if answer.emergency else None,
        top=ranked[0] if ranked else "-",
    )


def evaluate(
    engine: Engine, cases: list[Case], name: str, *, modes: bool = False
) -> tuple[Report, list[Outcome]]:
    """Ask every question as `ask` does; `modes` also ranks with each retriever alone."""
    report = Report(name)
    answers = engine.ask_many([c.question for c in cases], top=10)
    outcomes = [
        _outcome(c, a, [h.section.citation for h in a.hits])
        for c, a in zip(cases, answers, strict=True)
    ]
    report.counts = dict(
        Counter(
            f"{c.language} {c.scope or ('urgent' if c.urgent else 'not urgent')}" for c in cases
        )
    )
    _retrieval(report, cases, outcomes)
    _scope(report, cases, outcomes)
    _urgency(report, cases, outcomes)
    if modes and any(c.expected and c.scope == IN_SCOPE for c in cases):
        for mode in MODES:
            ranked = _ranked(engine, cases, mode)
            report.modes[mode] = _metrics(
                [
                    r
                    for c, r in zip(cases, ranked, strict=True)
                    if c.expected and c.scope == IN_SCOPE
                ]
            )
    return report, outcomes


def _ranked(engine: Engine, cases: list[Case], mode: Mode) -> list[int | None]:
    """The rank of the first expected section with one retriever mode (ask's own path)."""
    answers = engine.ask_many([c.question for c in cases], top=10, mode=mode)
    ranks = []
    for case, answer in zip(cases, answers, strict=True):
        hits = answer.hits or []
        ranks.append(
            next(
                (r for r, h in enumerate(hits, 1) if matches(h.section.citation, case.expected)),
                None,
            )
        )
    return ranks


def _metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {
        "n": len(ranks),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def _retrieval(report: Report, cases: list[Case], outcomes: list[Outcome]) -> None:
    by_language: dict[str, list[tuple[Case, Outcome]]] = defaultdict(list)
    for case, outcome in zip(cases, outcomes, strict=True):
        if case.expected and case.scope == IN_SCOPE:
            by_language[case.language].append((case, outcome))
    for language, pairs in sorted(by_language.items()):
        metrics = _metrics([o.rank for _, o in pairs])
        metrics["headline"] = sum(o.headline for _, o in pairs) / max(len(pairs), 1)
        report.retrieval[language] = metrics
        for case, outcome in pairs:
            if outcome.rank != 1 or not outcome.headline:
                report.misses.append(
                    f"rank {outcome.rank or '>10'}{'' if outcome.headline else ', headline off'}: "
                    f"{case.question!r} -> {outcome.top} (expected {' | '.join(case.expected)})"
                )


def _scope(report: Report, cases: list[Case], outcomes: list[Outcome]) -> None:
    for language in sorted({c.language for c in cases if c.scope}):
        pairs = [
            (c, o)
            for c, o in zip(cases, outcomes, strict=True)
            if c.scope and c.language == language
        ]
        outside = [o for c, o in pairs if c.scope == OUT_OF_SCOPE]
        inside = [o for c, o in pairs if c.scope == IN_SCOPE]
        report.scope[language] = {
            "out_of_scope_refused": sum(o.refused for o in outside) / max(len(outside), 1),
            "in_scope_refused": sum(o.refused for o in inside) / max(len(inside), 1),
            "flagged_urgent": sum(o.urgent for _, o in pairs) / max(len(pairs), 1),
        }
        for case, outcome in pairs:
            if (case.scope == OUT_OF_SCOPE) != outcome.refused:
                verb = "answered out-of-scope" if case.scope == OUT_OF_SCOPE else "refused"
                report.misses.append(f"{verb}: {case.question!r} -> {outcome.top}")


def _named_right(case: Case, outcome: Outcome) -> bool:
    return outcome.kind in (case.kind, *case.also)


def _urgency(report: Report, cases: list[Case], outcomes: list[Outcome]) -> None:
    labelled = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.urgent is not None]
    for language in sorted({c.language for c, _ in labelled}):
        pairs = [(c, o) for c, o in labelled if c.language == language]
        urgent = [(c, o) for c, o in pairs if c.urgent]
        ordinary = [o for c, o in pairs if not c.urgent]
        report.urgency[language] = {
            "recall": sum(o.urgent for _, o in urgent) / max(len(urgent), 1),
            "false_alarms": sum(o.urgent for o in ordinary) / max(len(ordinary), 1),
            "named_right": sum(_named_right(c, o) for c, o in urgent if o.urgent)
            / max(sum(o.urgent for _, o in urgent), 1),
        }
        report.curve[language] = [
            (
                threshold,
                sum(o.danger >= threshold for _, o in urgent) / max(len(urgent), 1),
                sum(o.danger >= threshold for o in ordinary) / max(len(ordinary), 1),
            )
            for threshold in THRESHOLDS
        ]
    kinds: dict[str, list[tuple[Case, Outcome]]] = defaultdict(list)
    for case, outcome in labelled:
        if case.urgent and case.kind:
            kinds[case.kind].append((case, outcome))
            named = outcome.kind if outcome.urgent else "(not flagged)"
            row = report.confusion.setdefault(case.kind, {})
            row[named] = row.get(named, 0) + 1
    for kind, pairs in sorted(kinds.items()):
        flagged = [(c, o) for c, o in pairs if o.urgent]
        report.kinds[kind] = {
            "n": len(pairs),
            "recall": len(flagged) / len(pairs),
            "named_right": sum(_named_right(c, o) for c, o in flagged) / max(len(flagged), 1),
        }
    for case, outcome in labelled:
        if case.urgent and not outcome.urgent:
            report.misses.append(f"emergency missed ({case.kind}): {case.question!r}")
        elif case.urgent and not _named_right(case, outcome):
            report.misses.append(
                f"emergency named {outcome.kind} (expected {case.kind}): {case.question!r}"
            )
        elif not case.urgent and outcome.urgent:
            report.misses.append(f"false alarm ({outcome.kind}): {case.question!r}")


# --- the saved run and its diff -------------------------------------------------------------
def diff(previous: list[dict], outcomes: list[Outcome]) -> list[str]:
    """A line per question whose outcome changed since the saved run (matched by text)."""
    before = {p["question"]: p for p in previous}
    lines = []
    for outcome in outcomes:
        old = before.get(outcome.question)
        if old is None:
            lines.append(f"new question: {outcome.question!r}")
            continue
        changes = []
        if old["urgent"] != outcome.urgent:
            changes.append("now flagged urgent" if outcome.urgent else "NO LONGER FLAGGED URGENT")
        elif outcome.urgent and old["kind"] != outcome.kind:
            changes.append(f"kind {old['kind']} -> {outcome.kind}")
        if old["refused"] != outcome.refused:
            changes.append("now refused" if outcome.refused else "no longer refused")
        if old["rank"] != outcome.rank:
            changes.append(f"rank {old['rank'] or '>10'} -> {outcome.rank or '>10'}")
        if old["headline"] != outcome.headline:
            changes.append("headline now right" if outcome.headline else "headline now off")
        if changes:
            lines.append(f"{'; '.join(changes)}: {outcome.question!r}")
    return lines


def save_run(path: Path, outcomes: list[Outcome]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(o) for o in outcomes], ensure_ascii=False), "utf-8")
    tmp.replace(path)


def load_run(path: Path) -> list[dict] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


# --- rendering --------------------------------------------------------------------------------
def render(report: Report, *, misses: bool = True) -> str:
    lines = [
        f"== {report.name}: " + ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()))
    ]
    if report.retrieval:
        lines += [
            "",
            f"{'language':<9} {'n':>4} {'hit@1':>7} {'hit@3':>7} {'MRR':>6} {'headline':>9}",
        ]
        for language, m in report.retrieval.items():
            lines.append(
                f"{language:<9} {m['n']:>4.0f} {m['hit@1']:>7.1%} {m['hit@3']:>7.1%} "
                f"{m['mrr']:>6.3f} {m['headline']:>9.1%}"
            )
    if report.modes:
        lines += ["", f"{'retriever':<16} {'hit@1':>7} {'hit@3':>7} {'MRR':>6}"]
        for mode, m in report.modes.items():
            lines.append(f"{mode:<16} {m['hit@1']:>7.1%} {m['hit@3']:>7.1%} {m['mrr']:>6.3f}")
    for language, rates in report.scope.items():
        lines.append(
            f"{language}: out-of-scope refused {rates['out_of_scope_refused']:.1%}, in-scope "
            f"refused {rates['in_scope_refused']:.1%}, flagged urgent {rates['flagged_urgent']:.1%}"
        )
    for language, rates in report.urgency.items():
        lines.append(
            f"{language}: urgent recall {rates['recall']:.1%}, false alarms "
            f"{rates['false_alarms']:.1%}, kind named right {rates['named_right']:.1%}"
        )
    if report.kinds:
        lines += ["", f"{'kind':<20} {'n':>3} {'recall':>7} {'named':>7}  named as"]
        for kind, m in report.kinds.items():
            named = ", ".join(
                f"{k} {n}" for k, n in sorted(report.confusion[kind].items(), key=lambda x: -x[1])
            )
            lines.append(
                f"{kind:<20} {m['n']:>3.0f} {m['recall']:>7.1%} {m['named_right']:>7.1%}  {named}"
            )
    for language, points in report.curve.items():
        lines += ["", f"trade-off ({language}): threshold, recall, false alarms"]
        lines += [
            f"  {t:.2f}{' *' if t == URGENT_AT else '  '} {r:>7.1%} {f:>7.1%}" for t, r, f in points
        ]
    if report.changes:
        lines += ["", f"changed since the last run ({len(report.changes)}):"]
        lines += [f"- {c}" for c in report.changes]
    if misses and report.misses:
        lines += ["", f"misses ({len(report.misses)}):"] + [f"- {m}" for m in report.misses]
    return "\n".join(lines)
