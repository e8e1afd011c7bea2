"""Read queries behind the portal's pages: names of sections, tags, authors and outlets, related-article
blocks, stories, outlet health and sitemap windows. Writes live in ``sql.py``, ``comments.py`` and ``users.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa

from newsloom.model import Article, Story
from newsloom.store import schema
from newsloom.store.engine import reading
from newsloom.store.search import in_language
from newsloom.store.sql import SUMMARY_COLUMNS, article_from_row, summary_from_row
from newsloom.store.stories import outlet_key
from newsloom.text import slugify

T = TypeVar("T")
RELATED_SIZE = 5
TOP_STORY_BURST = timedelta(days=1)  # a top story counts its reports this close to its newest (``top_stories``)
_LINKS = {
    "tag": (schema.article_tags, schema.article_tags.c.tag_slug),
    "author": (schema.article_authors, schema.article_authors.c.author_slug),
}


class Shared(Protocol):
    """A cache a caller may hand to queries: returns ``build()``, or a value built earlier for ``key`` that is
    still valid. Keys say what a value is (``("newest", "tag", "storm", 6)``), so every page asking for the same
    list may reuse it; the cache, not the query, decides how long a value stays valid."""

    def __call__(self, key: tuple[object, ...], build: Callable[[], T]) -> T: ...


_a = schema.articles
# Run by every article page: built once, the ids bound per call.
_EDITIONS = sa.select(*SUMMARY_COLUMNS).where(
    _a.c.hidden.is_(False),
    _a.c.id != sa.bindparam("article_id"),
    sa.or_(_a.c.id == sa.bindparam("original"), _a.c.translated_from == sa.bindparam("original")),
)


# An original and its translations, for many originals at once (``in_edition``).
_GROUP_MEMBERS = sa.select(*SUMMARY_COLUMNS).where(
    _a.c.hidden.is_(False),
    sa.or_(
        _a.c.id.in_(sa.bindparam("ids", expanding=True)), _a.c.translated_from.in_(sa.bindparam("ids", expanding=True))
    ),
)


def _newest_of_statement(kind: str) -> sa.Select[Any]:
    query = sa.select(*SUMMARY_COLUMNS).where(_a.c.hidden.is_(False))
    key: sa.BindParameter[Any] = sa.bindparam("key")
    limit = sa.bindparam("limit", type_=sa.Integer)
    if kind in _LINKS:
        links, slug_column = _LINKS[kind]
        query = query.join(links, links.c.article_id == _a.c.id).where(slug_column == key)
        return query.order_by(links.c.listed_at.desc(), links.c.article_id.desc()).limit(limit)
    column = _a.c.section_slug if kind == "category" else _a.c.story_id
    return query.where(column == key).order_by(_a.c.listed_at.desc(), _a.c.id.desc()).limit(limit)


# The related blocks' lists (``newest_of``): a first render of an article runs five or six of them, and building
# a select costs several times what SQLite takes to run it.
_NEWEST_OF = {kind: _newest_of_statement(kind) for kind in ("tag", "author", "category", "story")}


def _group(article: Article) -> int:
    """An original and its translations share one group: the original's id."""
    return article.translated_from or article.id or 0


def _primary(language: str | None) -> str:
    """``en-US`` → ``en`` (as ``newsloom.web.i18n.primary_language``; the store does not import the web layer)."""
    return (language or "").replace("_", "-").split("-")[0].strip().lower()


def _unshared(key: tuple[object, ...], build: Callable[[], T]) -> T:
    return build()


def _slugs(names: list[str], most: int = 8) -> list[str]:
    return sorted({slugify(name) for name in names if name.strip()})[:most]


def _newest_first(article: Article) -> tuple[float, int]:
    listed = article.listed_at
    return (-listed.timestamp() if listed else 0.0, -(article.id or 0))


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


TAG_KIND_OVER = 1000  # a tag's kind is the one most given over its newest uses


