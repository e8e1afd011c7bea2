"""A search page in one statement (two when the filters send it walking): the same results, ranks, snippets and
counts as a straightforward reading of the contract (every match fetched, then ranked, filtered and paged in
Python), on SQLite and on PostgreSQL, for a seeded set of queries and filters over a generated store."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsloom.model import Block, BlockKind
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store, schema
from newsloom.store.bulk import upsert_articles
from newsloom.store.search import Fts5SearchIndex, PostgresSearchIndex, SearchFilters, query_terms
from tests.support.articles import make_article

# Common words (in most articles), rarer ones, and Vietnamese ones whose queries come with and without diacritics.
WORDS = ["the", "the", "the", "storm", "flood", "market", "court", "police", "river", "bão", "lũ", "Hà", "Nội"]
QUERIES = ["the", "storm", "flood market", "court", "police river", "bao", "bão", "lu lut", "ha noi", "Hà Nội",
           "the storm", "river the", "nowhere", "storm 7", "12"]  # fmt: skip
SECTIONS = ["World", "Sport", "Thế giới"]
LANGUAGES = ["en", "en-US", "vi", "de", None]
# Small bounds, so that a store of a few hundred articles crosses every one of them: ranking window, candidates,
# the walk and its chunks.
BOUNDS = {"RANKED_MATCHES": 30, "CANDIDATE_FACTOR": 2, "WALK_CHUNK": 8, "MAX_WALKED": 60}
ARTICLES = 240
START = datetime(2025, 3, 1, tzinfo=UTC)


def fill(store: SQLStore) -> list[int]:
    """``ARTICLES`` seeded articles, a few of them hidden; returns the stored outlets' ids."""
    rng = random.Random(5)
    articles = []
    for number in range(1, ARTICLES + 1):
        words = lambda count: " ".join(rng.choice(WORDS) for _ in range(count))  # noqa: E731
        articles.append(
            make_article(
                number,
                title=f"{words(3)} {number}".capitalize(),
                lead=words(6),
                blocks=[Block(BlockKind.PARAGRAPH, text=f"{words(12)}. {words(20)} {number % 13}.")],
                language=rng.choice(LANGUAGES),
                section=rng.choice(SECTIONS),
                site_name=f"Outlet {number % 4}",
                published=START + timedelta(hours=number * 3),
            )
        )
    results = upsert_articles(store, articles)
    for result in results[::17]:
        store.set_hidden(result.article_id, True)
    with store.engine.connect() as conn:
        return sorted({i for i in conn.execute(sa.select(schema.articles.c.source_id)).scalars() if i is not None})


@dataclass(frozen=True)
class Case:
    query: str
    offset: int
    filters: SearchFilters


def cases(sources: list[int]) -> list[Case]:
    rng = random.Random(9)
    choices: list[Callable[[], SearchFilters]] = [
        lambda: SearchFilters(),
        lambda: SearchFilters(edition="en"),
        lambda: SearchFilters(edition="vi"),
        lambda: SearchFilters(section=rng.choice(["world", "sport", "the-gioi"])),
        lambda: SearchFilters(section="sport", edition="en"),
        lambda: SearchFilters(language=rng.choice(["en", "de", "vi"])),
        lambda: SearchFilters(source_id=rng.choice(sources)),
        lambda: SearchFilters(since=START + timedelta(days=rng.randrange(30))),
        lambda: SearchFilters(until=START + timedelta(days=rng.randrange(30)), edition="en"),
    ]
    return [
        Case(rng.choice(QUERIES), rng.choice([0, 0, 0, 5, 10, 25, 30, 40]), rng.choice(choices)()) for _ in range(220)
    ]


