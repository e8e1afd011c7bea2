"""Reads and writes of the batch enrichment stage (``newsloom/pipeline/enrichment.py``): articles it has not seen yet, and
what it decided for them (tags with kinds, a classifier's placement). One transaction per batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from newsloom.store import schema
from newsloom.store.sql import EDITOR_RULE, replace_tag_links
from newsloom.text import slugify

BODY_CHARS = 6000


@dataclass(slots=True)
class PendingArticle:
    id: int
    title: str
    lead: str | None
    body: str
    language: str | None
    tags: list[str]
    section_rule: str | None
    listed_at: datetime | None


@dataclass(slots=True)
class Enriched:
    id: int
    tags: list[str]
    kinds: dict[str, str]
    section_name: str | None = None  # set when the classifier placed an unplaced article
    confidence: float | None = None


class EnrichmentStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def pending(self, limit: int, after_id: int = 0) -> list[PendingArticle]:
        a = schema.articles
        query = (
            sa.select(
                a.c.id,
                a.c.title,
                a.c.lead,
                sa.func.substr(a.c.body, 1, BODY_CHARS).label("body"),
                a.c.language,
                a.c.tags,
                a.c.section_rule,
                a.c.listed_at,
            )
            .where(a.c.enriched_at.is_(None), a.c.id > after_id)
            .order_by(a.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                PendingArticle(
                    r.id, r.title, r.lead, r.body or "", r.language, list(r.tags or []), r.section_rule, r.listed_at
                )
                for r in conn.execute(query)
            ]

    def count_pending(self) -> int:
        a = schema.articles
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(a.c.enriched_at.is_(None))).scalar_one())

    def save(self, results: Iterable[Enriched], listed: dict[int, datetime | None]) -> None:
        a, sections = schema.articles, schema.sections
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            for result in results:
                values: dict[str, object] = {"tags": result.tags, "enriched_at": now}
                if result.section_name:
                    slug = slugify(result.section_name)
                    if conn.execute(sa.select(sections.c.id).where(sections.c.slug == slug)).first() is None:
                        conn.execute(sections.insert().values(slug=slug, name=result.section_name))
                    values.update(section_slug=slug, section_rule="classifier", section_confidence=result.confidence)
                # updated_at stays: the page's content did not change, and the upsert's hash still matches.
                conn.execute(a.update().where(a.c.id == result.id).values(**values))
                replace_tag_links(conn, result.id, result.tags, result.kinds, listed.get(result.id))

    def placed_articles(self, limit: int = 50_000) -> list[tuple[str, str, str]]:
        """(title, body, section name) of articles the rules placed: what the classifier learns from the store."""
        a, s = schema.articles, schema.sections
        query = (
            sa.select(a.c.title, sa.func.substr(a.c.body, 1, BODY_CHARS), s.c.name)
            .select_from(a.join(s, s.c.slug == a.c.section_slug))
            .where(a.c.section_rule.is_not(None), a.c.section_rule != "classifier", a.c.hidden.is_(False))
            .order_by(a.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row[0], row[1] or "", row[2]) for row in conn.execute(query)]

    def unplaced(self, limit: int = 100) -> list[tuple[int, str, str | None]]:
        """(id, title, publisher's own section) of visible articles on no scheme section: the admin's list."""
        a = schema.articles
        query = (
            sa.select(a.c.id, a.c.title, a.c.publisher_section)
            .where(a.c.section_slug.is_(None), a.c.hidden.is_(False))
            .order_by(a.c.listed_at.desc(), a.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.id, row.title, row.publisher_section) for row in conn.execute(query)]

    def count_unplaced(self) -> int:
        a = schema.articles
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).where(a.c.section_slug.is_(None), a.c.hidden.is_(False))
                ).scalar_one()
            )

    def place(self, article_id: int, section_slug: str) -> bool:
        """An editor puts an article on a section of the scheme (``section_rule`` "editor", which a new version
        of the page keeps: see ``SQLStore.upsert_in``). False when the article or the section does not exist."""
        a, sections = schema.articles, schema.sections
        with self.engine.begin() as conn:
            if conn.execute(sa.select(sections.c.id).where(sections.c.slug == section_slug)).first() is None:
                return False
            changed = conn.execute(
                a.update()
                .where(a.c.id == article_id)
                .values(section_slug=section_slug, section_rule=EDITOR_RULE, section_confidence=None)
            )
            return bool(changed.rowcount)
