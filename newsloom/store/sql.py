"""``SQLStore``: the storage seam on SQLAlchemy Core (SQLite by default, PostgreSQL for scale)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from newsloom.domains import registrable_domain
from newsloom.html_gz import compress_html
from newsloom.model import (
    UNDATED,
    Article,
    Image,
    attribution_from_dict,
    attribution_to_dict,
    block_from_dict,
    block_to_dict,
)
from newsloom.outlets import choose_outlet_name, distinct_name
from newsloom.settings import Settings
from newsloom.store import schema
from newsloom.store.base import Cursor, SearchHit, StoreStats, UpsertOutcome, UpsertResult
from newsloom.store.change_counter import ChangeCounter, change_counter_for
from newsloom.store.engine import create_engine, current_revision, head_revision, migrate, reading
from newsloom.store.health import record_extraction
from newsloom.store.row_readers import row_reader
from newsloom.store.search import (
    Fts5SearchIndex,
    PostgresSearchIndex,
    SearchFilters,
    in_language,
    search_index_for,
)
from newsloom.text import slugify
from newsloom.urls import canonicalize_url, host_of

EDITOR_RULE = "editor"  # articles.section_rule of a placement an editor made by hand (admin)


def utcnow() -> datetime:
    return datetime.now(UTC)


def content_hash(article: Article) -> str:
    """Hash of everything extraction produced: equal hashes mean re-importing changes nothing."""
    payload = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Built once: storing a page ran these for every page, and building a statement cost more than running it.
_EXISTING = sa.select(
    schema.articles.c.id,
    schema.articles.c.content_hash,
    schema.articles.c.listed_at,
    schema.articles.c.published_at,
    schema.articles.c.section_rule,
).where(schema.articles.c.canonical_url == sa.bindparam("canonical"))
_UPDATE_HTML = schema.article_html.update().where(schema.article_html.c.article_id == sa.bindparam("id_"))


class SQLStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.reads = reading(engine)  # reads in no transaction on a server database (``store.engine``)
        reader = row_reader(engine)
        self.search_index = search_index_for(engine.dialect.name, self.change_token, reader.first if reader else None)
        self._changes: ChangeCounter | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def migrate(self) -> None:
        migrate(self.engine)

    def is_current(self) -> bool:
        return current_revision(self.engine) == head_revision()

    def close(self) -> None:
        if self._changes is not None:
            self._changes.close()
        self.engine.dispose()

    def change_token(self) -> object:
        """Differs from every earlier value once anything was committed, by any process: caches validate on it."""
        if self._changes is None:
            self._changes = change_counter_for(self.engine)
        return self._changes.current()

    # -- writes ------------------------------------------------------------------------------------------------

    def upsert_article(
        self,
        article: Article,
        raw_html: bytes | None = None,
        final_url: str | None = None,
        *,
        html_gz: bytes | None = None,
    ) -> UpsertResult:
        with self.engine.begin() as conn:
            return self.upsert_in(conn, article, raw_html, final_url, html_gz=html_gz)

    def upsert_in(
        self,
        conn: sa.Connection,
        article: Article,
        raw_html: bytes | None = None,
        final_url: str | None = None,
        *,
        html_gz: bytes | None = None,
    ) -> UpsertResult:
        """``upsert_article`` inside the caller's transaction. ``html_gz``: the page already compressed (a crawl's
        extraction worker does it, off the writer), stored in place of ``raw_html``."""
        canonical = canonicalize_url(article.canonical_url or article.url)
        article.canonical_url = canonical
        digest = content_hash(article)
        now = utcnow()
        table = schema.articles
        existing = conn.execute(_EXISTING, {"canonical": canonical}).first()
        if existing is not None and existing.content_hash == digest:
            if raw_html is not None or html_gz is not None:
                self._save_html(conn, existing.id, raw_html, final_url, article.fetched_at or now, html_gz)
            article.id = existing.id
            return UpsertResult(UpsertOutcome.UNCHANGED, existing.id)
        listed_by = article.source_id  # the source whose feed (or import) brought the page
        source_id = self._outlet_for(conn, article, now)
        section_slug = self._section_for(conn, article.section)
        values = self._row_values(article, digest, section_slug, source_id, now)
        values["carried_by_source_id"] = listed_by if listed_by and listed_by != source_id else None
        if existing is not None and article.published is None and existing.published_at is None:
            values["listed_at"] = existing.listed_at  # first seen stays first seen
        if existing is None:
            values["created_at"] = now
            article_id = schema.inserted_id(conn.execute(table.insert(), values))  # one compiled statement
            outcome = UpsertOutcome.NEW
            if source_id is not None:  # extraction health counts each article once, when it is new
                record_extraction(conn, source_id, article, article.fetched_at or now)
        else:
            article_id = existing.id
            # A new version of the page knows nothing of the portal's decisions about the article: its story,
            # its translation link, an administrator having hidden or placed it. Those stay as stored.
            if existing.section_rule == EDITOR_RULE:  # an editor's placement outlives new versions of the page
                for key in ("section_slug", "section_rule", "section_confidence"):
                    del values[key]
            for key, unset in (
                ("story_id", None),
                ("translated_from", None),
                ("translation_backend", None),
                ("translation_model", None),
                ("hidden", False),
            ):
                if values[key] == unset:
                    del values[key]
            conn.execute(table.update().where(table.c.id == article_id).values(**values))
            outcome = UpsertOutcome.UPDATED
        self._replace_links(conn, article_id, article, values["listed_at"])
        if raw_html is not None or html_gz is not None:
            when = article.fetched_at or now
            self._save_html(conn, article_id, raw_html, final_url, when, html_gz, new=existing is None)
        self.search_index.index(conn, article_id, article.title, article.lead or "", article.body, article.language)
        article.id = article_id
        article.source_id = source_id
        return UpsertResult(outcome, article_id)

    def _row_values(
        self, article: Article, digest: str, section_slug: str | None, source_id: int | None, now: datetime
    ) -> dict[str, Any]:
        return {
            "canonical_url": article.canonical_url,
            "url": article.url,
            "title": article.title,
            "lead": article.lead,
            "body": article.body,
            "blocks": [block_to_dict(block) for block in article.blocks],
            "images": [_image_dict(image) for image in article.images],
            "attribution": [attribution_to_dict(item) for item in article.attribution],
            "authors": list(article.authors),
            "tags": list(article.tags),
            "published_at": article.published,
            "modified_at": article.modified,
            "language": article.language,
            "site_name": article.site_name,
            "section_slug": section_slug,
            "source_id": source_id,
            "story_id": article.story_id,
            "translated_from": article.translated_from,
            "translation_backend": article.translation_backend,
            "translation_model": article.translation_model,
            "hidden": article.hidden,
            "content_hash": digest,
            "listed_at": article.published or article.listed_at or UNDATED,
            "fetched_at": article.fetched_at,
            "publisher_section": (article.publisher_section or "")[:300] or None,
            "section_rule": article.section_rule,
            "section_confidence": article.section_confidence,
            "enriched_at": None,  # new content: the batch enrichment sees it again
            "media_checked_at": None,  # and the media stage its pictures
            "updated_at": now,
        }

    def _outlet_for(self, conn: sa.Connection, article: Article, now: datetime) -> int | None:
        """The publisher of an article: the outlet of its canonical URL's registrable domain, created on first sight
        and named from the page's best evidence; a better-evidenced name later replaces a worse one, an operator's
        never. A saved page with no web address belongs to the outlet its evidence names (or the source it came
        with). Names stay unique: a second domain under a taken name gets its country or domain beside it."""
        is_web = "://" in article.canonical_url and not article.canonical_url.startswith("file:")
        domain = registrable_domain(article.canonical_url) if is_web else ""
        name, rank = choose_outlet_name(article, domain)
        table = schema.sources
        if not domain:
            if article.source_id is not None or not name:
                return article.source_id
            found = conn.execute(
                sa.select(table.c.id).where(sa.func.lower(table.c.name) == name.lower()).limit(1)
            ).scalar()
            if found is not None:
                return int(found)
            return self._insert_outlet(conn, article, name, rank, None, slugify(name), now)
        # The feed's own source where it is on this domain (two registered publishers may share a domain, or an
        # address: sites on one IP differ only by port); else the domain's best-named outlet.
        row = conn.execute(
            sa.select(table.c.id, table.c.name_rank, table.c.logo_url)
            .where(table.c.domain == domain)
            .order_by((table.c.id == (article.source_id or -1)).desc(), table.c.name_rank.desc(), table.c.id)
            .limit(1)
        ).first()
        if name:
            name = self._unique_name(conn, name, domain)
        if row is not None:
            changes: dict[str, Any] = {}
            if name and rank > row.name_rank:
                changes.update(name=name[:300], name_rank=rank)
            if article.outlet_logo and not row.logo_url:
                changes["logo_url"] = article.outlet_logo
            if changes:
                conn.execute(table.update().where(table.c.id == row.id).values(**changes))
            return int(row.id)
        slug = slugify(domain)
        if conn.execute(sa.select(table.c.id).where(table.c.slug == slug)).first() is not None:
            slug = slugify(f"{domain}-{now.timestamp():.0f}")
        return self._insert_outlet(conn, article, name or domain, rank, domain, slug, now)

    def _unique_name(self, conn: sa.Connection, name: str, domain: str) -> str:
        table = schema.sources
        taken = conn.execute(
            sa.select(table.c.id).where(
                sa.func.lower(table.c.name) == name.lower(),
                sa.or_(table.c.domain.is_(None), table.c.domain != domain),
            )
        ).first()
        return distinct_name(name, domain) if taken is not None else name

    def _insert_outlet(
        self,
        conn: sa.Connection,
        article: Article,
        name: str,
        rank: int,
        domain: str | None,
        slug: str,
        now: datetime,
    ) -> int:
        host = host_of(article.canonical_url) if domain else ""
        inserted = conn.execute(
            schema.sources.insert().values(
                slug=slug,
                name=name[:300],
                name_rank=rank,
                domain=domain,
                homepage=f"{article.canonical_url.split('://', 1)[0]}://{host}/" if domain else "",
                language=article.language,
                logo_url=article.outlet_logo,
                created_at=now,
            )
        )
        return schema.inserted_id(inserted)

    def _section_for(self, conn: sa.Connection, name: str | None) -> str | None:
        if not name:
            return None
        slug = slugify(name)
        table = schema.sections
        if conn.execute(sa.select(table.c.id).where(table.c.slug == slug)).first() is None:
            conn.execute(table.insert().values(slug=slug, name=name))
        return slug

    def _replace_links(self, conn: sa.Connection, article_id: int, article: Article, listed_at: datetime) -> None:
        conn.execute(schema.article_authors.delete().where(schema.article_authors.c.article_id == article_id))
        replace_tag_links(conn, article_id, article.tags, article.tag_kinds, listed_at)
        authors = author_rows(article_id, article.authors, listed_at)
        if authors:
            conn.execute(schema.article_authors.insert(), authors)

    def _save_html(
        self,
        conn: sa.Connection,
        article_id: int,
        raw_html: bytes | None,
        final_url: str | None,
        fetched_at: datetime,
        html_gz: bytes | None = None,
        *,
        new: bool = False,
    ) -> None:
        """Keep the page of ``article_id`` (``new``: the article was just inserted, so it has none yet)."""
        table = schema.article_html
        if html_gz is None:
            html_gz = compress_html(raw_html or b"")
        values = {"html_gz": html_gz, "final_url": final_url, "fetched_at": fetched_at}
        if not new:
            updated = conn.execute(_UPDATE_HTML, {"id_": article_id, **values})
            if updated.rowcount:
                return
        conn.execute(table.insert(), {"article_id": article_id, **values})

    def set_hidden(self, article_id: int, hidden: bool) -> None:
        """Hides an article from readers (or shows it again), its story's title included."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                schema.articles.update()
                .where(schema.articles.c.id == article_id)
                .values(hidden=hidden, updated_at=now)  # updated_at drives page and feed validators
            )
            story_id = conn.execute(
                sa.select(schema.articles.c.story_id).where(schema.articles.c.id == article_id)
            ).scalar()
            if story_id is not None:
                from newsloom.store.stories import StoryStore  # numpy and scipy behind it: only when needed

                StoryStore.retitle_visible(conn, story_id, now)

    # -- reads -------------------------------------------------------------------------------------------------

    def get_article(self, article_id: int, *, include_hidden: bool = False) -> Article | None:
        query = _ARTICLE_BY_ID if include_hidden else _VISIBLE_ARTICLE_BY_ID
        with self.reads.connect() as conn:
            row = conn.execute(query, {"article_id": article_id}).first()
        return article_from_row(row) if row is not None else None

    def visible_summaries(self, article_ids: list[int]) -> list[Article]:
        """The visible ones of these articles, in the order given, without body, blocks or images: what a list of
        them shows, in one query (the side column's most read loaded 40 full rows one by one, on every store change)."""
        if not article_ids:
            return []
        with self.reads.connect() as conn:
            rows = conn.execute(_VISIBLE_SUMMARIES_BY_ID, {"ids": list(article_ids)}).all()
        by_id = {row.id: summary_from_row(row) for row in rows}
        return [by_id[i] for i in article_ids if i in by_id]

    def get_article_by_url(self, url: str) -> Article | None:
        query = sa.select(schema.articles).where(schema.articles.c.canonical_url == canonicalize_url(url))
        with self.reads.connect() as conn:
            row = conn.execute(query).first()
        return article_from_row(row) if row is not None else None

    def latest_articles(
        self,
        limit: int = 20,
        *,
        before: Cursor | None = None,
        section: str | None = None,
        source_id: int | None = None,
        tag: str | None = None,
        author: str | None = None,
        language: str | None = None,
        edition: str | None = None,
        untranslated: bool = False,
        other_than: str | None = None,
        summaries: bool = False,
    ) -> list[Article]:
        """Newest first, by keyset ``before``. ``edition`` (a language) lists what a reader of that language can
        read: articles in it, originals and translations into it. With ``untranslated`` it also lists, once, the
        originals in other languages that have no visible translation into it (translations into other languages
        stay out). ``other_than`` (a language) lists the reverse: the originals a reader of that language cannot
        read, in other or unknown languages with no translation into it (the "Other languages" page).

        ``summaries``: without body, blocks, images and attribution, what a list of links shows (a page of 20
        full rows is some 400 KB of JSON to read and decode; feeds, which carry the full text, ask for them)."""
        table = schema.articles
        query = sa.select(*SUMMARY_COLUMNS) if summaries else sa.select(table)
        query = query.where(table.c.hidden.is_(False))
        if edition is not None:
            query = query.where(in_edition_clause(table, edition, untranslated=untranslated))
        if other_than is not None:
            query = query.where(not_in_edition_clause(table, other_than))
        if language is not None:
            query = query.where(in_language(table.c.language, language))
        # Listed by a tag or author: walk the link table's (slug, listed_at) index instead of sorting every match.
        listed_at, article_id = table.c.listed_at, table.c.id
        for links, slug_column, slug in (
            (schema.article_tags, schema.article_tags.c.tag_slug, tag),
            (schema.article_authors, schema.article_authors.c.author_slug, author),
        ):
            if slug is not None:
                query = query.join(links, links.c.article_id == table.c.id).where(slug_column == slug)
                listed_at, article_id = links.c.listed_at, links.c.article_id
        if before is not None:
            query = query.where(
                sa.or_(
                    listed_at < before.listed_at,
                    sa.and_(listed_at == before.listed_at, article_id < before.article_id),
                )
            )
        if section is not None:
            query = query.where(table.c.section_slug == section)
        if source_id is not None:
            query = query.where(table.c.source_id == source_id)
        query = query.order_by(listed_at.desc(), article_id.desc()).limit(limit)
        from_row = summary_from_row if summaries else article_from_row
        with self.reads.connect() as conn:
            return [from_row(row) for row in conn.execute(query)]

    def other_language_counts(self, edition: str) -> dict[str | None, int]:
        """How many visible originals a reader of ``edition`` cannot read, by language (None: unknown): what an
        edition with nothing to show tells its reader is waiting on the "Other languages" page."""
        table = schema.articles
        query = (
            sa.select(table.c.language, sa.func.count())
            .where(table.c.hidden.is_(False), not_in_edition_clause(table, edition))
            .group_by(table.c.language)
        )
        with self.reads.connect() as conn:
            return {language: int(count) for language, count in conn.execute(query)}

    def count_articles(self) -> int:
        with self.reads.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar_one())

    def iter_articles(self, batch_size: int = 500) -> Iterator[Article]:
        table = schema.articles
        last_id = 0
        while True:
            query = sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)
            with self.reads.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            for row in rows:
                yield article_from_row(row)
            last_id = rows[-1].id

    def raw_html(self, article_id: int) -> bytes | None:
        table = schema.article_html
        with self.reads.connect() as conn:
            blob = conn.execute(sa.select(table.c.html_gz).where(table.c.article_id == article_id)).scalar()
        return gzip.decompress(blob) if blob is not None else None

    def raw_html_record(self, article_id: int) -> tuple[bytes, str | None] | None:
        table = schema.article_html
        with self.reads.connect() as conn:
            row = conn.execute(
                sa.select(table.c.html_gz, table.c.final_url).where(table.c.article_id == article_id)
            ).first()
        return (gzip.decompress(row.html_gz), row.final_url) if row is not None else None

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        *,
        section: str | None = None,
        source_id: int | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        edition: str | None = None,
    ) -> list[SearchHit]:
        """Best matches first; ``edition`` (a language) keeps what its readers can read: articles in it."""
        filters = SearchFilters(section, source_id, language, since, until, edition)
        if hasattr(self.search_index, "page"):
            return self._search_page(query, limit, offset, filters)[0]
        with self.reads.connect() as conn:
            raw_hits = self.search_index.search(conn, query, limit, offset, filters)
            if not raw_hits:
                return []
            ids = [hit.article_id for hit in raw_hits]
            # Hits show a summary: everything but the body, its blocks and images (the costly part to load).
            rows = conn.execute(_SUMMARIES_BY_ID, {"ids": ids}).all()
        by_id = {row.id: summary_from_row(row) for row in rows}
        return [SearchHit(by_id[hit.article_id], hit.snippet, hit.rank) for hit in raw_hits if hit.article_id in by_id]

    def search_page(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        *,
        section: str | None = None,
        source_id: int | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        edition: str | None = None,
        matches: int | None = None,
    ) -> tuple[list[SearchHit], int]:
        """A page of ``search`` and how many results the pages hold: a short page is the last one (the pages
        before it and this one), else ``search_count``'s figure. One statement on SQLite and PostgreSQL (the
        page with its articles' summaries and snippets, and the count when a page is full), two when the filters
        send the search walking the matches. ``matches``: what ``search_matches`` answered, when the caller asked
        it first (it is not asked again)."""
        filters = SearchFilters(section, source_id, language, since, until, edition)
        if hasattr(self.search_index, "page"):
            return self._search_page(query, limit, offset, filters, matches)
        hits = self.search(query, limit, offset, **_filter_arguments(filters))
        if len(hits) < limit and (hits or offset == 0):
            return hits, offset + len(hits)
        total = self.search_count(query, **_filter_arguments(filters))
        return hits, max(total, offset + len(hits)) if hits else total

    def search_matches(self, query: str) -> int | None:
        """How many articles hold every word of ``query``, as far as the index tells with one probe on the store's
        own connection (``matches`` of either index): 0 for none, the usual answer to a new search, which then
        takes no connection from the pool and runs no statement; else at least 1 (FTS5 counts up to the ranking
        window); None when only the page's statement can tell."""
        index = self.search_index
        return index.matches(query) if isinstance(index, (Fts5SearchIndex, PostgresSearchIndex)) else None

    def _search_page(
        self, query: str, limit: int, offset: int, filters: SearchFilters, matches: int | None = None
    ) -> tuple[list[SearchHit], int]:
        index = self.search_index
        if matches is None:
            matches = self.search_matches(query)
        if matches == 0:
            return [], 0
        with self.reads.connect() as conn:
            if isinstance(index, Fts5SearchIndex):
                found = index.page(conn, query, limit, offset, filters, SUMMARY_COLUMNS, matches=matches)
            else:
                found = index.page(conn, query, limit, offset, filters, SUMMARY_COLUMNS)  # type: ignore[attr-defined]
        hits = [
            SearchHit(summary_from_row(row), row.search_snippet or "", float(row.search_rank)) for row in found.rows
        ]
        return hits, found.total

    def search_count(
        self,
        query: str,
        *,
        section: str | None = None,
        source_id: int | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        edition: str | None = None,
    ) -> int:
        """Results ``search`` can page through for the same query and filters."""
        filters = SearchFilters(section, source_id, language, since, until, edition)
        with self.reads.connect() as conn:
            return self.search_index.count(conn, query, filters)

    def stats(self) -> StoreStats:
        articles = schema.articles
        with self.reads.connect() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one())
            by_source = conn.execute(
                sa.select(sa.func.coalesce(schema.sources.c.name, "(none)"), sa.func.count())
                .select_from(articles.outerjoin(schema.sources, articles.c.source_id == schema.sources.c.id))
                .group_by(schema.sources.c.name)
            ).all()
            by_section = conn.execute(
                sa.select(sa.func.coalesce(articles.c.section_slug, "(none)"), sa.func.count()).group_by(
                    articles.c.section_slug
                )
            ).all()
            by_language = conn.execute(
                sa.select(sa.func.coalesce(articles.c.language, "(unknown)"), sa.func.count()).group_by(
                    articles.c.language
                )
            ).all()
        return StoreStats(
            articles=total,
            by_source={str(name): int(count) for name, count in by_source},
            by_section={str(name): int(count) for name, count in by_section},
            by_language={str(name): int(count) for name, count in by_language},
            size_bytes=self._size_bytes(),
        )

    def _size_bytes(self) -> int | None:
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database:
            return None
        from pathlib import Path

        return sum(path.stat().st_size for suffix in ("", "-wal", "-shm") if (path := Path(database + suffix)).exists())


