"""Read queries behind the portal's pages: names of sections, tags, authors and outlets, related-article
blocks, stories, outlet health and sitemap windows. Writes live in ``sql.py``, ``comments.py`` and ``users.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from newsloom.model import Article, Story
from newsloom.store import schema
from newsloom.store.sql import SUMMARY_COLUMNS, article_from_row, summary_from_row
from newsloom.text import slugify


@dataclass(frozen=True, slots=True)
class Outlet:
    id: int
    slug: str
    name: str
    homepage: str
    language: str | None
    country: str | None
    logo_url: str | None
    articles: int = 0
    last_success_at: datetime | None = None
    last_error: str | None = None
    error_streak: int = 0


@dataclass(frozen=True, slots=True)
class Named:
    slug: str
    name: str
    articles: int = 0


class PortalQueries:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # -- names -------------------------------------------------------------------------------------------------

    def sections(self) -> list[Named]:
        a, s = schema.articles, schema.sections
        query = (
            sa.select(s.c.slug, s.c.name, sa.func.count(a.c.id))
            .select_from(s.outerjoin(a, sa.and_(a.c.section_slug == s.c.slug, a.c.hidden.is_(False))))
            .group_by(s.c.slug, s.c.name)
            .order_by(sa.func.count(a.c.id).desc(), s.c.name)
        )
        with self.engine.connect() as conn:
            return [Named(slug, name, count) for slug, name, count in conn.execute(query)]

    def add_section(self, name: str) -> str:
        """A section readers can be given before any article lands in it; its slug, new or existing."""
        table = schema.sections
        slug = slugify(name)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(table.c.id).where(table.c.slug == slug)).first() is None:
                conn.execute(table.insert().values(slug=slug, name=name))
        return slug

    def rename_section(self, slug: str, name: str) -> bool:
        """The name readers see; the slug (and so every address) stays."""
        table = schema.sections
        with self.engine.begin() as conn:
            return conn.execute(table.update().where(table.c.slug == slug).values(name=name)).rowcount > 0

    def section_name(self, slug: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(schema.sections.c.name).where(schema.sections.c.slug == slug)).scalar()

    def tag_name(self, slug: str) -> str | None:
        table = schema.article_tags
        with self.engine.connect() as conn:
            return conn.execute(sa.select(table.c.tag_name).where(table.c.tag_slug == slug).limit(1)).scalar()

    def author_name(self, slug: str) -> str | None:
        table = schema.article_authors
        with self.engine.connect() as conn:
            return conn.execute(sa.select(table.c.author_name).where(table.c.author_slug == slug).limit(1)).scalar()

    def top_tags(self, limit: int = 30) -> list[Named]:
        table = schema.article_tags
        count = sa.func.count(table.c.article_id)
        query = (
            sa.select(table.c.tag_slug, sa.func.min(table.c.tag_name), count)
            .group_by(table.c.tag_slug)
            .order_by(count.desc(), table.c.tag_slug)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [Named(slug, name, n) for slug, name, n in conn.execute(query)]

    # -- outlets -----------------------------------------------------------------------------------------------

    def outlets(self) -> list[Outlet]:
        return self._outlets(None)

    def outlet(self, slug: str) -> Outlet | None:
        found = self._outlets(slug)
        return found[0] if found else None

    def _outlets(self, slug: str | None) -> list[Outlet]:
        s, a, f = schema.sources, schema.articles, schema.feeds
        counts = (
            sa.select(a.c.source_id, sa.func.count().label("n"))
            .where(a.c.hidden.is_(False))
            .group_by(a.c.source_id)
            .subquery()
        )
        health = (
            sa.select(
                f.c.source_id,
                sa.func.max(f.c.last_success_at).label("last_success_at"),
                sa.func.max(f.c.error_streak).label("error_streak"),
                sa.func.max(f.c.last_error).label("last_error"),
            )
            .group_by(f.c.source_id)
            .subquery()
        )
        query = (
            sa.select(s, counts.c.n, health.c.last_success_at, health.c.error_streak, health.c.last_error)
            .select_from(
                s.outerjoin(counts, counts.c.source_id == s.c.id).outerjoin(health, health.c.source_id == s.c.id)
            )
            .order_by(sa.func.coalesce(counts.c.n, 0).desc(), s.c.name)
        )
        if slug is not None:
            query = query.where(s.c.slug == slug)
        with self.engine.connect() as conn:
            return [
                Outlet(
                    id=row.id,
                    slug=row.slug,
                    name=row.name,
                    homepage=row.homepage,
                    language=row.language,
                    country=row.country,
                    logo_url=row.logo_url,
                    articles=row.n or 0,
                    last_success_at=row.last_success_at,
                    last_error=row.last_error,
                    error_streak=row.error_streak or 0,
                )
                for row in conn.execute(query)
            ]

    def outlet_names(self, source_ids: set[int]) -> dict[int, Outlet]:
        if not source_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.sources).where(schema.sources.c.id.in_(source_ids)))
            return {
                row.id: Outlet(row.id, row.slug, row.name, row.homepage, row.language, row.country, row.logo_url)
                for row in rows
            }

    # -- related blocks ----------------------------------------------------------------------------------------

    def related(self, article: Article, limit: int = 5) -> dict[str, list[Article]]:
        """Same tag, same category, same author, same story: newest first, the article itself excluded.

        Rows are summaries (what a link list shows), not whole articles with their bodies.
        """
        a = schema.articles
        assert article.id is not None
        summaries = sa.select(*SUMMARY_COLUMNS).where(a.c.hidden.is_(False), a.c.id != article.id)
        queries: dict[str, Any] = {
            "tag": self._newest_linked(schema.article_tags, schema.article_tags.c.tag_slug, article, article.tags),
            "category": summaries.where(a.c.section_slug == article.section) if article.section else None,
            "author": self._newest_linked(
                schema.article_authors, schema.article_authors.c.author_slug, article, article.authors
            ),
            "story": summaries.where(a.c.story_id == article.story_id) if article.story_id else None,
        }
        result: dict[str, list[Article]] = {}
        with self.engine.connect() as conn:
            for name, query in queries.items():
                if query is None:
                    result[name] = []
                    continue
                rows = conn.execute(query.order_by(a.c.listed_at.desc(), a.c.id.desc()).limit(limit))
                result[name] = [summary_from_row(row) for row in rows]
        return result

    @staticmethod
    def _newest_linked(
        links: sa.Table, slug_column: sa.Column[Any], article: Article, names: list[str], per_name: int = 6
    ) -> Any:
        """Newest articles sharing any tag (or author): the few newest per name, each an index range on the link
        table's copy of ``listed_at``, then merged. Prolific authors and big tags cost no more than small ones."""
        a = schema.articles
        slugs = sorted({slugify(name) for name in names if name.strip()})[:8]
        if not slugs:
            return None
        per_name_queries = [
            sa.select(links.c.article_id)
            .where(slug_column == slug, links.c.article_id != article.id)
            .order_by(links.c.listed_at.desc())
            .limit(per_name)
            for slug in slugs
        ]
        candidates = (
            sa.union(*[q.subquery().select() for q in per_name_queries]) if len(slugs) > 1 else per_name_queries[0]
        )
        return sa.select(*SUMMARY_COLUMNS).where(a.c.hidden.is_(False), a.c.id.in_(candidates))

    def editions(self, article: Article) -> list[Article]:
        """Other language editions: the original this one was translated from, or translations of it."""
        a = schema.articles
        original = article.translated_from or article.id
        query = sa.select(*SUMMARY_COLUMNS).where(
            a.c.hidden.is_(False), a.c.id != article.id, sa.or_(a.c.id == original, a.c.translated_from == original)
        )
        with self.engine.connect() as conn:
            return [summary_from_row(row) for row in conn.execute(query)]

    # -- stories -----------------------------------------------------------------------------------------------

    def story(self, story_id: int) -> tuple[Story, list[Article]] | None:
        a = schema.articles
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.stories).where(schema.stories.c.id == story_id)).first()
            if row is None:
                return None
            rows = conn.execute(
                sa.select(a).where(a.c.story_id == story_id, a.c.hidden.is_(False)).order_by(a.c.listed_at, a.c.id)
            )
            articles = [article_from_row(r) for r in rows]
        story = Story(
            title=row.title,
            id=row.id,
            first_published=row.first_published_at,
            last_published=row.last_published_at,
            article_ids=[x.id for x in articles if x.id is not None],
        )
        return story, articles

    def top_stories(self, limit: int = 5, fresh: timedelta = timedelta(days=2)) -> list[tuple[Story, int]]:
        """The largest stories among the fresh ones: those whose latest report is within ``fresh`` of the newest
        story's (relative to the store, not the clock, so an imported archive has top stories too)."""
        a, s = schema.articles, schema.stories
        count = sa.func.count(a.c.id)
        with self.engine.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(s.c.last_published_at))).scalar()
            if newest is None:
                return []
            query = (
                sa.select(s.c.id, s.c.title, s.c.last_published_at, count)
                .select_from(s.join(a, sa.and_(a.c.story_id == s.c.id, a.c.hidden.is_(False))))
                .where(s.c.last_published_at >= newest - fresh)
                .group_by(s.c.id, s.c.title, s.c.last_published_at)
                .having(count > 1)
                .order_by(count.desc(), s.c.last_published_at.desc())
                .limit(limit)
            )
            return [
                (Story(title=r.title, id=r.id, last_published=r.last_published_at), r[3]) for r in conn.execute(query)
            ]

    def create_story(self, title: str, article_ids: list[int], now: datetime) -> int:
        """Groups articles into a story (the stories stage will call this; tests and admins may too)."""
        a = schema.articles
        with self.engine.begin() as conn:
            story_id = conn.execute(
                schema.stories.insert().values(
                    title=title, created_at=now, updated_at=now, article_count=len(article_ids)
                )
            ).inserted_primary_key[0]
            conn.execute(a.update().where(a.c.id.in_(article_ids)).values(story_id=story_id))
            first, last = conn.execute(
                sa.select(sa.func.min(a.c.listed_at), sa.func.max(a.c.listed_at)).where(a.c.story_id == story_id)
            ).one()
            conn.execute(
                schema.stories.update()
                .where(schema.stories.c.id == story_id)
                .values(first_published_at=first, last_published_at=last)
            )
        return int(story_id)

    # -- windows for feeds and sitemaps ------------------------------------------------------------------------

    def published_since(self, since: datetime, limit: int = 1000) -> list[Article]:
        a = schema.articles
        query = (
            sa.select(a)
            .where(a.c.hidden.is_(False), a.c.listed_at >= since)
            .order_by(a.c.listed_at.desc(), a.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [article_from_row(row) for row in conn.execute(query)]

    def sitemap_entries(self, limit: int = 50_000) -> list[tuple[int, str, datetime]]:
        a = schema.articles
        query = (
            sa.select(a.c.id, a.c.title, a.c.updated_at)
            .where(a.c.hidden.is_(False))
            .order_by(a.c.listed_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.id, row.title, row.updated_at) for row in conn.execute(query)]

    def last_change(self) -> datetime | None:
        """When any article last changed: the validator behind ETags of listings and feeds."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema.articles.c.updated_at))).scalar()
