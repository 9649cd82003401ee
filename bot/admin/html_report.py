"""`boundary-bot report --html FILE`: the managers' report as one HTML file with inline CSS and
inline SVG charts (`bot.admin.charts`): no script, font or image to fetch, so it opens
offline, from an email attachment or a shared drive, and prints.

Every text from the records (questions, section names) is HTML-escaped. Gap questions are
shown as typed, so the page says who it is for.
"""

from __future__ import annotations

from html import escape

from bot.admin.charts import Series, bars, columns, ring, split
from bot.admin.dashboard import Dashboard
from bot.asking.feedback import Subject
from bot.escalation.states import Kind

CONFIDENT = "#0f766e"  # teal: answered from the guidance
NOT_CONFIDENT = "#f59e0b"  # amber: not answered from it; also the gaps
TOPIC = "#0e7490"
KINDS = {
    Kind.QUESTION: ("Talk to a supervisor", "#2563eb"),
    Kind.HANDOVER: ("Another team member", "#7c3aed"),
    Kind.URGENT: ("Urgent (safety)", "#dc2626"),
    Kind.MISSED_CHECKIN: ("Missed check-in", "#ea580c"),
}
WAIT = "#2563eb"
HELPFUL, NOT_HELPFUL = "#16a34a", "#dc2626"
SUBJECTS = {Subject.ANSWER: "The bot's answers", Subject.RESOLUTION: "Supervisors' help"}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: #1f2937;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 2px; }
.lead, .note { color: #4b5563; margin: 0 0 14px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr));
  gap: 14px; margin: 22px 0; }
.figure, .card { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px #0000001f; }
.figure { padding: 14px 16px; }
.figure b { display: block; font-size: 30px; line-height: 1.2; }
.figure span { color: #4b5563; }
.card { padding: 18px 20px; margin: 0 0 18px; break-inside: avoid; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 24px;
  align-items: center; }
.empty { color: #6b7280; font-style: italic; margin: 8px 0 4px; }
footer { color: #6b7280; font-size: 13px; margin-top: 26px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } }
"""


def render_html(dashboard: Dashboard) -> str:
    d = dashboard
    period = (
        f"Weeks from {d.start:%B} {d.start.day}, {d.start.year} to "
        f"{d.generated:%B} {d.generated.day}, {d.generated.year}"
    )
    body = [
        "<header><h1>Boundary Bot report</h1>",
        f'<p class="lead">{escape(period)} \u00b7 generated {d.generated:%Y-%m-%d %H:%M}</p>'
        "</header>",
        _figures(d),
        _questions(d),
        _topics(d),
        _gaps(d),
        _escalations(d),
        _feedback(d),
        "<footer>Questions are shown as Home Pros typed them: share this report only with "
        "people allowed to read them. Made by <code>boundary-bot report --html</code>.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Boundary Bot report</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _minutes(minutes: float) -> str:
    return "under a minute" if minutes < 1 else f"{minutes:.0f} min"


def _card(title: str, note: str, content: str) -> str:
    return (
        f'<section class="card"><h2>{escape(title)}</h2><p class="note">{escape(note)}</p>'
        f"{content}</section>"
    )


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _figures(d: Dashboard) -> str:
    helpful, unhelpful = d.feedback[Subject.ANSWER]
    figures = [
        (f"{d.questions:,}", "questions asked"),
        (
            f"{d.confident_share:.0%}" if d.confident_share is not None else "\u2013",
            "answered from the guidance",
        ),
        (f"{sum(d.escalations.values()):,}", f"escalations ({d.open_escalations} still open)"),
        (
            _minutes(d.median_wait) if d.median_wait is not None else "\u2013",
            "median wait for a supervisor",
        ),
        (
            f"{helpful / (helpful + unhelpful):.0%}" if helpful + unhelpful else "\u2013",
            "of answer votes say helpful",
        ),
    ]
    cells = "".join(
        f'<div class="figure"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
        for value, label in figures
    )
    return f'<section class="figures">{cells}</section>'


def _questions(d: Dashboard) -> str:
    note = "How many questions Home Pros asked each week, and how many found their guidance."
    if not d.questions:
        return _card("Questions per week", note, _empty("No questions in this period yet."))
    chart = columns(
        "Questions per week",
        [f"{w.start:%b} {w.start.day}" for w in d.weeks],
        [
            Series("Answered from the guidance", CONFIDENT, [w.confident for w in d.weeks]),
            Series("No guidance matched", NOT_CONFIDENT, [w.not_confident for w in d.weeks]),
        ],
        x_label="Week starting",
        y_label="Questions",
        width=760,
    )
    share = ring(
        "Share answered from the guidance",
        d.confident_share or 0.0,
        CONFIDENT,
        "answered from the guidance",
    )
    return _card("Questions per week", note, f'<div class="pair"><div>{chart}</div>{share}</div>')


def _topics(d: Dashboard) -> str:
    note = "The guidance section each confident answer led with, most asked first."
    if not d.top_topics:
        return _card("Top topics", note, _empty("No confident answers in this period yet."))
    rows = [(topic, n, TOPIC) for topic, n in d.top_topics]
    return _card("Top topics", note, bars("Top topics", rows, x_label="Questions"))


def _gaps(d: Dashboard) -> str:
    note = (
        "Questions of the last 30 days that found no guidance, got a \u201cNot helpful\u201d or "
        "went to a supervisor, similar ones counted together. Supervisors can write guidance "
        "for them from the bot's App Home."
    )
    if not d.gaps:
        return _card("Gaps in the guidance", note, _empty("No gaps in the last 30 days."))
    rows = [(gap.wording, gap.count, NOT_CONFIDENT) for gap in d.gaps]
    chart = bars("Gaps in the guidance", rows, x_label="Times asked", label_width=380)
    return _card("Gaps in the guidance", note, chart)


def _escalations(d: Dashboard) -> str:
    note = "Requests for a supervisor, by kind, and how long they waited to be picked up."
    if not d.escalations:
        return _card("Escalations", note, _empty("No escalations in this period."))
    kinds = [(KINDS[k][0], d.escalations.get(k, 0), KINDS[k][1]) for k in Kind]
    by_kind = bars("Escalations by kind", kinds, x_label="Escalations", label_width=200)
    waits = columns(
        "Time to claim",
        list(d.claim_waits),
        [Series("Escalations", WAIT, list(d.claim_waits.values()))],
        x_label="Waited for a supervisor",
        y_label="Escalations",
        height=280,
    )
    medians = ", ".join(
        f"{KINDS[k][0].lower()} {_minutes(m)}" for k, m in d.median_minutes_to_claim.items()
    )
    median = f'<p class="note">Median wait: {escape(medians)}.</p>' if medians else ""
    return _card("Escalations", note, f"{by_kind}<h2>Time to claim</h2>{median}{waits}")


def _feedback(d: Dashboard) -> str:
    note = "Helpful and Not helpful clicks on the bot's answers and on supervisors' help."
    rows = [(SUBJECTS[s], *d.feedback[s]) for s in Subject]
    chart = split("Feedback", rows, ("Helpful", "Not helpful"), (HELPFUL, NOT_HELPFUL))
    return _card("Feedback", note, chart)