def reference(conn: sa.Connection, case: Case, limit: int, walk_bound: int | None) -> tuple[list[Any], int]:
    """The contract read plainly: every match with its rank (one query, any order), the filters as a set of ids,
    then ranking, filtering, walking and counting in Python. ``walk_bound``: how many of the newest matches a
    filtered walk reads (None: all of them, as PostgreSQL does)."""
    terms = query_terms(case.query)
    if conn.dialect.name == "sqlite":
        match = " ".join(f'"{term}"' for term in terms)
        found = conn.execute(
            sa.text("SELECT rowid, bm25(articles_fts, 10.0, 4.0, 1.0) FROM articles_fts WHERE articles_fts MATCH :m"),
            {"m": match},
        ).all()
        snippet = sa.text(
            "SELECT snippet(articles_fts, 2, '\x02', '\x03', ' … ', 24) FROM articles_fts "
            "WHERE articles_fts MATCH :m AND rowid = :id"
        )
        params: dict[str, Any] = {"m": match}
    else:
        tsquery = "plainto_tsquery('newsloom_simple'::regconfig, :m)"
        found = conn.execute(
            sa.text(
                f"SELECT article_id, -ts_rank_cd('{{0.1, 0.0, 0.4, 1.0}}'::float4[], document, {tsquery}) "
                f"FROM articles_search WHERE document @@ {tsquery}"
            ),
            {"m": " ".join(terms)},
        ).all()
        snippet = sa.text(
            f"SELECT ts_headline('newsloom_simple'::regconfig, body, {tsquery}, 'StartSel=\x02, StopSel=\x03, "
            'MaxWords=24, MinWords=10, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "\') '
            "FROM articles WHERE id = :id"
        )
        params = {"m": " ".join(terms)}
    passing = set(conn.execute(sa.select(schema.articles.c.id).where(*case.filters.conditions())).scalars())
    window, factor = BOUNDS["RANKED_MATCHES"], BOUNDS["CANDIDATE_FACTOR"]
    newest_first = sorted(((int(i), float(r)) for i, r in found), key=lambda m: -m[0])
    best_first: Callable[[tuple[int, float]], tuple[float, int]] = lambda m: (m[1], -m[0])  # noqa: E731
    wanted = case.offset + limit
    candidates = sorted(newest_first[:window], key=best_first)[: min(wanted * factor, window)]
    kept = [m for m in candidates if m[0] in passing]
    walked = [m for m in newest_first[:walk_bound] if m[0] in passing][:window]
    if len(kept) >= wanted or len(candidates) < min(wanted * factor, window):
        page = kept[case.offset : wanted]
    else:
        page = sorted(walked, key=best_first)[case.offset : wanted]
    rows = [(i, r, conn.execute(snippet, {**params, "id": i}).scalar() or "") for i, r in page]
    if len(rows) < limit and (rows or case.offset == 0):
        return rows, case.offset + len(rows)
    walks = case.filters.walks and walk_bound is not None
    counted = len(walked) if walks else min(window, sum(1 for m in newest_first if m[0] in passing))
    return rows, max(counted, case.offset + len(rows)) if rows else counted


