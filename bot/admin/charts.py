"""Inline SVG charts for the HTML report, drawn by hand so the file needs nothing else to open:
stacked columns (per week), labelled bars (topics, gaps, kinds), a share ring, and
two-colour split bars (feedback). Each chart has a title for screen readers, axis labels,
gridlines at round numbers, and its values written on it. All text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

TEXT = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
CHAR_WIDTH = 7.0  # px per character at the report's 13px text, for clipping labels


@dataclass(frozen=True)
class Series:
    """One colour of a stacked column chart: a value per column."""

    name: str
    color: str
    values: Sequence[int]


def scale(top: float, ticks: int = 4) -> tuple[int, int]:
    """A round axis maximum at or above `top` (a count), and the step between gridlines."""
    raw = max(top, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, math.ceil(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))
    return step * max(1, math.ceil(top / step)), step


def clip(text: str, width: float) -> str:
    """`text` cut to fit `width` px, with an ellipsis if cut."""
    fits = max(int(width / CHAR_WIDTH), 2)
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "\u2026"


def _number(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value:,.0f}"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" style="max-width: 100%; height: auto" '
        f'role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", **style: str) -> str:
    attributes = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in style.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attributes}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, color: str = GRID) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}"/>'


def _legend(series: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    parts = []
    for name, color in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" fill="{color}"/>'
        )
        parts.append(_text(x + 18, y, name, fill=TEXT, font_size="13"))
        x += 18 + len(name) * CHAR_WIDTH + 24
    return parts


def columns(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    width: float = 900,
    height: float = 320,
) -> str:
    """Stacked columns, one per label, with each column's total above it."""
    left, right, top, bottom = 56.0, 16.0, 40.0, 56.0
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    axis_max, step = scale(max(totals, default=0))
    body = _legend([(s.name, s.color) for s in series], left, 20) if len(series) > 1 else []
    for tick in range(0, axis_max + 1, step):
        y = top + plot_h * (1 - tick / axis_max)
        body.append(_line(left, y, width - right, y))
        body.append(_text(left - 8, y + 4, _number(tick), anchor="end", fill=MUTED, font_size="12"))
    slot = plot_w / max(len(labels), 1)
    bar = min(slot * 0.64, 48)
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar) / 2
        base = top + plot_h
        for s in series:
            h = plot_h * s.values[i] / axis_max
            if h > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{s.color}"><title>{escape(f"{label}: {s.values[i]} {s.name}")}'
                    "</title></rect>"
                )
                base -= h
        if totals[i]:
            body.append(
                _text(
                    x + bar / 2,
                    base - 6,
                    _number(totals[i]),
                    anchor="middle",
                    fill=TEXT,
                    font_size="12",
                )
            )
        body.append(
            _text(
                x + bar / 2,
                top + plot_h + 18,
                clip(label, slot),
                anchor="middle",
                fill=MUTED,
                font_size="12",
            )
        )
    body.append(_line(left, top + plot_h, width - right, top + plot_h, MUTED))
    body.append(
        _text(left + plot_w / 2, height - 8, x_label, anchor="middle", fill=TEXT, font_size="13")
    )
    body.append(
        f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'fill="{TEXT}" font-size="13">{escape(y_label)}</text>'
    )
    return _svg(width, height, title, body)


def bars(
    title: str,
    rows: Sequence[tuple[str, int, str]],
    *,
    x_label: str,
    width: float = 900,
    label_width: float = 300,
) -> str:
    """Horizontal bars, one per (label, value, colour), value at the end of each."""
    row_h, top, bottom, right = 30.0, 12.0, 44.0, 48.0
    plot_w = width - label_width - right
    height = top + row_h * len(rows) + bottom
    axis_max, step = scale(max((v for _, v, _ in rows), default=0))
    body = []
    for tick in range(0, axis_max + 1, step):
        x = label_width + plot_w * tick / axis_max
        body.append(_line(x, top, x, height - bottom))
        body.append(
            _text(
                x, height - bottom + 16, _number(tick), anchor="middle", fill=MUTED, font_size="12"
            )
        )
    for i, (label, value, color) in enumerate(rows):
        y = top + row_h * i
        body.append(
            f'<text x="{label_width - 10:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}" font-size="13"><title>{escape(label)}</title>'
            f"{escape(clip(label, label_width - 16))}</text>"
        )
        w = plot_w * value / axis_max
        body.append(
            f'<rect x="{label_width}" y="{y + 6:.1f}" width="{w:.1f}" height="{row_h - 12:.1f}" '
            f'rx="3" fill="{color}"/>'
        )
        body.append(
            _text(label_width + w + 6, y + row_h / 2 + 4, _number(value), fill=TEXT, font_size="13")
        )
    body.append(
        _text(
            label_width + plot_w / 2,
            height - 6,
            x_label,
            anchor="middle",
            fill=TEXT,
            font_size="13",
        )
    )
    return _svg(width, height, title, body)


def ring(title: str, share: float, color: str, caption: str, size: float = 180) -> str:
    """A share (0..1) as a ring with the percentage in its middle and `caption` below."""
    radius, stroke = size / 2 - 14, 20.0
    length = 2 * math.pi * radius
    width = max(size, len(caption) * CHAR_WIDTH + 16)
    x, centre = width / 2, size / 2
    circle = f'cx="{x}" cy="{centre}" r="{radius:.1f}" fill="none" stroke-width="{stroke}"'
    body = [
        f'<circle {circle} stroke="{GRID}"/>',
        f'<circle {circle} stroke="{color}" stroke-dasharray="{length * share:.1f} {length:.1f}" '
        f'transform="rotate(-90 {x} {centre})"/>',
        _text(
            x,
            centre + 10,
            f"{share:.0%}",
            anchor="middle",
            fill=TEXT,
            font_size="32",
            font_weight="700",
        ),
        _text(x, size + 20, caption, anchor="middle", fill=TEXT, font_size="13"),
    ]
    return _svg(width, size + 28, title, body)


def split(
    title: str,
    rows: Sequence[tuple[str, int, int]],
    names: tuple[str, str],
    colors: tuple[str, str],
    *,
    width: float = 900,
    label_width: float = 200,
) -> str:
    """Two-part bars, each row 100%: (label, first, second), with counts and shares."""
    row_h, top, right = 40.0, 36.0, 16.0
    plot_w = width - label_width - right
    height = top + row_h * len(rows) + 8
    body = _legend(list(zip(names, colors, strict=True)), label_width, 20)
    for i, (label, first, second) in enumerate(rows):
        y = top + row_h * i
        total = first + second
        body.append(
            _text(
                label_width - 10,
                y + row_h / 2 + 4,
                clip(label, label_width - 16),
                anchor="end",
                fill=TEXT,
                font_size="13",
            )
        )
        if not total:
            body.append(
                _text(label_width, y + row_h / 2 + 4, "no votes yet", fill=MUTED, font_size="13")
            )
            continue
        x = label_width
        for value, name, color in ((first, names[0], colors[0]), (second, names[1], colors[1])):
            w = plot_w * value / total
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 6:.1f}" width="{w:.1f}" height="{row_h - 12:.1f}" '
                    f'fill="{color}"><title>{escape(f"{label}: {value} {name}")}</title></rect>'
                )
                if w > 70:
                    body.append(
                        _text(
                            x + 8,
                            y + row_h / 2 + 4,
                            f"{value} ({value / total:.0%})",
                            fill="#ffffff",
                            font_size="13",
                            font_weight="600",
                        )
                    )
            x += w
    return _svg(width, height, title, body)