def _filter_arguments(filters: SearchFilters) -> dict[str, Any]:
    return {
        "section": filters.section,
        "source_id": filters.source_id,
        "language": filters.language,
        "since": filters.since,
        "until": filters.until,
        "edition": filters.edition,
    }


SUMMARY_COLUMNS = tuple(
    column for column in schema.articles.c if column.name not in ("body", "blocks", "images", "attribution")
)


# Statements every page render runs, built once: building a select costs more than running it (an article by id
# is a quick indexed read); only the values change, as bound parameters.
# The stored body is left out: an article's body is its blocks' text (``Article.body``), and reading a few KB of it
# again is a tenth of reading an article.
_ARTICLE_BY_ID = sa.select(*(c for c in schema.articles.c if c.name != "body")).where(
    schema.articles.c.id == sa.bindparam("article_id")
)
_VISIBLE_ARTICLE_BY_ID = _ARTICLE_BY_ID.where(schema.articles.c.hidden.is_(False))
_SUMMARIES_BY_ID = sa.select(*SUMMARY_COLUMNS).where(schema.articles.c.id.in_(sa.bindparam("ids", expanding=True)))
_VISIBLE_SUMMARIES_BY_ID = _SUMMARIES_BY_ID.where(schema.articles.c.hidden.is_(False))