class PortalQueries:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.reads = reading(engine)  # reads in no transaction on a server database (``store.engine``)

    # -- names -------------------------------------------------------------------------------------------------

    def sections(self, edition: str | None = None) -> list[Named]:
        """Every section with its visible articles counted; with ``edition``, only those in that language (what
        that edition's readers find there)."""
        a, s = schema.articles, schema.sections
        joined = sa.and_(a.c.section_slug == s.c.slug, a.c.hidden.is_(False))
        if edition is not None:
            joined = sa.and_(joined, in_language(a.c.language, edition))
        query = (
            sa.select(s.c.slug, s.c.name, sa.func.count(a.c.id))
            .select_from(s.outerjoin(a, joined))
            .group_by(s.c.slug, s.c.name)
            .order_by(sa.func.count(a.c.id).desc(), s.c.name)
        )
        with self.reads.connect() as conn:
            return [Named(slug, name, count) for slug, name, count in conn.execute(query)]

    def section_names(self) -> list[Named]:
        """Every section by name, without counts: what a filter menu needs, from the short sections table alone
        (``sections()`` counts articles, a scan of the whole store)."""
        table = schema.sections
        with self.reads.connect() as conn:
            return [Named(slug, name) for slug, name in conn.execute(sa.select(table.c.slug, table.c.name))]

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
        with self.reads.connect() as conn:
            return conn.execute(sa.select(schema.sections.c.name).where(schema.sections.c.slug == slug)).scalar()

    def tag_name(self, slug: str) -> str | None:
        table = schema.article_tags
        with self.reads.connect() as conn:
            return conn.execute(sa.select(table.c.tag_name).where(table.c.tag_slug == slug).limit(1)).scalar()

    def tag_kind(self, slug: str) -> str | None:
        """What the tag names: the kind entity tagging gave it most often (a publisher's tag is a topic until an
        article's text shows it names a person, organisation or place), else topic."""
        table = schema.article_tags
        # Over the tag's newest uses (an index range): grouping every use of a common tag grows with the store.
        uses = (
            sa.select(table.c.tag_kind)
            .where(table.c.tag_slug == slug)
            .order_by(table.c.listed_at.desc())
            .limit(TAG_KIND_OVER)
            .subquery()
        )
        count = sa.func.count()
        query = (
            sa.select(uses.c.tag_kind)
            .group_by(uses.c.tag_kind)
            .order_by((uses.c.tag_kind == "topic").asc(), count.desc())
            .limit(1)
        )
        with self.reads.connect() as conn:
            return conn.execute(query).scalar()

    def author_name(self, slug: str) -> str | None:
        table = schema.article_authors
        with self.reads.connect() as conn:
            return conn.execute(sa.select(table.c.author_name).where(table.c.author_slug == slug).limit(1)).scalar()

    def top_tags(self, limit: int = 30, *, recent: int | None = None, edition: str | None = None) -> list[Named]:
        """The most used tags; with ``recent``, counted over the newest ``recent`` articles only (what the home page
        shows: an index range whatever the size of the store, where counting every tag link walks millions); with
        ``edition``, over the articles in that language only (a Vietnamese reader is not offered English tags)."""
        table, a = schema.article_tags, schema.articles
        chosen = sa.select(table.c.tag_slug, table.c.tag_name)
        if edition is not None:
            chosen = chosen.join(a, a.c.id == table.c.article_id).where(
                in_language(a.c.language, edition), a.c.hidden.is_(False)
            )
        with self.reads.connect() as conn:
            links: sa.FromClause = chosen.subquery() if edition is not None else table
            if recent is not None:
                since = conn.execute(
                    sa.select(a.c.listed_at).order_by(a.c.listed_at.desc()).limit(1).offset(recent - 1)
                ).scalar()
                if since is not None:
                    # A range of ix_article_tags_listed. The limit (far above any article's tags) keeps SQLite from
                    # merging the subquery into the grouping, where it would walk every link in tag order instead.
                    links = chosen.where(table.c.listed_at >= since).limit(recent * 100).subquery()
            count = sa.func.count()
            query = (
                sa.select(links.c.tag_slug, sa.func.min(links.c.tag_name), count)
                .group_by(links.c.tag_slug)
                .order_by(count.desc(), links.c.tag_slug)
                .limit(limit)
            )
            return [Named(slug, name, n) for slug, name, n in conn.execute(query)]

    # -- outlets -----------------------------------------------------------------------------------------------

    def outlets(self) -> list[Outlet]:
        return self._outlets(None)

    def outlet(self, slug: str) -> Outlet | None:
        found = self._outlets(slug)
        return found[0] if found else None

    def outlet_moved_to(self, slug: str) -> str | None:
        """The current slug of the outlet that had ``slug`` before (``outlet_slugs``), else ``None``."""
        s, old = schema.sources, schema.outlet_slugs
        query = sa.select(s.c.slug).select_from(old.join(s, s.c.id == old.c.source_id)).where(old.c.slug == slug)
        with self.reads.connect() as conn:
            found = conn.execute(query).scalar()
        return str(found) if found is not None and found != slug else None

    def _outlets(self, slug: str | None) -> list[Outlet]:
        s, a, f = schema.sources, schema.articles, schema.feeds
        # One outlet's page counts its own articles only: the database does not push the slug into the grouping,
        # so counting every outlet's articles for one page grows with the whole store.
        counting = sa.select(a.c.source_id, sa.func.count().label("n")).where(a.c.hidden.is_(False))
        feeds = sa.select(
            f.c.source_id,
            sa.func.max(f.c.last_success_at).label("last_success_at"),
            sa.func.max(f.c.error_streak).label("error_streak"),
            sa.func.max(f.c.last_error).label("last_error"),
        )
        if slug is not None:
            chosen = sa.select(s.c.id).where(s.c.slug == slug)
            counting, feeds = counting.where(a.c.source_id.in_(chosen)), feeds.where(f.c.source_id.in_(chosen))
        counts = counting.group_by(a.c.source_id).subquery()
        health = feeds.group_by(f.c.source_id).subquery()
        query = (
            sa.select(s, counts.c.n, health.c.last_success_at, health.c.error_streak, health.c.last_error)
            .select_from(
                s.outerjoin(counts, counts.c.source_id == s.c.id).outerjoin(health, health.c.source_id == s.c.id)
            )
            .order_by(sa.func.coalesce(counts.c.n, 0).desc(), s.c.name)
        )
        if slug is not None:
            query = query.where(s.c.slug == slug)
        with self.reads.connect() as conn:
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

    def outlet_names(self, source_ids: set[int] | None) -> dict[int, Outlet]:
        """Names and addresses of the given outlets, or of every outlet (``None``): a short table on any portal."""
        if source_ids is not None and not source_ids:
            return {}
        query = sa.select(schema.sources)
        if source_ids is not None:
            query = query.where(schema.sources.c.id.in_(source_ids))
        with self.reads.connect() as conn:
            rows = conn.execute(query)
            return {
                row.id: Outlet(row.id, row.slug, row.name, row.homepage, row.language, row.country, row.logo_url)
                for row in rows
            }

    # -- related blocks ----------------------------------------------------------------------------------------

    def related(
        self,
        article: Article,
        limit: int = RELATED_SIZE,
        shared: Shared | None = None,
        edition: str | None = None,
        untranslated: bool = False,
        kinds: tuple[str, ...] = ("tag", "category", "author", "story"),
    ) -> dict[str, list[Article]]:
        """Same tag, same category, same author, same story (or only those of ``kinds``): newest first, the
        article itself excluded.

        Built from the newest few of each tag, section, author and story (``newest_of``): lists every article
        sharing that name shows too, so ``shared`` (a cache keyed by what a list is) lets thousands of first
        renders reuse them. Rows are summaries (what a link list shows), not whole articles with their bodies.
        With ``edition``, each list is as that edition shows it (``in_edition``, ``untranslated`` passed on),
        shared the same way, and the article's own other editions are left out.
        """
        assert article.id is not None
        share = shared or _unshared
        # One more than shown per name: the article itself may be among the newest of its own tag or section.
        wanted = limit + 1
        names: dict[str, list[str | int]] = {
            "tag": list(_slugs(article.tags)),
            "category": [article.section] if article.section else [],
            "author": list(_slugs(article.authors)),
            "story": [article.story_id] if article.story_id else [],
        }
        result: dict[str, list[Article]] = {}
        own = _group(article)
        for kind, keys in names.items():
            if kind not in kinds:
                continue
            found: dict[int, Article] = {}
            for key in keys:
                newest = share(
                    ("newest", kind, key, wanted, *((edition, untranslated) if edition else ())),
                    partial(self._newest_in, kind, key, wanted, edition, untranslated),
                )
                found.update((item.id, item) for item in newest if item.id is not None and _group(item) != own)
            ordered = sorted(found.values(), key=_newest_first)
            result[kind] = ordered[:limit]
        return result

    def _newest_in(
        self, kind: str, key: str | int, limit: int, edition: str | None, untranslated: bool
    ) -> list[Article]:
        newest = self.newest_of(kind, key, limit)
        return self.in_edition(newest, edition, untranslated=untranslated) if edition else newest

    def newest_of(self, kind: str, key: str | int, limit: int) -> list[Article]:
        """The newest visible articles of one tag, section ("category"), author or story, as summaries.

        Tags and authors walk the link table's (slug, listed_at) index, sections and stories the articles' own
        indexes: a big tag or a prolific author costs no more than a small one.
        """
        query = _NEWEST_OF.get(kind)
        if query is None:
            raise ValueError(f"no related block of kind {kind!r}")
        with self.reads.connect() as conn:
            return [summary_from_row(row) for row in conn.execute(query, {"key": key, "limit": limit})]

    def editions(self, article: Article) -> list[Article]:
        """Other language editions: the original this one was translated from, or translations of it."""
        original = article.translated_from or article.id
        with self.reads.connect() as conn:
            rows = conn.execute(_EDITIONS, {"article_id": article.id, "original": original})
            return [summary_from_row(row) for row in rows]

    def in_edition(
        self, articles: list[Article], edition: str, exclude: Article | None = None, *, untranslated: bool = False
    ) -> list[Article]:
        """Each article as an edition shows it, in the same order, once per original.

        An article in another language becomes its visible translation into ``edition`` when there is one; the
        rest are left out, or with ``untranslated`` stay (a translation into a third language becoming its
        original), which the page labels untranslated. ``exclude`` drops an article's own editions (related lists
        on its page). One query, and none when every article is already in the edition's language.
        """

        foreign = {_group(a) for a in articles if a.language and _primary(a.language) != edition}
        members: dict[int, list[Article]] = {}
        if foreign:
            with self.reads.connect() as conn:
                for row in conn.execute(_GROUP_MEMBERS, {"ids": sorted(foreign)}):
                    member = summary_from_row(row)
                    members.setdefault(_group(member), []).append(member)
        seen = {_group(exclude)} if exclude is not None else set()
        shown: list[Article] = []
        for article in articles:
            key = _group(article)
            if key in seen:
                continue
            seen.add(key)
            if key in foreign:
                family = members.get(key, [])
                article = next((m for m in family if _primary(m.language) == edition), None) or next(
                    (m for m in family if m.id == key), article
                )
            if untranslated or _primary(article.language) == edition:
                shown.append(article)
        return shown

    # -- stories -----------------------------------------------------------------------------------------------

    def story(self, story_id: int) -> tuple[Story, list[Article]] | None:
        a = schema.articles
        with self.reads.connect() as conn:
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

    def top_stories(
        self, limit: int = 5, fresh: timedelta = timedelta(days=2), burst: timedelta = TOP_STORY_BURST
    ) -> list[tuple[Story, int]]:
        """The largest fresh stories that at least two outlets report with dated reports: a story counts only its
        reports that carry a publication date, the latest of them within ``fresh`` of the newest dated report in
        the store (relative to the store, not the clock, so an imported archive has top stories too). Undated
        pages (blog posts, reference pages) may sit in a story, but never make one top on their own.

        Of those, a story counts only the reports within ``burst`` of its newest one (and their outlets): a top
        story is one happening, and one happening's reports come in a burst. A story that gathered a topic's
        reports over days (each day's gold price) is no bigger for it than its last day's coverage, and not top
        unless two outlets reported that day; a reader is shown the day's events, not a week's topic.

        Fewer than ``limit`` found (a quiet store, or an archive whose last days one outlet alone filled): the rest
        come from twice ``fresh``, after the fresh ones, so the home page still shows the latest events."""
        a = schema.articles
        dated = sa.and_(a.c.story_id.is_not(None), a.c.hidden.is_(False), a.c.published_at.is_not(None))
        with self.reads.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(a.c.published_at)).where(dated)).scalar()
            if newest is None:
                return []
            found = self._top_stories_since(conn, newest - fresh, burst, limit, set())
            if len(found) < limit:
                found += self._top_stories_since(
                    conn, newest - 2 * fresh, burst, limit - len(found), {story.id for story, _ in found}
                )
            return found

    def _top_stories_since(
        self, conn: sa.Connection, since: datetime, burst: timedelta, limit: int, skip: set[int | None]
    ) -> list[tuple[Story, int]]:
        """``top_stories`` over the reports dated ``since`` or later, leaving out the stories ``skip``."""
        a, s = schema.articles, schema.stories
        dated = sa.and_(a.c.story_id.is_not(None), a.c.hidden.is_(False), a.c.published_at.is_not(None))
        # The days' range of the dated-story index, in a subquery the limit keeps apart: grouped directly, SQLite
        # walks every article in a story by story_id instead (in a store that has kept up, nearly all of them).
        recent = (
            sa.select(a.c.story_id, a.c.id, a.c.published_at)
            .where(dated, a.c.published_at >= since)
            .limit(10_000_000)
            .subquery()
        )
        reports = sa.func.count(recent.c.id)
        candidates = [
            row
            for row in conn.execute(
                sa.select(recent.c.story_id, reports, sa.func.max(recent.c.published_at))
                .group_by(recent.c.story_id)
                .having(reports > 1)
                .order_by(reports.desc(), sa.func.max(recent.c.published_at).desc())
                .limit(max(limit * 20, 100) + len(skip))
            ).all()
            if row[0] not in skip
        ]
        ids = [row[0] for row in candidates]
        latest = {row[0]: row[2] for row in candidates}
        in_burst: dict[int, int] = dict.fromkeys(ids, 0)
        outlets: dict[int, set[str]] = {story_id: set() for story_id in ids}
        for row in conn.execute(
            sa.select(a.c.story_id, a.c.published_at, a.c.source_id, a.c.site_name, a.c.canonical_url).where(
                dated, a.c.story_id.in_(ids), a.c.published_at >= since
            )
        ):
            if row.published_at >= latest[row.story_id] - burst:
                in_burst[row.story_id] += 1
                outlets[row.story_id].add(outlet_key(row.source_id, row.site_name, row.canonical_url))
        ranked = sorted(
            (row for row in candidates if len(outlets[row[0]]) >= 2),
            key=lambda row: (-in_burst[row[0]], -latest[row[0]].timestamp(), row[0]),
        )
        chosen = ranked[:limit]
        titles = dict(conn.execute(sa.select(s.c.id, s.c.title).where(s.c.id.in_([row[0] for row in chosen]))).all())
        return [(Story(title=titles[r[0]], id=r[0], last_published=r[2]), in_burst[r[0]]) for r in chosen]

    def story_titles_in(self, story_ids: list[int], edition: str) -> dict[int, str]:
        """Per story, the title of its newest visible report in ``edition``'s language; stories with none are left
        out (an edition's top stories are those its readers can read, under a title in their language)."""
        if not story_ids:
            return {}
        a = schema.articles
        query = (
            sa.select(a.c.story_id, a.c.title)
            .where(a.c.story_id.in_(story_ids), a.c.hidden.is_(False), in_language(a.c.language, edition))
            .order_by(a.c.listed_at.desc(), a.c.id.desc())
        )
        titles: dict[int, str] = {}
        with self.reads.connect() as conn:
            for story_id, title in conn.execute(query):
                titles.setdefault(story_id, title)
        return titles

    # -- windows for feeds and sitemaps ------------------------------------------------------------------------

    def published_since(self, since: datetime, limit: int = 1000) -> list[Article]:
        """Dated articles listed since ``since`` (the news sitemap's window): an undated article has no place there."""
        a = schema.articles
        query = (
            sa.select(*SUMMARY_COLUMNS)  # what a sitemap entry names: reading the full rows' blocks is costly
            .where(a.c.hidden.is_(False), a.c.listed_at >= since, a.c.published_at.is_not(None))
            .order_by(a.c.listed_at.desc(), a.c.id.desc())
            .limit(limit)
        )
        with self.reads.connect() as conn:
            return [summary_from_row(row) for row in conn.execute(query)]

    def sitemap_span(self) -> int | None:
        """The highest article id, which bounds the article sitemaps' id ranges (the primary key: no scan)."""
        with self.reads.connect() as conn:
            return conn.execute(sa.select(sa.func.max(_a.c.id))).scalar()

    def sitemap_articles(self, first_id: int, end_id: int) -> list[Article]:
        """Visible articles with ``first_id <= id < end_id``, by id: one page of the article sitemaps, with what it
        shows (id, title, dates) and nothing else (decoding summaries was most of a 10,000-article page's time).

        Pages are id ranges, not offsets into a sorted list, so a page holds the same articles until one of them
        changes or is hidden, and a crawler's copy of an old page stays right while new articles fill new pages.
        """
        query = (
            sa.select(_a.c.id, _a.c.url, _a.c.title, _a.c.language, _a.c.translated_from, _a.c.published_at,
                      _a.c.modified_at, _a.c.listed_at)
            .where(_a.c.id >= first_id, _a.c.id < end_id, _a.c.hidden.is_(False))
            .order_by(_a.c.id)
        )  # fmt: skip
        with self.reads.connect() as conn:
            return [
                Article(url=row.url, canonical_url="", title=row.title, language=row.language,
                        translated_from=row.translated_from, published=row.published_at, modified=row.modified_at,
                        listed_at=row.listed_at, id=row.id)
                for row in conn.execute(query)
            ]  # fmt: skip

    def sitemap_pages(self, per_page: int, syndication: str) -> list[int]:
        """The article sitemap pages (``id // per_page``) holding an article the portal is the canonical home of
        (``web.structured.portal_is_home``, in SQL): the index names no page that would be empty."""
        query = sa.select(_a.c.id // per_page).distinct().where(_a.c.hidden.is_(False))
        if syndication != "self":
            home: sa.ColumnElement[bool] = _a.c.translated_from.is_not(None)
            if syndication == "canonical":
                home = sa.or_(home, sa.not_(_a.c.url.like("http://%")) & sa.not_(_a.c.url.like("https://%")))
            query = query.where(home)
        with self.reads.connect() as conn:
            return sorted(int(n) for n in conn.execute(query).scalars())

    def families(self, articles: list[Article]) -> dict[int, list[Article]]:
        """Each article's language family (its original and every visible translation of it), keyed by the
        original's id, for many articles in one query: the sitemaps' hreflang alternates."""
        groups = sorted({_group(a) for a in articles if a.id is not None})
        found: dict[int, list[Article]] = {}
        if groups:
            with self.reads.connect() as conn:
                for row in conn.execute(_GROUP_MEMBERS, {"ids": groups}):
                    member = summary_from_row(row)
                    found.setdefault(_group(member), []).append(member)
        return found

    def last_change(self) -> datetime | None:
        """When any article last changed: the validator behind ETags of listings and feeds."""
        with self.reads.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema.articles.c.updated_at))).scalar()
