"""`boundary-bot report`: what Home Pros ask, how well the guidance covers it, how escalations go.

Low-confidence questions are listed verbatim because they are the gaps to write guidance for;
the report is for admins at a terminal, never posted to Slack.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass

from bot.storage import Storage

TOP = 10


@dataclass
class Report:
    questions: int
    answered_confidently: float  # share of answered questions, 0..1
    top_topics: list[tuple[str, int]]
    gaps: list[str]  # low-confidence questions, newest first
    feedback: dict[str, int]
    escalations: dict[str, int]
    median_minutes_to_claim: float | None


def build_report(storage: Storage) -> Report:
    db = storage.db
    answered = list(db.query("SELECT confident, citations FROM questions WHERE confident NOT NULL"))
    topics = Counter(c for row in answered for c in json.loads(row["citations"] or "[]")[:1])
    gaps = [
        r["text"]
        for r in db.query(
            "SELECT text FROM questions WHERE confident = 0 ORDER BY created_at DESC LIMIT ?",
            [TOP * 2],
        )
    ]
    feedback = {
        f"{r['subject']} {'helpful' if r['helpful'] else 'not helpful'}": r["n"]
        for r in db.query(
            "SELECT subject, helpful, count(*) AS n FROM feedback GROUP BY subject, helpful"
        )
    }
    states = {
        r["state"]: r["n"]
        for r in db.query("SELECT state, count(*) AS n FROM escalations GROUP BY state")
    }
    waits = [
        (r["claimed_at"] - r["created_at"]) / 60
        for r in db.query(
            "SELECT created_at, claimed_at FROM escalations WHERE claimed_at NOT NULL"
        )
    ]
    total = db.execute("SELECT count(*) FROM questions").fetchone()[0]
    return Report(
        questions=total,
        answered_confidently=(
            sum(r["confident"] for r in answered) / len(answered) if answered else 0.0
        ),
        top_topics=topics.most_common(TOP),
        gaps=gaps,
        feedback=feedback,
        escalations=states,
        median_minutes_to_claim=statistics.median(waits) if waits else None,
    )


def render(report: Report) -> str:
    lines = [
        f"Questions asked: {report.questions}",
        f"Answered with confidence: {report.answered_confidently:.0%}",
        "",
        "Top topics (best passage):",
    ]
    lines += [f"  {n:4d}  {topic}" for topic, n in report.top_topics] or ["  (none yet)"]
    lines += ["", "Low-confidence questions (gaps in the guidance):"]
    lines += [f"  - {gap}" for gap in report.gaps] or ["  (none)"]
    lines += ["", "Feedback:"]
    lines += [f"  {n:4d}  {k}" for k, n in sorted(report.feedback.items())] or ["  (none)"]
    lines += ["", "Escalations by state:"]
    lines += [f"  {n:4d}  {k}" for k, n in sorted(report.escalations.items())] or ["  (none)"]
    median = report.median_minutes_to_claim
    lines.append(
        f"Median time to claim: {median:.1f} min"
        if median is not None
        else "Median time to claim: -"
    )
    return "\n".join(lines)


def to_json(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False)