def _first_translation(table: sa.Table, edition: str) -> sa.ScalarSelect[Any]:
    """The id of a visible translation of ``table``'s row into ``edition``, or NULL: walks
    ix_articles_translated_from.

    A scalar subquery, not ``NOT EXISTS``: PostgreSQL runs an ``EXISTS`` under ``OR`` as a *hashed* subplan, reading
    every visible article of the edition's language to build the hash before the first row (0.5 s at 77,000
    articles, growing with the store), where a listing wants 20 rows and one index probe for each."""
    translation = schema.articles.alias("translation")
    return (
        sa.select(translation.c.id)
        .where(translation.c.translated_from == table.c.id)
        .where(in_language(translation.c.language, edition), translation.c.hidden.is_(False))
        .limit(1)
        .scalar_subquery()
    )


def in_edition_clause(table: sa.Table, edition: str, *, untranslated: bool = False) -> sa.ColumnElement[bool]:
    """Rows an edition lists (see ``SQLStore.latest_articles``): those in its language; with ``untranslated``, also
    the originals in another (or no known) language without a translation into it."""
    if not untranslated:
        return in_language(table.c.language, edition)
    return sa.or_(
        in_language(table.c.language, edition),
        table.c.language.is_(None),
        sa.and_(table.c.translated_from.is_(None), _first_translation(table, edition).is_(None)),
    )


