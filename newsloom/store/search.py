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
from collections.abc import Callable, Sequence
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

    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: the statements of a search are built once per shape (see ``bound_conditions``)."""
        return (
            bool(self.section),
            self.source_id is not None,
            bool(self.language),
            self.since is not None,
            self.until is not None,
            bool(self.edition),
        )

    def bound_conditions(self) -> list[sa.ColumnElement[bool]]:
        """``conditions()`` with the values as named bound parameters (``params()``): the same statement serves every
        search of this shape, built and compiled once."""
        table = schema.articles
        found: list[sa.ColumnElement[bool]] = [table.c.hidden.is_(False)]
        section, source, language, since, until, edition = self.shape()
        if section:
            found.append(table.c.section_slug == sa.bindparam("f_section"))
        if source:
            found.append(table.c.source_id == sa.bindparam("f_source"))
        if language:
            found.append(table.c.language == sa.bindparam("f_language"))
        if since:
            found.append(table.c.listed_at >= sa.bindparam("f_since"))
        if until:
            found.append(table.c.listed_at <= sa.bindparam("f_until"))
        if edition:  # in_language with its values bound
            column = table.c.language
            head = sa.func.lower(sa.func.substr(column, 1, sa.bindparam("f_edition_head")))
            found.append(
                sa.or_(
                    column == sa.bindparam("f_edition"),
                    sa.func.lower(column) == sa.bindparam("f_edition"),
                    head == sa.bindparam("f_edition_dash"),
                    head == sa.bindparam("f_edition_underscore"),
                )
            )
        return found

    def params(self) -> dict[str, Any]:
        """The values of ``bound_conditions``."""
        edition = self.edition or ""
        return {
            "f_section": self.section,
            "f_source": self.source_id,
            "f_language": self.language,
            "f_since": self.since,
            "f_until": self.until,
            "f_edition": edition,
            "f_edition_head": len(edition) + 1,
            "f_edition_dash": f"{edition}-",
            "f_edition_underscore": f"{edition}_",
        }

    @property
    def walks(self) -> bool:
        """Whether matches are found by walking them newest first: a section, an outlet, a language or a date range
        may pass almost nothing. An edition's filter passes about as many matches as it stops (a language): those
        are counted in one joined query that stops at the window, like no filter."""
        return replace(self, edition=None) != SearchFilters()


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


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of results in one statement: each row holds the columns asked for (an article's summary), then
    ``search_rank`` and ``search_snippet``; ``total`` is what the pages hold (see ``Fts5SearchIndex.page``)."""

    rows: Sequence[sa.Row[Any]]
    total: int


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

    def __init__(
        self,
        version: Callable[[], object] | None = None,
        reader: Callable[[str, tuple[Any, ...]], tuple[Any, ...] | None] | None = None,
    ) -> None:
        # The store's change token (kept for callers; a page of results is now one statement, nothing to reuse).
        self.version = version
        # A plain sqlite3 connection's one-row read (``SQLiteReader.first``), for ``matches``; None without one (an
        # in-memory store): the page's statement then asks itself whether anything matches.
        self.reader = reader

    def matches(self, query: str) -> int | None:
        """How many articles hold every word of ``query``, counted up to ``RANKED_MATCHES + 1``; None when it cannot
        be asked cheaply (no reader).

        Asked before any statement is built or a connection taken from the engine's pool, on a plain sqlite3
        connection, in the index's own order (oldest first, which FTS5 reads skipping through the long lists of
        common words, where newest first decodes them whole): most new searches ("storm 48213") find nothing, and
        their page is then empty whatever the filters and the page number, for a third of what the page's
        statement cost with SQLAlchemy's checkout, parameters and result around it. A search that finds some is
        told how to find its newest matches (``page``'s ``matches``)."""
        terms = query_terms(query)
        if not terms:
            return 0
        if self.reader is None:
            return None
        found = self.reader(_COUNT_MATCHES, (_match_expression(terms), self.RANKED_MATCHES + 1))
        return int(found[0]) if found is not None else 0

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

    CANDIDATE_FACTOR = 4
    # Relevance is ranked over the newest matches only (highest rowids: the articles stored last), so a word found
    # in every article costs what a rare one does (bm25 over every match of "the" grows with the store). Older
    # articles are found when fewer newer ones match, or when filters (a section, a date
    # range) leave too few of the newest: the filtered query then walks matches newest first until it has enough.
    RANKED_MATCHES = 2000
    # A filtered search that the ranked candidates cannot answer walks the matches newest first and keeps those the
    # filters pass (ranking every joined match first was a cost without bound on a large store when the filter
    # passes few of them). The walk stops after MAX_WALKED matches (whole chunks of WALK_CHUNK), so a filter that
    # passes almost nothing still costs a bounded time; results older than that are not found.
    WALK_CHUNK = 2000
    MAX_WALKED = 20_000

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]:
        found = self.page(conn, query, limit, offset, filters)
        return [RawHit(row.search_id, row.search_snippet or "", float(row.search_rank)) for row in found.rows]

    def page(
        self,
        conn: sa.Connection,
        query: str,
        limit: int,
        offset: int,
        filters: SearchFilters | None = None,
        columns: tuple[sa.ColumnElement[Any], ...] = (),
        matches: int | None = None,
    ) -> SearchPage:
        """Results ``offset`` to ``offset + limit``, best first, with ``columns`` of each article, in one statement
        (two when the filters leave too few of the ranked candidates and the matches are walked). ``matches`` is
        ``self.matches(query)`` when the caller asked it: the statement then need not ask whether anything matches,
        and when no more than the window match it reads them in the index's order and sorts them, instead of
        reading them newest first (the same rows either way; a match stored meanwhile changes only the cost).

        Relevance is ranked among the newest ``RANKED_MATCHES`` matches: their best ``CANDIDATE_FACTOR`` times as
        many as the pages up to this one hold are filtered; when the filters leave too few (and more were ranked),
        the matches are walked newest first (at most ``MAX_WALKED``) and the newest ``RANKED_MATCHES`` that pass
        are ranked. Equal ranks: the newest first. ``total``: a short page is the last one, so the results are the
        pages before it and this one; otherwise they are counted in the same statement, bounded like the ranking
        (the newest ``RANKED_MATCHES``; past it the count stays at the bound)."""
        terms = query_terms(query)
        if not terms:
            return SearchPage([], 0)
        filters = filters or SearchFilters()
        wanted = offset + limit
        candidates = min(wanted * self.CANDIDATE_FACTOR, self.RANKED_MATCHES)
        params = {
            "match": _match_expression(terms),
            "window": self.RANKED_MATCHES,
            "candidates": candidates,
            "walk": -(-self.MAX_WALKED // self.WALK_CHUNK) * self.WALK_CHUNK,
            "wanted": wanted,
            "limit": limit,
            "offset": offset,
            "past_end_at": offset if offset else -1,
            **filters.params(),
        }
        if matches == 0:
            return SearchPage([], 0)
        flavour = _FTS5 if matches is None else _FTS5_FEW if matches <= self.RANKED_MATCHES else _FTS5_MANY
        return _ranked_page(conn, flavour, filters, columns, params)

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        terms = query_terms(query)
        if not terms:
            return 0
        filters = filters or SearchFilters()
        params = {
            "match": _match_expression(terms),
            "window": self.RANKED_MATCHES,
            "walk": -(-self.MAX_WALKED // self.WALK_CHUNK) * self.WALK_CHUNK,
            **filters.params(),
        }
        return int(conn.execute(_statement(_FTS5, "count", filters, ()), params).scalar_one())


@dataclass(frozen=True)
class _Flavour:
    """What a dialect's full-text index brings to the statements of a search page."""

    name: str
    index: sa.TableClause
    id: sa.ColumnClause[Any]
    matches: sa.ColumnElement[bool]
    rank: sa.ColumnElement[Any]
    snippet: Callable[[sa.ColumnElement[Any]], sa.ColumnElement[Any]]  # of the page's article id
    walk_bounded: bool  # the walk stops after "walk" matches (SQLite); PostgreSQL joins every match
    walk_counts: bool  # a walking filter's count is the walk's (SQLite); PostgreSQL counts every joined match
    # Whether any document matches is asked first, and the newest matches are read only when one does (SQLite):
    # FTS5 reads matches newest first by decoding every match of each word, while the first match of the words
    # together (or that there is none) costs a third of that, and most new searches ("storm 48213") find nothing.
    probe_first: bool = False
    # The newest matches found by reading every match in the index's order and sorting them (SQLite, when the
    # caller counted no more than the window): FTS5 reads a common word's long list of matches oldest first by
    # skipping through it, newest first by decoding it whole.
    newest_sorted: bool = False
    # The rank is read from each document (PostgreSQL: ``ts_rank_cd`` unpacks the row's whole ``tsvector``, kept
    # out of line): the matches are found by their ids alone, once (``matched`` in ``_build``), and only the
    # window's rows are ranked. Ranked while they were found, every match was (0.1 s for a word in 4,000 articles
    # of 100,000).
    ranks_window: bool = False


def _statement(flavour: _Flavour, kind: str, filters: SearchFilters, columns: tuple[Any, ...]) -> sa.Select[Any]:
    """The statement of a search of ``filters``' shape, built once (building one costs more than running it)."""
    key = (flavour.name, kind, filters.shape(), columns)
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS[key] = _build(flavour, kind, filters, columns)
    return found


_STATEMENTS: dict[tuple[Any, ...], sa.Select[Any]] = {}


def _build(flavour: _Flavour, kind: str, filters: SearchFilters, columns: tuple[Any, ...]) -> sa.Select[Any]:
    """One statement: the page (ids, ranks, snippets, the articles' ``columns``) after one row of figures, which
    the page is outer-joined to so that an empty page still says why (``search_candidates``, ``search_kept``),
    and the count when the page needs it (``search_total``: a full page, or one past the last)."""
    table = schema.articles
    conditions = filters.bound_conditions()

    # With ``ranks_window``, every match's id, found once by the index and shared by the count and the window:
    # left to choose for each, the planner walked the primary key (or the whole table) and tested every document
    # it passed, which is 19,000 documents read for a common word's newest 2,000 and 0.3 s for "storm 16"'s count.
    matched = (
        sa.select(flavour.id.label("id")).select_from(flavour.index).where(flavour.matches).cte("matched")
        if flavour.ranks_window
        else None
    )
    if matched is not None:
        matched = matched.prefix_with("MATERIALIZED")

    def matching() -> sa.Select[Any]:
        if matched is not None:
            return sa.select(matched.c.id)
        return (
            sa.select(flavour.id.label("id"), flavour.rank.label("rank"))
            .select_from(flavour.index)
            .where(flavour.matches)
        )

    def ranked(ids: sa.Select[Any], name: str) -> sa.Select[Any]:
        """``ids`` as ``(id, rank)``: as they are, or ranked now when the flavour ranks the window only."""
        if matched is None:
            return ids
        found = ids.subquery(name)
        return sa.select(found.c.id, flavour.rank.label("rank")).select_from(
            found.join(flavour.index, flavour.id == found.c.id)
        )

    def count_of(selectable: sa.FromClause) -> sa.ScalarSelect[Any]:
        return sa.select(sa.func.count()).select_from(selectable).scalar_subquery()

    if filters.walks and flavour.walk_counts:  # the walk's count: the passing among the newest matches
        newest_ids = sa.select(flavour.id.label("id")).select_from(flavour.index).where(flavour.matches)
        walked_ids = newest_ids.order_by(flavour.id.desc()).limit(sa.bindparam("walk")).subquery("walked_ids")
        passing = sa.select(walked_ids.c.id).select_from(walked_ids.join(table, table.c.id == walked_ids.c.id))
        counted: sa.ColumnElement[Any] = count_of(
            passing.where(*conditions).limit(sa.bindparam("window")).subquery("passing")
        )
    elif matched is not None:  # every match the filters pass, up to the bound
        joined = sa.select(matched.c.id).select_from(matched.join(table, table.c.id == matched.c.id))
        counted = count_of(joined.where(*conditions).limit(sa.bindparam("window")).subquery("joined"))
    else:
        joined = sa.select(flavour.id).select_from(flavour.index.join(table, table.c.id == flavour.id))
        counted = count_of(joined.where(flavour.matches, *conditions).limit(sa.bindparam("window")).subquery("joined"))
    if kind == "count":
        return sa.select(counted)

    if kind == "ranked":
        window: Any = sa.bindparam("window")
        if flavour.probe_first:  # LIMIT is evaluated once, before the scan: 0 skips it
            any_match = sa.select(flavour.id).select_from(flavour.index).where(flavour.matches).exists()
            window = sa.case((any_match, window), else_=0)
        if matched is not None:
            newest_first: sa.ColumnElement[Any] = matched.c.id
        else:
            newest_first = flavour.id.op("+")(sa.literal_column("0")) if flavour.newest_sorted else flavour.id
        newest = ranked(matching().order_by(newest_first.desc()).limit(window), "newest_ids").subquery("newest")
        ranked_cte = (
            sa.select(newest.c.id, newest.c.rank)
            .order_by(newest.c.rank, newest.c.id.desc())
            .limit(sa.bindparam("candidates"))
            .cte("ranked")
            .prefix_with("MATERIALIZED")
        )
        kept = (
            sa.select(ranked_cte.c.id, ranked_cte.c.rank)
            .select_from(ranked_cte.join(table, table.c.id == ranked_cte.c.id))
            .where(*conditions)
            .cte("kept")
            .prefix_with("MATERIALIZED")
        )
        ranked_count: sa.ColumnElement[Any] = count_of(ranked_cte)
    else:  # walked: the newest matches the filters pass, then ranked
        walked = matching()
        if matched is None:
            walked = walked.order_by(flavour.id.desc())
        if flavour.walk_bounded:
            walked = walked.limit(sa.bindparam("walk"))
        walk = walked.subquery("walk")
        passing_walk = (
            sa.select(*walk.c)
            .select_from(walk.join(table, table.c.id == walk.c.id))
            .where(*conditions)
            .order_by(walk.c.id.desc())
            .limit(sa.bindparam("window"))
        )
        kept = ranked(passing_walk, "kept_ids").cte("kept").prefix_with("MATERIALIZED")
        ranked_count = sa.literal(0)
    figures = (
        sa.select(ranked_count.label("candidates"), count_of(kept).label("kept"))
        .cte("figures")
        .prefix_with("MATERIALIZED")
    )
    page = (
        sa.select(kept.c.id, kept.c.rank)
        .order_by(kept.c.rank, kept.c.id.desc())
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
        .cte("page")
        .prefix_with("MATERIALIZED")
    )
    answered = figures.c.kept >= sa.bindparam("wanted")  # a full page
    if kind == "ranked":  # or none past the last (when the candidates were every ranked match)
        answered = sa.or_(
            answered,
            sa.and_(figures.c.kept <= sa.bindparam("past_end_at"), figures.c.candidates < sa.bindparam("candidates")),
        )
    else:
        answered = sa.or_(answered, figures.c.kept <= sa.bindparam("past_end_at"))
    if kind == "walked" and filters.walks and flavour.walk_counts:
        counted = figures.c.kept  # the walk is the count
    return (
        sa.select(
            figures.c.candidates.label("search_candidates"),
            figures.c.kept.label("search_kept"),
            sa.case((answered, counted)).label("search_total"),
            page.c.id.label("search_id"),
            page.c.rank.label("search_rank"),
            sa.case((page.c.id.is_not(None), flavour.snippet(page.c.id))).label("search_snippet"),  # not for no page
            *columns,
        )
        .select_from(figures.outerjoin(page, sa.true()).outerjoin(table, table.c.id == page.c.id))
        .order_by(page.c.rank, page.c.id.desc())
    )


def _ranked_page(
    conn: sa.Connection,
    flavour: _Flavour,
    filters: SearchFilters,
    columns: tuple[Any, ...],
    params: dict[str, Any],
) -> SearchPage:
    """The ranked statement, and the walked one only when the filters left too few of the ranked candidates (and
    more were ranked): what ``page`` runs on either store."""
    rows = conn.execute(_statement(flavour, "ranked", filters, columns), params).all()
    if rows[0].search_kept < params["wanted"] and rows[0].search_candidates >= params["candidates"]:
        rows = conn.execute(_statement(flavour, "walked", filters, columns), params).all()
    return _page_of(rows, params["limit"], params["offset"])


def _page_of(rows: Sequence[sa.Row[Any]], limit: int, offset: int) -> SearchPage:
    hits = [row for row in rows if row.search_id is not None]
    if len(hits) < limit and (hits or offset == 0):
        return SearchPage(hits, offset + len(hits))  # a short page is the last one: no count needed
    total = int(rows[0].search_total or 0)
    return SearchPage(hits, max(total, offset + len(hits)) if hits else total)


def _match_expression(terms: list[str]) -> str:
    """FTS5's query for every one of ``terms``, each a quoted string (no user text reaches the query syntax)."""
    return " ".join('"' + term.replace('"', "") + '"' for term in terms)


_COUNT_MATCHES = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)"

# The pieces of a search's statements; the words, limits and filters travel as bound parameters, so user text
# never reaches the query syntax.
_FTS = sa.table("articles_fts", sa.column("rowid"))
_MATCHES = sa.literal_column("articles_fts").op("MATCH")(sa.bindparam("match"))
_RANK: sa.ColumnClause[float] = sa.literal_column("bm25(articles_fts, 10.0, 4.0, 1.0)")


def _fts5_snippet(article_id: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The body's best passage (24 tokens) for one row of the page: an auxiliary function needs its own MATCH."""
    snippet: sa.ColumnClause[str] = sa.literal_column("snippet(articles_fts, 2, '\x02', '\x03', ' … ', 24)")
    return sa.select(snippet).select_from(_FTS).where(_MATCHES, _FTS.c.rowid == article_id).scalar_subquery()


_FTS5 = _Flavour(
    "sqlite", _FTS, _FTS.c.rowid, _MATCHES, _RANK, _fts5_snippet, walk_bounded=True, walk_counts=True, probe_first=True
)
# After ``Fts5SearchIndex.matches`` counted some: no probe in the statement; up to the window, sorted.
_FTS5_MANY = replace(_FTS5, name="sqlite-many", probe_first=False)
_FTS5_FEW = replace(_FTS5, name="sqlite-few", probe_first=False, newest_sorted=True)


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

    def __init__(self, reader: Callable[[str, tuple[Any, ...]], tuple[Any, ...] | None] | None = None) -> None:
        # A psycopg connection's one-row read outside the pool (``PostgresReader.first``), for ``matches``.
        self.reader = reader

    def matches(self, query: str) -> int | None:
        """0 when no article holds every word of ``query``, else 1 (some do: the page's statement counts them);
        None without a reader.

        Most new searches ("storm 48213") find nothing, and the page's statement is planned afresh each time
        (half a millisecond of the server's CPU) before it finds that out: one prepared index probe on the
        store's own connection answers them instead (``Fts5SearchIndex.matches`` does the same on SQLite)."""
        terms = query_terms(query)
        if not terms:
            return 0
        if self.reader is None:
            return None
        found = self.reader(_PG_ANY_MATCH, (" ".join(terms),))
        return 1 if found is not None and found[0] else 0

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

    def search(
        self, conn: sa.Connection, query: str, limit: int, offset: int, filters: SearchFilters | None = None
    ) -> list[RawHit]:
        found = self.page(conn, query, limit, offset, filters)
        return [RawHit(row.search_id, row.search_snippet or "", float(row.search_rank)) for row in found.rows]

    def page(
        self,
        conn: sa.Connection,
        query: str,
        limit: int,
        offset: int,
        filters: SearchFilters | None = None,
        columns: tuple[sa.ColumnElement[Any], ...] = (),
    ) -> SearchPage:
        """``Fts5SearchIndex.page`` on ``tsvector``: the same statements, but when the filters leave too few of the
        ranked candidates, the newest ``RANKED_MATCHES`` joined matches that pass are ranked (the GIN index hands
        every match to the join), and counts are of every joined match, up to the bound."""
        terms = query_terms(query)
        if not terms:
            return SearchPage([], 0)
        filters = filters or SearchFilters()
        wanted = offset + limit
        candidates = min(wanted * self.CANDIDATE_FACTOR, self.RANKED_MATCHES)
        params = {
            "q": " ".join(terms),
            "window": self.RANKED_MATCHES,
            "candidates": candidates,
            "wanted": wanted,
            "limit": limit,
            "offset": offset,
            "past_end_at": offset if offset else -1,
            **filters.params(),
        }
        return _ranked_page(conn, _POSTGRES, filters, columns, params)

    def count(self, conn: sa.Connection, query: str, filters: SearchFilters | None = None) -> int:
        terms = query_terms(query)
        if not terms:
            return 0
        filters = filters or SearchFilters()
        params = {"q": " ".join(terms), "window": self.RANKED_MATCHES, **filters.params()}
        return int(conn.execute(_statement(_POSTGRES, "count", filters, ()), params).scalar_one())


_PG_INDEX = sa.text(
    "INSERT INTO articles_search (article_id, document) VALUES (:id, "
    "setweight(to_tsvector('newsloom_simple', :title), 'A') || "
    "setweight(to_tsvector('newsloom_simple', :lead), 'B') || "
    "setweight(to_tsvector('newsloom_simple', :body), 'D')) "
    "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document"
)
_PG_ANY_MATCH = (
    "SELECT EXISTS (SELECT 1 FROM articles_search WHERE document @@ plainto_tsquery('newsloom_simple'::regconfig, %s))"
)
_PG_SEARCH = sa.table("articles_search", sa.column("article_id"), sa.column("document"))
_PG_QUERY = sa.func.plainto_tsquery(sa.literal_column("'newsloom_simple'::regconfig"), sa.bindparam("q"))
_PG_MATCHES = _PG_SEARCH.c.document.op("@@")(_PG_QUERY)
# D, C, B, A: body 1, lead 4, title 10 (scaled to ts_rank's 0..1 weights); negated so that lower is better.
_PG_RANK = -sa.func.ts_rank_cd(sa.literal_column("'{0.1, 0.0, 0.4, 1.0}'::float4[]"), _PG_SEARCH.c.document, _PG_QUERY)


def _pg_snippet(article_id: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The body's best passage of the page's article (``articles`` is joined to the page by ``article_id``)."""
    return sa.func.ts_headline(
        sa.literal_column("'newsloom_simple'::regconfig"),
        schema.articles.c.body,
        _PG_QUERY,
        'StartSel=\x02, StopSel=\x03, MaxWords=24, MinWords=10, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "',
    )


_POSTGRES = _Flavour(
    "postgresql",
    _PG_SEARCH,
    _PG_SEARCH.c.article_id,
    _PG_MATCHES,
    _PG_RANK,
    _pg_snippet,
    walk_bounded=False,
    walk_counts=False,
    ranks_window=True,
)


def search_index_for(
    dialect_name: str,
    version: Callable[[], object] | None = None,
    reader: Callable[[str, tuple[Any, ...]], tuple[Any, ...] | None] | None = None,
) -> SearchIndex:
    """The dialect's index; ``version`` is the store's change token, for work an index may reuse until it moves;
    ``reader`` a plain connection's one-row read (``store.row_readers``), for questions cheaper asked without the
    pool."""
    if dialect_name == "sqlite":
        return Fts5SearchIndex(version, reader)
    if dialect_name == "postgresql":
        return PostgresSearchIndex(reader)
    return LikeSearchIndex()
