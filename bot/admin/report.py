"""`boundary-bot report`: what Home Pros ask, how well the guidance covers it, how escalations go.

Low-confidence questions are listed verbatim because they are the gaps to write guidance for;
the report is for admins at a terminal, never posted to Slack.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import asdict, dataclass

from bot.asking.store import QuestionStore
from bot.checkins.store import CheckinStore
from bot.escalation.store import EscalationStore

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
    urgent: dict[str, float | int | None] | None = None  # time to acknowledge (`acknowledgement`)
    checkins: dict[str, int] | None = None  # check-ins by state


def acknowledgement(waits: list[float | None]) -> dict[str, float | int | None]:
    """Time to acknowledge urgent escalations (a claim, or a resolution without one): how many,
    how many still unacknowledged, and the median, 90th percentile and longest wait in minutes
    of the acknowledged ones."""
    minutes = sorted(w / 60 for w in waits if w is not None)
    return {
        "urgent": len(waits),
        "unacknowledged": len(waits) - len(minutes),
        "median_minutes": statistics.median(minutes) if minutes else None,
        "p90_minutes": minutes[math.ceil(0.9 * len(minutes)) - 1] if minutes else None,
        "longest_minutes": minutes[-1] if minutes else None,
    }


def build_report(
    questions: QuestionStore, escalations: EscalationStore, checkins: CheckinStore | None = None
) -> Report:
    answered = questions.answered()
    topics = Counter(c for answer in answered for c in answer.citations[:1])
    waits = [seconds / 60 for seconds in escalations.seconds_to_claim()]
    return Report(
        questions=questions.count(),
        answered_confidently=(
            sum(a.confident for a in answered) / len(answered) if answered else 0.0
        ),
        top_topics=topics.most_common(TOP),
        gaps=questions.unanswered(TOP * 2),
        feedback={
            f"{subject} {'helpful' if helpful else 'not helpful'}": n
            for (subject, helpful), n in questions.votes().items()
        },
        escalations={str(state): n for state, n in escalations.count_by_state().items()},
        median_minutes_to_claim=statistics.median(waits) if waits else None,
        urgent=acknowledgement(escalations.acknowledgements()),
        checkins=(
            {str(state): n for state, n in checkins.count_by_state().items()} if checkins else None
        ),
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
    if report.urgent is not None:
        lines += ["", "Urgent escalations, time to acknowledge:", *_acknowledgement(report.urgent)]
    if report.checkins is not None:
        lines += ["", "Visit check-ins by state:"]
        lines += [f"  {n:4d}  {k}" for k, n in sorted(report.checkins.items())] or ["  (none)"]
    return "\n".join(lines)


def _acknowledgement(urgent: dict[str, float | int | None]) -> list[str]:
    def minutes(key: str) -> str:
        value = urgent[key]
        return "-" if value is None else f"{value:.1f} min"

    return [
        f"  {urgent['urgent']:4d}  urgent (asker did not withdraw)",
        f"  {urgent['unacknowledged']:4d}  not acknowledged yet",
        f"  median {minutes('median_minutes')}, 90th percentile {minutes('p90_minutes')}, "
        f"longest {minutes('longest_minutes')}",
    ]


def to_json(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False)