def not_in_edition_clause(table: sa.Table, edition: str) -> sa.ColumnElement[bool]:
    """Originals a reader of ``edition`` cannot read: in another or unknown language, with no translation into it."""
    return sa.and_(
        table.c.translated_from.is_(None),
        sa.or_(table.c.language.is_(None), sa.not_(in_language(table.c.language, edition))),
        _first_translation(table, edition).is_(None),
    )


def summary_from_row(row: sa.Row[Any]) -> Article:
    return Article(
        id=row.id,
        url=row.url,
        canonical_url=row.canonical_url,
        title=row.title,
        lead=row.lead,
        authors=list(row.authors or []),
        published=row.published_at,
        modified=row.modified_at,
        language=row.language,
        site_name=row.site_name,
        section=row.section_slug,
        tags=list(row.tags or []),
        source_id=row.source_id,
        story_id=row.story_id,
        fetched_at=row.fetched_at,
        hidden=bool(row.hidden),
        translated_from=row.translated_from,
        translation_backend=row.translation_backend,
        translation_model=row.translation_model,
        listed_at=row.listed_at,
        publisher_section=row.publisher_section,
        section_rule=row.section_rule,
        section_confidence=row.section_confidence,
    )


def replace_tag_links(
    conn: sa.Connection, article_id: int, tags: list[str], kinds: dict[str, str], listed_at: datetime | None
) -> None:
    """The article's tag rows, one per slug, with each tag's kind (topic where nothing better is known)."""
    table = schema.article_tags
    conn.execute(table.delete().where(table.c.article_id == article_id))
    rows = tag_rows(article_id, tags, kinds, listed_at)
    if rows:
        conn.execute(table.insert(), rows)


