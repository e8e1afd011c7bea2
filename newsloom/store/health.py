"""Extraction health per outlet: for each outlet and day, how many new articles came out with a title, a date,
authors, a lead, a cover and a body of normal length; and which outlets fell well below their own baseline.

Why: sites change templates without notice, and an extractor then silently returns empty dates or menus as bodies.
No single page shows that; an outlet's own history does. Counts are written in the transaction that stores a new
article (``record_extraction``, called by ``SQLStore.upsert_article``), so a re-import counts nothing twice.

An outlet is flagged when, over its last ``RECENT_DAYS`` days with articles (at least ``MIN_RECENT`` articles), a
field's share is ``DROP`` or more below its share over the ``BASELINE_DAYS`` before (at least ``MIN_BASELINE``
articles) and that baseline share was at least ``MIN_BASELINE_SHARE``: a field the outlet never had is no alarm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from newsloom.model import Article
from newsloom.store import schema

FIELDS = ("title", "date", "authors", "lead", "cover", "body")
NORMAL_BODY_CHARS = 500  # shorter is a teaser, a paywall stub or a menu taken for text
RECENT_DAYS = 3
BASELINE_DAYS = 28
MIN_RECENT = 5
MIN_BASELINE = 10
MIN_BASELINE_SHARE = 0.5
DROP = 0.3


def completeness(article: Article) -> dict[str, bool]:
    """Which fields extraction filled for this article."""
    return {
        "title": bool(article.title.strip()) and article.title != "(untitled)",
        "date": article.published is not None,
        "authors": bool(article.authors),
        "lead": bool((article.lead or "").strip()),
        "cover": any(image.is_cover for image in article.images),
        "body": len(article.body) >= NORMAL_BODY_CHARS,
    }


def record_extraction(conn: sa.Connection, source_id: int, article: Article, when: datetime) -> None:
    """Count one new article of ``source_id`` on the UTC day of ``when`` (inside the caller's transaction)."""
    record_extractions(conn, [(source_id, article, when)])


def record_extractions(conn: sa.Connection, new_articles: Iterable[tuple[int, Article, datetime]]) -> None:
    """``record_extraction`` for many new articles: one statement per outlet and day (bulk loads)."""
    totals: dict[tuple[int, date], dict[str, int]] = {}
    for source_id, article, when in new_articles:
        counts = totals.setdefault((source_id, when.date()), dict.fromkeys(_COUNTED, 0))
        counts["articles"] += 1
        for name, value in completeness(article).items():
            counts[f"with_{name}"] += int(value)
    for (source_id, day), counts in totals.items():
        _add_counts(conn, source_id, day, counts)


_COUNTED = ("articles", *(f"with_{name}" for name in FIELDS))


def _add_counts(conn: sa.Connection, source_id: int, day: date, counts: dict[str, int]) -> None:
    table = schema.extraction_health
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(source_id=source_id, day=day, **counts)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.source_id, table.c.day],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    conn.execute(statement)


@dataclass(frozen=True, slots=True)
class DayHealth:
    day: date
    articles: int
    shares: dict[str, float]


@dataclass(slots=True)
class OutletHealth:
    """An outlet's recent shares beside its baseline, and the fields that fell well below it."""

    source_id: int
    slug: str
    name: str
    recent_articles: int = 0
    baseline_articles: int = 0
    recent: dict[str, float] = field(default_factory=dict)
    baseline: dict[str, float] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.dropped)


def _shares(rows: list[sa.Row[tuple[object, ...]]]) -> tuple[int, dict[str, float]]:
    total = sum(int(row.articles) for row in rows)
    if not total:
        return 0, {}
    return total, {name: sum(int(getattr(row, f"with_{name}")) for row in rows) / total for name in FIELDS}


class ExtractionHealth:
    """Reads of the per-day counts: an outlet's days for its chart, every outlet's status for admin and metrics."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def daily(self, source_id: int, days: int = 30) -> list[DayHealth]:
        """The outlet's last ``days`` days with articles, oldest first."""
        table = schema.extraction_health
        query = sa.select(table).where(table.c.source_id == source_id).order_by(table.c.day.desc()).limit(days)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        result = []
        for row in reversed(rows):
            _, shares = _shares([row])
            result.append(DayHealth(row.day, int(row.articles), shares))
        return result

    def outlets(self) -> list[OutletHealth]:
        """Every outlet with counts, flagged ones first."""
        table, sources = schema.extraction_health, schema.sources
        query = (
            sa.select(table, sources.c.slug, sources.c.name)
            .join(sources, sources.c.id == table.c.source_id)
            .order_by(table.c.source_id, table.c.day)
        )
        by_outlet: dict[int, list[sa.Row[tuple[object, ...]]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                by_outlet.setdefault(int(row.source_id), []).append(row)
        found = [self._status(rows) for rows in by_outlet.values()]
        return sorted(found, key=lambda outlet: (not outlet.flagged, outlet.name.casefold()))

    def flagged(self) -> list[OutletHealth]:
        return [outlet for outlet in self.outlets() if outlet.flagged]

    def outlet(self, source_id: int) -> OutletHealth | None:
        return next((outlet for outlet in self.outlets() if outlet.source_id == source_id), None)

    @staticmethod
    def _status(rows: list[sa.Row[tuple[object, ...]]]) -> OutletHealth:
        """Windows end at the outlet's latest day with articles: an outlet that stopped publishing is a feed
        problem (the sources page shows it), not an extraction one."""
        first = rows[0]
        latest: date = rows[-1].day
        recent_start = latest - timedelta(days=RECENT_DAYS - 1)
        baseline_start = recent_start - timedelta(days=BASELINE_DAYS)
        recent_rows = [row for row in rows if row.day >= recent_start]
        baseline_rows = [row for row in rows if baseline_start <= row.day < recent_start]
        status = OutletHealth(int(first.source_id), str(first.slug), str(first.name))
        status.recent_articles, status.recent = _shares(recent_rows)
        status.baseline_articles, status.baseline = _shares(baseline_rows)
        if status.recent_articles >= MIN_RECENT and status.baseline_articles >= MIN_BASELINE:
            status.dropped = [
                name
                for name in FIELDS
                if status.baseline[name] >= MIN_BASELINE_SHARE and status.baseline[name] - status.recent[name] >= DROP
            ]
        return status