@pytest.fixture
def bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    for index in (Fts5SearchIndex, PostgresSearchIndex):
        for name, value in BOUNDS.items():
            monkeypatch.setattr(index, name, value, raising=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    if request.param == "sqlite":
        yield request.getfixturevalue("store")
        return
    url = request.getfixturevalue("pg_database")()
    opened = open_store(Settings(data_dir=tmp_path / "pg-data", database_url=url))
    yield opened
    opened.close()


def statements(store: SQLStore) -> list[str]:
    """Every statement the store's engine runs from now on."""
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@pytest.mark.usefixtures("bounded")
def test_pages_are_what_the_contract_read_plainly_gives(any_store: SQLStore) -> None:
    sources = fill(any_store)
    chunk = BOUNDS["WALK_CHUNK"]  # SQLite walks whole chunks: 64 matches for a bound of 60
    walk_bound = -(-BOUNDS["MAX_WALKED"] // chunk) * chunk if any_store.engine.dialect.name == "sqlite" else None
    checked = {"hits": 0, "walked": 0, "counted": 0, "past the end": 0}
    if any_store.engine.dialect.name == "sqlite":
        checked |= {"sorted": 0, "newest first": 0}
    ran = statements(any_store)
    for case in cases(sources):
        f = case.filters
        arguments = {"section": f.section, "source_id": f.source_id, "language": f.language, "since": f.since,
                     "until": f.until, "edition": f.edition}  # fmt: skip
        ran.clear()
        hits, total = any_store.search_page(case.query, limit=10, offset=case.offset, **arguments)
        used = len(ran)
        assert used <= 2, case  # the page, its articles, snippets and count: one statement, two when walking
        with any_store.engine.connect() as conn:
            expected, expected_total = reference(conn, case, 10, walk_bound)
        assert [(h.article.id, h.rank, h.snippet) for h in hits] == expected, case
        assert total == expected_total, case
        assert all(h.article.title and h.article.body == "" for h in hits)  # a summary: no body
        checked["hits"] += bool(hits)
        checked["walked"] += used == 2
        checked["counted"] += len(hits) == 10
        checked["past the end"] += not hits and total > 0
        if (
            any_store.engine.dialect.name == "sqlite"
        ):  # the matches counted first: few are sorted, many read newest first
            checked["sorted"] += any("rowid + 0) DESC\n LIMIT ? OFFSET ?) AS newest" in statement for statement in ran)
            checked["newest first"] += any("rowid DESC\n LIMIT ? OFFSET ?) AS newest" in statement for statement in ran)
    assert all(checked.values()), checked  # every path was taken
    assert [h.article.id for h in any_store.search("storm", limit=7, offset=3)] == [
        h.article.id for h in any_store.search_page("storm", limit=7, offset=3)[0]
    ]


@pytest.mark.usefixtures("bounded")
def test_counts_stop_at_the_ranking_bound(any_store: SQLStore) -> None:
    """A word in nearly every article: the pages hold the newest ``RANKED_MATCHES`` (30) matches, and the count
    says 30 however many more match; a filtered count stops there too."""
    fill(any_store)
    visible = ARTICLES - len(range(0, ARTICLES, 17))
    with any_store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar_one() == ARTICLES
    hits, total = any_store.search_page("the", limit=10)
    assert len(hits) == 10 and total == BOUNDS["RANKED_MATCHES"] < visible
    assert any_store.search_count("the") == total
    assert any_store.search_page("the", limit=10, offset=20)[1] == total
    assert any_store.search_page("the", limit=10, section="world")[1] <= BOUNDS["RANKED_MATCHES"]


def test_one_statement_whatever_the_number_of_results(any_store: SQLStore) -> None:
    """No statement per result: a page of 20 costs what a page of 1 does (snippets and summaries come with it). A
    search that finds nothing runs no statement through the engine: whether any article holds its words is asked
    first on a plain connection of the store's own."""
    store = any_store
    for number in range(1, 31):
        store.upsert_article(make_article(number, title=f"Harbour report {number}" if number > 1 else "Rare report"))
    ran = statements(store)
    for query, size, used in (("rare", 1, 1), ("harbour", 20, 1), ("nothing", 0, 0), ("harbour nothing", 0, 0)):
        ran.clear()
        hits, total = store.search_page(query, limit=20)
        assert (len(hits), len(ran)) == (size, used), query
    assert total == 0 and store.search_page("harbour", limit=20)[1] == 29


def test_a_search_that_finds_nothing_is_answered_as_the_statement_answers_it(any_store: SQLStore) -> None:
    """Nothing found is an empty page and a count of 0 whatever the filters and the page: the same answer as the
    page's statement gives when no plain connection asks first (an in-memory store has none)."""
    store = any_store
    fill(store)
    index = store.search_index
    assert isinstance(index, (Fts5SearchIndex, PostgresSearchIndex)) and index.reader is not None
    asked = [
        (query, offset, filters)
        for query in ("nowhere", "storm nowhere", "12 13", "_", "storm", "flood market")
        for offset in (0, 10, 400)
        for filters in ({}, {"section": "world"}, {"edition": "en"}, {"language": "vi", "section": "sport"})
    ]
    ran = statements(store)
    fast, skipped = [], 0
    for query, offset, filters in asked:
        ran.clear()
        fast.append(store.search_page(query, limit=10, offset=offset, **filters))
        skipped += not ran
        assert bool(ran) == (index.matches(query) != 0), query
    assert skipped == 4 * 3 * 4  # "nowhere", "storm nowhere", "12 13", "_"
    index.reader = None
    plain = [store.search_page(query, limit=10, offset=offset, **filters) for query, offset, filters in asked]
    assert [([h.article.id for h in hits], total) for hits, total in fast] == [
        ([h.article.id for h in hits], total) for hits, total in plain
    ]
    assert any(hits for hits, _ in fast) and any(not hits for hits, _ in fast)
