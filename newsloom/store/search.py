"""Full-text search adapters: the only module that knows FTS5 from tsvector.

The contract every adapter keeps (the portal and the API rely on it, and the parity test checks SQLite against
PostgreSQL): every word of the query must match a whole word of the title, lead or body, case and diacritics
folded (``dan tri`` finds ``Dân trí``), no stemming; a title match weighs 10, a lead match 4, a body match 1;
relevance is ranked among the newest ``RANKED_MATCHES`` matches; lower ``rank`` is better.

- SQLite: an FTS5 table ``articles_fts`` (rowid = article id; title, lead, body), ``unicode61 remove_diacritics 2``,
  ranked by bm25.
- PostgreSQL: a table ``articles_search`` (article id, ``tsvector`` with title, lead and body weighted A, B and D)
  under a GIN index, built with the ``newsloom_simple`` text search configuration (``simple`` behind ``unaccent``),
  ranked by ``ts_rank_cd``. Migration 0110 creates both.
- Anything else: a portable ``LIKE`` scan, newest first.

Indexes are written inside the same transaction as the article. User text never reaches the query syntax: each
word becomes a quoted FTS5 string or a ``plainto_tsquery`` argument, and everything travels as bound parameters.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from newsloom.store import schema

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    section: str | None = None
    source_id: int | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    edition: str | None = None  # only what a reader of this language can read: originals in it, translations into it

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        table = schema.articles
        found: list[sa.ColumnElement[bool]] = [table.c.hidden.is_(False)]
        if self.section:
            found.append(table.c.section_slug == self.section)
        if self.source_id is not None:
            found.append(table.c.source_id == self.source_id)
        if self.language:
            found.append(table.c.language == self.language)
        if self.since is not None:
            found.append(table.c.listed_at >= self.since)
        if self.until is not None:
            found.append(table.c.listed_at <= self.until)
        if self.edition:
            found.append(in_language(table.c.language, self.edition))
        return found


def in_language(column: sa.ColumnElement[Any], language: str) -> sa.ColumnElement[bool]:
    """``column`` names ``language`` or a regional form of it (``en``, ``en-US``, ``en_GB``, ``EN``)."""
    head = sa.func.lower(sa.func.substr(column, 1, len(language) + 1))
    return sa.or_(column == language, sa.func.lower(column) == language, head.in_([f"{language}-", f"{language}_"]))


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """What the index keeps of one article."""

    article_id: int
    title: str
    lead: str
    body: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawHit:
    article_id: int
    snippet: str
    rank: float


class SearchIndex(Protocol):
    def index(
        self, conn: sa.Connection, article_id: int, title: str, lead: str, body: str, language: str | None = None
    ) -> None: ...

    def index_many(self, conn: sa.Connection, entries: list[SearchEntry]) -> None:
        """``index`` for many articles at once (bulk loads): the same entries, fewer statements."""
        ...

    def remove(self, conn: sa.Connection, article_id: int) -> None: ...

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]: ...

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        """How many results ``search`` can page through (bounded, as its ranking is)."""
        ...


def query_terms(query: str) -> list[str]:
    return _WORD.findall(query)[:20]


class Fts5SearchIndex:
    """SQLite FTS5 with the unicode61 tokenizer folding diacritics (``Dân`` matches ``dan``)."""

    def __init__(self, version: Callable[[], object] | None = None) -> None:
        # The store's change token: a search page asks for its results, then for their count, and the thread's
        # last filtered walk is reused while nothing in the store changed, so the page walks once.
        self.version = version

    DDL = (
        "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
        "title, lead, body, tokenize = 'unicode61 remove_diacritics 2')"
    )

    def index(
        self, conn: sa.Connection, article_id: int, title: str, lead: str, body: str, language: str | None = None
    ) -> None:
        self.index_many(conn, [SearchEntry(article_id, title, lead, body, language)])

    def index_many(self, conn: sa.Connection, entries: list[SearchEntry]) -> None:
        if not entries:
            return
        conn.execute(sa.text("DELETE FROM articles_fts WHERE rowid = :id"), [{"id": e.article_id} for e in entries])
        conn.execute(
            sa.text("INSERT INTO articles_fts(rowid, title, lead, body) VALUES (:id, :title, :lead, :body)"),
            [{"id": e.article_id, "title": e.title, "lead": e.lead, "body": e.body} for e in entries],
        )

    def remove(self, conn: sa.Connection, article_id: int) -> None:
        conn.execute(sa.text("DELETE FROM articles_fts WHERE rowid = :id"), {"id": article_id})

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]:
        terms = query_terms(query)
        if not terms:
            return []
        match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        ranked = self._ranked(conn, match, limit, offset, filters or SearchFilters())
        if not ranked:
            return []
        snippets: dict[int, str] = dict(
            conn.execute(_SNIPPETS, {"match": match, "ids": [row.id for row in ranked]}).all()
        )
        return [RawHit(row.id, snippets.get(row.id) or "", float(row.rank)) for row in ranked]

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        terms = query_terms(query)
        if not terms:
            return 0
        match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        filters = filters or SearchFilters()
        # An edition's filter passes about as many matches as it stops (a language): counted in one joined query
        # that stops at the window, like no filter; a section or a date range may pass almost nothing: walked.
        if replace(filters, edition=None) != SearchFilters():
            return len(self._newest_kept(conn, match, filters))
        table = schema.articles
        reachable = (
            sa.select(_FTS.c.rowid)
            .select_from(_FTS.join(table, table.c.id == _FTS.c.rowid))
            .where(_MATCHES, *filters.conditions())
            .limit(self.RANKED_MATCHES)
            .subquery()
        )
        return int(conn.execute(sa.select(sa.func.count()).select_from(reachable), {"match": match}).scalar_one())

    CANDIDATE_FACTOR = 4
    # Relevance is ranked over the newest matches only (highest rowids: the articles stored last), so a word found
    # in every article costs what a rare one does (bm25 over every match of "the" grows with the store). Older
    # articles are found when fewer newer ones match, or when filters (a section, a date
    # range) leave too few of the newest: the filtered query then walks matches newest first until it has enough.
    RANKED_MATCHES = 2000

    def _ranked(
        self, conn: sa.Connection, match: str, limit: int, offset: int, filters: SearchFilters
    ) -> list[sa.Row[Any, Any]]:
        """Best matches first. FTS5 ranks fast on its own table; joining articles first makes it rank every match
        through the join, several times slower. So: rank a few candidates in FTS alone, filter them,
        and fall back to the joined query only when the filters leave too few."""
        wanted = offset + limit
        window = self.RANKED_MATCHES  # the same for every page, so pages never overlap: at most this many results
        # Fewer candidates than asked for means every match was ranked: none left for the filters to find.
        candidate_limit = min(wanted * self.CANDIDATE_FACTOR, window)
        candidates = conn.execute(_CANDIDATES, {"match": match, "window": window, "candidates": candidate_limit}).all()
        if not candidates:
            return []
        table = schema.articles
        ids = [row.id for row in candidates]
        conditions = filters.conditions()
        if filters == SearchFilters():  # no filter but "not hidden": the statement built once
            kept = set(conn.execute(_VISIBLE, {"ids": ids}).scalars())
        else:
            kept = set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids), *conditions)).scalars())
        survivors = [row for row in candidates if row.id in kept]
        if len(survivors) >= wanted or len(candidates) < candidate_limit:
            return survivors[offset:wanted]
        newest = self._newest_kept(conn, match, filters)
        newest.sort(key=lambda row: row.rank)
        return newest[offset:wanted]

    # A filtered search walks the matches newest first, a chunk at a time, and keeps those the filters pass: one
    # query joining the filters to the match made SQLite rank and read every match first, a cost without bound on a
    # large store when the filter passes few of them. The walk stops at MAX_WALKED matches, so
    # a filter that passes almost nothing still costs a bounded time; results older than that are not found.
    WALK_CHUNK = 2000
    MAX_WALKED = 20_000

    def _newest_kept(self, conn: sa.Connection, match: str, filters: SearchFilters) -> list[sa.Row[Any, Any]]:
        """The newest matches (id, rank) that pass ``filters``, newest first, at most ``RANKED_MATCHES``."""
        if self.version is None:
            return self._walk(conn, match, filters)
        key = (id(self), self.version(), match, filters, self.RANKED_MATCHES, self.WALK_CHUNK, self.MAX_WALKED)
        last = getattr(_LAST_WALK, "value", None)
        if last is not None and last[0] == key:
            return list(last[1])
        kept = self._walk(conn, match, filters)
        _LAST_WALK.value = (key, kept)
        return list(kept)

    def _walk(self, conn: sa.Connection, match: str, filters: SearchFilters) -> list[sa.Row[Any, Any]]:
        table = schema.articles
        passes = sa.select(table.c.id).where(table.c.id.in_(sa.bindparam("ids", expanding=True)), *filters.conditions())
        kept: list[sa.Row[Any, Any]] = []
        before, walked = _NO_ROWID_LIMIT, 0
        while len(kept) < self.RANKED_MATCHES and walked < self.MAX_WALKED:
            chunk = conn.execute(_OLDER_MATCHES, {"match": match, "before": before, "chunk": self.WALK_CHUNK}).all()
            if not chunk:
                break
            walked += len(chunk)
            ids = [row.id for row in chunk]
            passing = set(conn.execute(passes, {"ids": ids}).scalars())
            kept.extend(row for row in chunk if row.id in passing)
            if len(chunk) < self.WALK_CHUNK:
                break
            before = ids[-1]
        return kept[: self.RANKED_MATCHES]


# The statements of a search, built once (building a select costs more than running a small one); the words,
# limits and ids travel as bound parameters, so user text never reaches the query syntax.
_FTS = sa.table("articles_fts", sa.column("rowid"))
_MATCHES = sa.literal_column("articles_fts").op("MATCH")(sa.bindparam("match"))
_RANK: sa.ColumnClause[float] = sa.literal_column("bm25(articles_fts, 10.0, 4.0, 1.0)")
_NEWEST = (
    sa.select(_FTS.c.rowid.label("id"), _RANK.label("rank"))
    .where(_MATCHES)
    .order_by(_FTS.c.rowid.desc())
    .limit(sa.bindparam("window"))
    .subquery()
)
_NO_ROWID_LIMIT = 1 << 62
_LAST_WALK = threading.local()  # (key, rows) of the thread's last filtered walk
_OLDER_MATCHES = (
    sa.select(_FTS.c.rowid.label("id"), _RANK.label("rank"))
    .where(_MATCHES, _FTS.c.rowid < sa.bindparam("before"))
    .order_by(_FTS.c.rowid.desc())
    .limit(sa.bindparam("chunk"))
)
_CANDIDATES = sa.select(_NEWEST.c.id, _NEWEST.c.rank).order_by(_NEWEST.c.rank).limit(sa.bindparam("candidates"))
_VISIBLE = sa.select(schema.articles.c.id).where(
    schema.articles.c.id.in_(sa.bindparam("ids", expanding=True)), schema.articles.c.hidden.is_(False)
)
_SNIPPETS = sa.select(_FTS.c.rowid, sa.literal_column("snippet(articles_fts, 2, '\x02', '\x03', ' … ', 24)")).where(
    _MATCHES, _FTS.c.rowid.in_(sa.bindparam("ids", expanding=True))
)


class LikeSearchIndex:
    """Portable fallback: every term must appear in title, lead or body; newest first. Slow on large stores."""

    def index(
        self, conn: sa.Connection, article_id: int, title: str, lead: str, body: str, language: str | None = None
    ) -> None:
        return None

    def index_many(self, conn: sa.Connection, entries: list[SearchEntry]) -> None:
        return None

    def remove(self, conn: sa.Connection, article_id: int) -> None:
        return None

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]:
        terms = query_terms(query)
        if not terms:
            return []
        table = schema.articles
        rows = conn.execute(
            sa.select(table.c.id, table.c.lead)
            .where(self._condition(terms), *(filters or SearchFilters()).conditions())
            .order_by(table.c.listed_at.desc())
            .limit(limit)
            .offset(offset)
        )
        return [RawHit(row.id, (row.lead or "")[:200], 0.0) for row in rows]

    MOST = 2000

    @staticmethod
    def _condition(terms: list[str]) -> sa.ColumnElement[bool]:
        table = schema.articles
        return sa.and_(
            *(
                sa.or_(
                    table.c.title.ilike(f"%{term}%"),
                    table.c.lead.ilike(f"%{term}%"),
                    table.c.body.ilike(f"%{term}%"),
                )
                for term in terms
            )
        )

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        terms = query_terms(query)
        if not terms:
            return 0
        table = schema.articles
        matching = (
            sa.select(table.c.id)
            .where(self._condition(terms), *(filters or SearchFilters()).conditions())
            .limit(self.MOST)
            .subquery()
        )
        return int(conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one())


class PostgresSearchIndex:
    """PostgreSQL full-text search with the same contract as FTS5 (see the module docstring).

    ``language`` is accepted for the day a stemming configuration per language is wanted; today every article is
    indexed with ``newsloom_simple`` so that PostgreSQL and SQLite match the same words (the contract says no
    stemming, and Vietnamese, the first users' language, has none to offer).
    """

    CONFIG = "newsloom_simple"
    RANKED_MATCHES = Fts5SearchIndex.RANKED_MATCHES
    CANDIDATE_FACTOR = Fts5SearchIndex.CANDIDATE_FACTOR

    def index(
        self, conn: sa.Connection, article_id: int, title: str, lead: str, body: str, language: str | None = None
    ) -> None:
        self.index_many(conn, [SearchEntry(article_id, title, lead, body, language)])

    def index_many(self, conn: sa.Connection, entries: list[SearchEntry]) -> None:
        if entries:
            conn.execute(
                _PG_INDEX, [{"id": e.article_id, "title": e.title, "lead": e.lead, "body": e.body} for e in entries]
            )

    def remove(self, conn: sa.Connection, article_id: int) -> None:
        conn.execute(sa.text("DELETE FROM articles_search WHERE article_id = :id"), {"id": article_id})

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        terms = query_terms(query)
        if not terms:
            return 0
        table = schema.articles
        reachable = (
            sa.select(_PG_SEARCH.c.article_id)
            .select_from(_PG_SEARCH.join(table, table.c.id == _PG_SEARCH.c.article_id))
            .where(_PG_MATCHES, *(filters or SearchFilters()).conditions())
            .limit(self.RANKED_MATCHES)
            .subquery()
        )
        return int(conn.execute(sa.select(sa.func.count()).select_from(reachable), {"q": " ".join(terms)}).scalar_one())

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]:
        terms = query_terms(query)
        if not terms:
            return []
        text = " ".join(terms)
        filters = filters or SearchFilters()
        wanted = offset + limit
        candidate_limit = min(wanted * self.CANDIDATE_FACTOR, self.RANKED_MATCHES)
        params = {"q": text, "window": self.RANKED_MATCHES, "candidates": candidate_limit}
        candidates = conn.execute(_PG_CANDIDATES, params).all()
        if not candidates:
            return []
        table = schema.articles
        ids = [row.id for row in candidates]
        kept = set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids), *filters.conditions())).scalars())
        ranked: list[sa.Row[Any, Any]] = [row for row in candidates if row.id in kept]
        if len(ranked) >= wanted or len(candidates) < candidate_limit:
            ranked = ranked[offset:wanted]
        else:
            newest_kept = (
                sa.select(_PG_SEARCH.c.article_id.label("id"), _PG_RANK.label("rank"))
                .select_from(_PG_SEARCH.join(table, table.c.id == _PG_SEARCH.c.article_id))
                .where(_PG_MATCHES, *filters.conditions())
                .order_by(_PG_SEARCH.c.article_id.desc())
                .limit(self.RANKED_MATCHES)
                .subquery()
            )
            ranked = list(
                conn.execute(
                    sa.select(newest_kept.c.id, newest_kept.c.rank)
                    .order_by(newest_kept.c.rank, newest_kept.c.id.desc())
                    .limit(limit)
                    .offset(offset),
                    {"q": text},
                ).all()
            )
        if not ranked:
            return []
        snippets: dict[int, str] = dict(
            conn.execute(_PG_SNIPPETS, {"q": text, "ids": [row.id for row in ranked]}).all()
        )
        return [RawHit(row.id, snippets.get(row.id) or "", float(row.rank)) for row in ranked]


_PG_INDEX = sa.text(
    "INSERT INTO articles_search (article_id, document) VALUES (:id, "
    "setweight(to_tsvector('newsloom_simple', :title), 'A') || "
    "setweight(to_tsvector('newsloom_simple', :lead), 'B') || "
    "setweight(to_tsvector('newsloom_simple', :body), 'D')) "
    "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document"
)
_PG_SEARCH = sa.table("articles_search", sa.column("article_id"), sa.column("document"))
_PG_QUERY = sa.func.plainto_tsquery(sa.literal_column("'newsloom_simple'::regconfig"), sa.bindparam("q"))
_PG_MATCHES = _PG_SEARCH.c.document.op("@@")(_PG_QUERY)
# D, C, B, A: body 1, lead 4, title 10 (scaled to ts_rank's 0..1 weights); negated so that lower is better.
_PG_RANK = -sa.func.ts_rank_cd(sa.literal_column("'{0.1, 0.0, 0.4, 1.0}'::float4[]"), _PG_SEARCH.c.document, _PG_QUERY)
_PG_NEWEST = (
    sa.select(_PG_SEARCH.c.article_id.label("id"), _PG_RANK.label("rank"))
    .where(_PG_MATCHES)
    .order_by(_PG_SEARCH.c.article_id.desc())
    .limit(sa.bindparam("window"))
    .subquery()
)
_PG_CANDIDATES = (
    sa.select(_PG_NEWEST.c.id, _PG_NEWEST.c.rank)
    .order_by(_PG_NEWEST.c.rank, _PG_NEWEST.c.id.desc())
    .limit(sa.bindparam("candidates"))
)
_PG_SNIPPETS = sa.select(
    schema.articles.c.id,
    sa.func.ts_headline(
        sa.literal_column("'newsloom_simple'::regconfig"),
        schema.articles.c.body,
        _PG_QUERY,
        'StartSel=\x02, StopSel=\x03, MaxWords=24, MinWords=10, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "',
    ),
).where(schema.articles.c.id.in_(sa.bindparam("ids", expanding=True)))


def search_index_for(dialect_name: str, version: Callable[[], object] | None = None) -> SearchIndex:
    """The dialect's index; ``version`` is the store's change token, for work an index may reuse until it moves."""
    if dialect_name == "sqlite":
        return Fts5SearchIndex(version)
    if dialect_name == "postgresql":
        return PostgresSearchIndex()
    return LikeSearchIndex()
