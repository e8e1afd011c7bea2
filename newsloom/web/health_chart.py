"""The extraction-health chart of an outlet's admin page: server-rendered SVG, no JavaScript.

One row per field (title, date, authors, lead, cover, body): the share of the day's new articles that had it, as
a line over the outlet's last days, with the latest share written at the end. A template change shows as a row
falling to the floor.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from newsloom.store.health import FIELDS, DayHealth

WIDTH = 560
ROW = 34
LABEL = 70
VALUE = 50
LABELS = {
    "title": "title",
    "date": "date",
    "authors": "authors",
    "lead": "lead",
    "cover": "cover",
    "body": "body ≥ 500 ch",
}


def completeness_chart(days: list[DayHealth], dropped: list[str] | None = None) -> Markup:
    """SVG with a line per field; fields in ``dropped`` are drawn in the alarm colour."""
    dropped = dropped or []
    plot = WIDTH - LABEL - VALUE
    step = plot / max(1, len(days) - 1)
    height = ROW * len(FIELDS) + 20
    first = days[0].day.isoformat() if days else ""
    last = days[-1].day.isoformat() if days else ""
    parts = [
        f'<svg class="health-chart" role="img" aria-labelledby="health-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" style="max-width:{WIDTH}px" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="health-title">Share of new articles with each field, per day, {escape(first)} to '
        f"{escape(last)}</title>",
    ]
    for row, name in enumerate(FIELDS):
        top = row * ROW + 4
        bottom = top + ROW - 10
        colour = "#b3261e" if name in dropped else "#1a5fb4"
        parts.append(f'<text x="0" y="{top + ROW / 2}" font-size="12" font-family="system-ui">{LABELS[name]}</text>')
        parts.append(
            f'<line x1="{LABEL}" y1="{bottom}" x2="{LABEL + plot}" y2="{bottom}" stroke="#ccc" stroke-width="1"/>'
        )
        points = " ".join(
            f"{LABEL + index * step:.1f},{bottom - day.shares.get(name, 0.0) * (bottom - top):.1f}"
            for index, day in enumerate(days)
        )
        if len(days) == 1:
            x, y = points.split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>')
        elif days:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        latest = days[-1].shares.get(name, 0.0) if days else 0.0
        parts.append(
            f'<text x="{WIDTH - VALUE + 6}" y="{top + ROW / 2}" font-size="12" font-family="system-ui" '
            f'fill="{colour}">{latest:.0%}</text>'
        )
    axis = ROW * len(FIELDS) + 14
    parts.append(
        f'<text x="{LABEL}" y="{axis}" font-size="11" fill="#555" font-family="system-ui">{escape(first)}</text>'
    )
    parts.append(
        f'<text x="{LABEL + plot}" y="{axis}" font-size="11" fill="#555" font-family="system-ui" '
        f'text-anchor="end">{escape(last)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # every interpolated text is escaped or a number