def tag_rows(
    article_id: int, tags: list[str], kinds: dict[str, str], listed_at: datetime | None
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for tag in tags:
        if (slug := slugify(tag)) and slug not in rows:
            rows[slug] = {
                "article_id": article_id,
                "tag_slug": slug,
                "tag_name": tag[:300],
                "listed_at": listed_at,
                "tag_kind": kinds.get(tag, "topic"),
            }
    return list(rows.values())


def author_rows(article_id: int, authors: list[str], listed_at: datetime | None) -> list[dict[str, Any]]:
    named = {slugify(name): name for name in authors if name.strip()}
    return [
        {"article_id": article_id, "author_slug": slug, "author_name": name, "listed_at": listed_at}
        for slug, name in named.items()
    ]


def _image_dict(image: Image) -> dict[str, Any]:
    return {
        "url": image.url,
        "caption": image.caption,
        "credit": image.credit,
        "alt": image.alt,
        "width": image.width,
        "height": image.height,
        "is_cover": image.is_cover,
    }


def article_from_row(row: sa.Row[Any]) -> Article:
    article = summary_from_row(row)
    article.blocks = [block_from_dict(item) for item in row.blocks or []]
    article.images = [Image(**item) for item in row.images or []]
    article.attribution = [attribution_from_dict(item) for item in row.attribution or []]
    return article


def open_store(settings: Settings, *, migrate_schema: bool = True) -> SQLStore:
    """The store named by the settings, migrated to the newest schema unless told otherwise."""
    store = SQLStore(create_engine(settings.resolved_database_url))
    if migrate_schema:
        store.migrate()
    return store
