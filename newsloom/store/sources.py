"""SQL for the sources registry and the crawler's bookkeeping (publishers, entry points, URLs already taken).

``SourceStore`` shares the engine of :class:`~newsloom.store.sql.SQLStore` (``SourceStore(store.engine)``). It
knows nothing about HTTP: the crawl loop (``newsloom.sources.crawler``) decides what to poll and records here
what happened, so ``newsloom sources list`` can show each feed's health.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from newsloom.domains import registrable_domain
from newsloom.model import Feed, Source
from newsloom.store import schema
from newsloom.text import slugify
from newsloom.urls import url_key


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CrawlURL:
    """What the crawler remembers of one article URL: ``status`` is stored, skipped or failed."""

    url: str
    status: str
    marker: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll of a feed did, as written to its row."""

    ok: bool
    next_poll_at: datetime
    interval_seconds: int
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


OPERATOR_NAMED = 100  # sources.name_rank of a publisher an operator named: evidence on pages never renames it
_FEED_STATE = ("etag", "last_modified", "last_success_at", "last_error", "last_error_at", "error_streak")


class SourceStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # -- sources and feeds -------------------------------------------------------------------------------------

    def add_source(self, source: Source) -> Source:
        """Insert or update a publisher (keyed by slug) and add its feeds (keyed by URL; existing ones keep state)."""
        now = utcnow()
        slug = source.slug or slugify(source.name)
        values = {
            "name": source.name,
            "homepage": source.homepage,
            "language": source.language,
            "country": source.country,
            "logo_url": source.logo_url,
            "domain": registrable_domain(source.homepage) or None,  # the outlet its articles belong to
            "name_rank": OPERATOR_NAMED,
        }
        table = schema.sources
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(table.c.id).where(table.c.slug == slug)).scalar()
            if found is None:
                inserted = conn.execute(table.insert().values(slug=slug, created_at=now, **values))
                found = schema.inserted_id(inserted)
            else:
                kept = {key: value for key, value in values.items() if value is not None}
                conn.execute(table.update().where(table.c.id == found).values(**kept))
            if values["domain"]:
                self._absorb_outlets(conn, int(found), str(values["domain"]))
            for feed in source.feeds:
                self._add_feed(conn, int(found), feed, now)
        stored = self.get_source(slug)
        assert stored is not None
        return stored

    def _absorb_outlets(self, conn: sa.Connection, source_id: int, domain: str) -> None:
        """Outlets created from pages of this publisher's domain before an operator added it become this one: one
        publisher, one outlet, reached at their old addresses too, with their logo where the operator gave none."""
        table, articles = schema.sources, schema.articles
        rows = conn.execute(
            sa.select(table.c.id, table.c.slug, table.c.logo_url).where(
                table.c.domain == domain, table.c.id != source_id, table.c.name_rank < OPERATOR_NAMED
            )
        ).all()
        others = [row.id for row in rows]
        if not others:
            return
        # The logo its pages gave stays where the operator gave none.
        if logo := next((row.logo_url for row in rows if row.logo_url), None):
            conn.execute(
                table.update().where(table.c.id == source_id, table.c.logo_url.is_(None)).values(logo_url=logo)
            )
        # Their addresses, and the addresses they had inherited, now lead to this publisher's page.
        slugs = schema.outlet_slugs
        conn.execute(slugs.update().where(slugs.c.source_id.in_(others)).values(source_id=source_id))
        known = {
            row.slug for row in conn.execute(sa.select(slugs.c.slug).where(slugs.c.slug.in_([r.slug for r in rows])))
        }
        fresh = [{"slug": row.slug, "source_id": source_id} for row in rows if row.slug not in known]
        if fresh:
            conn.execute(slugs.insert(), fresh)
        conn.execute(articles.update().where(articles.c.source_id.in_(others)).values(source_id=source_id))
        conn.execute(
            articles.update().where(articles.c.carried_by_source_id.in_(others)).values(carried_by_source_id=None)
        )
        conn.execute(table.delete().where(table.c.id.in_(others)))

    def _add_feed(self, conn: sa.Connection, source_id: int, feed: Feed, now: datetime) -> None:
        table = schema.feeds
        existing = conn.execute(sa.select(table.c.id).where(table.c.url == feed.url)).scalar()
        if existing is None:
            conn.execute(
                table.insert().values(
                    source_id=source_id,
                    url=feed.url,
                    kind=feed.kind,
                    section=feed.section,
                    poll_interval_seconds=feed.poll_interval_seconds,
                    next_poll_at=feed.next_poll_at,
                    created_at=now,
                )
            )
        else:
            changes: dict[str, Any] = {"source_id": source_id, "kind": feed.kind}
            if feed.section:
                changes["section"] = feed.section
            conn.execute(table.update().where(table.c.id == existing).values(**changes))

    def feed_owners(self, urls: list[str]) -> dict[str, str]:
        """For entry points already followed, the name of the source each belongs to, by URL."""
        f, s = schema.feeds, schema.sources
        query = sa.select(f.c.url, s.c.name).select_from(f.join(s, s.c.id == f.c.source_id)).where(f.c.url.in_(urls))
        with self.engine.connect() as conn:
            return {row.url: row.name for row in conn.execute(query)}

    def get_source(self, name_or_slug: str) -> Source | None:
        table = schema.sources
        query = sa.select(table).where(
            sa.or_(table.c.slug == name_or_slug, table.c.slug == slugify(name_or_slug), table.c.name == name_or_slug)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            return self._with_feeds(conn, [row])[0] if row is not None else None

    def list_sources(self) -> list[Source]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.sources).order_by(schema.sources.c.name)).all()
            return self._with_feeds(conn, rows)

    def _with_feeds(self, conn: sa.Connection, rows: Iterable[sa.Row[Any]]) -> list[Source]:
        sources = [_source_from_row(row) for row in rows]
        by_id = {source.id: source for source in sources}
        if by_id:
            feed_rows = conn.execute(
                sa.select(schema.feeds).where(schema.feeds.c.source_id.in_(list(by_id))).order_by(schema.feeds.c.id)
            )
            for row in feed_rows:
                by_id[row.source_id].feeds.append(_feed_from_row(row))
        return sources

    def remove_source(self, name_or_slug: str) -> bool:
        source = self.get_source(name_or_slug)
        if source is None:
            return False
        with self.engine.begin() as conn:
            feed_ids = [feed.id for feed in source.feeds]
            if feed_ids:
                conn.execute(schema.crawl_urls.delete().where(schema.crawl_urls.c.feed_id.in_(feed_ids)))
                conn.execute(schema.feeds.delete().where(schema.feeds.c.id.in_(feed_ids)))
            conn.execute(schema.crawl_urls.delete().where(schema.crawl_urls.c.source_id == source.id))
            # Articles stay (they are published news); they just lose their publisher link.
            conn.execute(
                schema.articles.update().where(schema.articles.c.source_id == source.id).values(source_id=None)
            )
            conn.execute(schema.sources.delete().where(schema.sources.c.id == source.id))
        return True

    def set_feed_section(self, feed_id: int, section: str | None) -> bool:
        """Map an entry point to a section (None: the page's own section). Articles found from now on follow it;
        those already stored keep theirs."""
        table = schema.feeds
        with self.engine.begin() as conn:
            changed = conn.execute(table.update().where(table.c.id == feed_id).values(section=section or None))
        return changed.rowcount > 0

    def due_feeds(
        self, now: datetime | None = None, source: str | None = None, *, everything: bool = False
    ) -> list[tuple[Source, Feed]]:
        """Feeds whose next poll is due (never-polled ones are), with their publisher; only ``source``'s if named.

        ``everything`` ignores the schedule: a manual ``crawl --once`` means "check now".
        """
        now = now or utcnow()
        if source:
            found = self.get_source(source)
            sources = [found] if found is not None else []
        else:
            sources = self.list_sources()
        return [
            (publisher, feed)
            for publisher in sources
            for feed in publisher.feeds
            if everything or feed.next_poll_at is None or feed.next_poll_at <= now
        ]

    def feed_with_source(self, feed_id: int) -> tuple[Source, Feed] | None:
        """One entry point and its publisher (a worker's task names the feed by id)."""
        feeds = schema.feeds
        with self.engine.connect() as conn:
            source_id = conn.execute(sa.select(feeds.c.source_id).where(feeds.c.id == feed_id)).scalar()
            if source_id is None:
                return None
            rows = conn.execute(sa.select(schema.sources).where(schema.sources.c.id == source_id)).all()
            publishers = self._with_feeds(conn, rows)
        for publisher in publishers:
            for feed in publisher.feeds:
                if feed.id == feed_id:
                    return publisher, feed
        return None

    def lease_due_feeds(self, now: datetime, lease_seconds: int, *, everything: bool = False) -> list[int]:
        """Ids of the feeds due now, each pushed ``lease_seconds`` ahead so the next schedule does not send it
        again while a worker polls it (the poll then records the real next time). Callers hold the scheduler lock.
        """
        table = schema.feeds
        due = sa.true() if everything else sa.or_(table.c.next_poll_at.is_(None), table.c.next_poll_at <= now)
        with self.engine.begin() as conn:
            ids = [int(i) for i in conn.execute(sa.select(table.c.id).where(due).order_by(table.c.id)).scalars()]
            if ids:
                lease = now + timedelta(seconds=lease_seconds)
                conn.execute(table.update().where(table.c.id.in_(ids)).values(next_poll_at=lease))
        return ids

    def mark_queued(self, url: str, *, feed_id: int | None, source_id: int | None, marker: str | None) -> None:
        """Record that ``url`` was handed to a worker, so later polls do not send it again; attempts unchanged."""
        table = schema.crawl_urls
        canonical = url_key(url)
        now = utcnow()
        values = {"status": "queued", "marker": marker, "feed_id": feed_id, "source_id": source_id}
        with self.engine.begin() as conn:
            updated = conn.execute(table.update().where(table.c.url == canonical).values(**values))
            if updated.rowcount == 0:
                conn.execute(table.insert().values(url=canonical, first_seen_at=now, attempts=0, **values))

    def record_poll(self, feed_id: int, outcome: PollOutcome) -> None:
        table = schema.feeds
        now = utcnow()
        values: dict[str, Any] = {
            "next_poll_at": outcome.next_poll_at,
            "poll_interval_seconds": outcome.interval_seconds,
        }
        if outcome.ok:
            values.update(last_success_at=now, error_streak=0, last_error=None)
            if outcome.etag is not None or outcome.last_modified is not None:
                values.update(etag=outcome.etag, last_modified=outcome.last_modified)
        else:
            values.update(last_error=outcome.error, last_error_at=now, error_streak=table.c.error_streak + 1)
        with self.engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == feed_id).values(**values))

    # -- article URLs ------------------------------------------------------------------------------------------

    def url_states(self, urls: Iterable[str]) -> dict[str, CrawlURL]:
        """Known URLs among ``urls`` (canonical), from the crawl log and, for imported articles, the article table."""
        wanted = list(dict.fromkeys(url_key(url) for url in urls))
        found: dict[str, CrawlURL] = {}
        table = schema.crawl_urls
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = sa.select(table.c.url, table.c.status, table.c.marker, table.c.attempts).where(
                    table.c.url.in_(chunk)
                )
                for row in conn.execute(query):
                    found[row.url] = CrawlURL(row.url, row.status, row.marker, row.attempts)
                missing = [url for url in chunk if url not in found]
                if missing:
                    articles = schema.articles
                    known = sa.select(articles.c.canonical_url).where(articles.c.canonical_url.in_(missing))
                    for url in conn.execute(known).scalars():
                        found[url] = CrawlURL(url, "stored", None, 0)
        return found

    def record_url(
        self,
        url: str,
        *,
        status: str,
        feed_id: int | None,
        source_id: int | None,
        marker: str | None,
        reason: str | None = None,
        article_id: int | None = None,
    ) -> None:
        table = schema.crawl_urls
        canonical = url_key(url)
        now = utcnow()
        values = {
            "status": status,
            "marker": marker,
            "reason": reason,
            "article_id": article_id,
            "fetched_at": now,
            "feed_id": feed_id,
            "source_id": source_id,
        }
        with self.engine.begin() as conn:
            updated = conn.execute(_RECORD_URL, {"url_": canonical, **values})
            if updated.rowcount == 0:
                conn.execute(table.insert(), {"url": canonical, "first_seen_at": now, "attempts": 1, **values})

    def url_counts(self) -> dict[str, int]:
        table = schema.crawl_urls
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.status, sa.func.count()).group_by(table.c.status)).all()
        return {str(status): int(count) for status, count in rows}


# Built once (every fetched page records its URL): the values are parameters, the statement is compiled once.
_RECORD_URL = (
    schema.crawl_urls.update()
    .where(schema.crawl_urls.c.url == sa.bindparam("url_"))
    .values(attempts=schema.crawl_urls.c.attempts + 1)
)


def _source_from_row(row: sa.Row[Any]) -> Source:
    return Source(
        id=row.id,
        slug=row.slug,
        name=row.name,
        homepage=row.homepage,
        language=row.language,
        country=row.country,
        logo_url=row.logo_url,
    )


def _feed_from_row(row: sa.Row[Any]) -> Feed:
    return Feed(
        id=row.id,
        source_id=row.source_id,
        url=row.url,
        kind=row.kind,
        section=row.section,
        next_poll_at=row.next_poll_at,
        poll_interval_seconds=row.poll_interval_seconds,
        **{name: getattr(row, name) for name in _FEED_STATE},
    )
