"""Bulk loading: many articles in one transaction, each stored as ``SQLStore.upsert_article`` stores it.

Why: one by one, an article costs a commit and about a dozen statements (its lookup, outlet, section, row, tag and
author links, search entry, health count); a store of a million articles built that way takes hours. Here the
articles not yet stored go in with one statement per table for the whole batch (executemany, ids returned in
order), outlets and sections are resolved once per batch, and the extraction-health counts are summed per outlet
and day. Articles already stored (same canonical URL, or twice in the batch) take ``SQLStore.upsert_in`` inside
the same transaction, after the new ones, so updates keep their exact rules.

The rows written are the rows ``upsert_article`` writes (``tests/store/test_bulk.py`` compares them); raw HTML
is not taken: a bulk load has no fetched page to keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from newsloom.domains import registrable_domain
from newsloom.model import Article
from newsloom.store import schema
from newsloom.store.base import UpsertOutcome, UpsertResult
from newsloom.store.health import record_extractions
from newsloom.store.search import SearchEntry
from newsloom.urls import canonicalize_url

if TYPE_CHECKING:
    from newsloom.store.sql import SQLStore


def upsert_articles(store: SQLStore, articles: Sequence[Article]) -> list[UpsertResult]:
    """Store ``articles`` in one transaction; results in the order given."""
    from newsloom.store.sql import content_hash, utcnow

    if not articles:
        return []
    for article in articles:
        article.canonical_url = canonicalize_url(article.canonical_url or article.url)
    now = utcnow()
    table = schema.articles
    results: list[UpsertResult | None] = [None] * len(articles)
    with store.engine.begin() as conn:
        stored = set(
            conn.execute(
                sa.select(table.c.canonical_url).where(table.c.canonical_url.in_({a.canonical_url for a in articles}))
            ).scalars()
        )
        fresh: list[int] = []
        later: list[int] = []
        for index, article in enumerate(articles):
            if article.canonical_url in stored:
                later.append(index)
            else:
                stored.add(article.canonical_url)
                fresh.append(index)
        outlets: dict[tuple[Any, ...], int | None] = {}
        sections: dict[str | None, str | None] = {}
        rows = []
        for index in fresh:
            article = articles[index]
            key = _outlet_key(article)
            if key not in outlets:
                outlets[key] = store._outlet_for(conn, article, now)
            if article.section not in sections:
                sections[article.section] = store._section_for(conn, article.section)
            listed_by, source_id = article.source_id, outlets[key]
            values = store._row_values(article, content_hash(article), sections[article.section], source_id, now)
            values["carried_by_source_id"] = listed_by if listed_by and listed_by != source_id else None
            values["created_at"] = now
            rows.append(values)
            article.source_id = source_id
        if rows:
            inserted = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
            ids = [int(article_id) for article_id in inserted.scalars()]
            _write_dependents(store, conn, [articles[index] for index in fresh], ids, rows, now)
            for index, article_id in zip(fresh, ids, strict=True):
                results[index] = UpsertResult(UpsertOutcome.NEW, article_id)
        for index in later:
            results[index] = store.upsert_in(conn, articles[index])
    return [result for result in results if result is not None]


def _outlet_key(article: Article) -> tuple[Any, ...]:
    """What ``SQLStore._outlet_for`` decides from (the inputs of ``choose_outlet_name`` among them): articles
    equal in these get the same outlet."""
    is_web = "://" in article.canonical_url and not article.canonical_url.startswith("file:")
    return (
        registrable_domain(article.canonical_url) if is_web else "",
        tuple(article.outlet_evidence),
        article.site_name,
        article.publisher_section,
        tuple(article.breadcrumbs),
        bool(article.outlet_logo),
        article.source_id,
    )


def _write_dependents(
    store: SQLStore, conn: sa.Connection, new: list[Article], ids: list[int], rows: list[dict[str, Any]], now: Any
) -> None:
    """Tag and author links, search entries and health counts of newly inserted articles."""
    from newsloom.store.sql import author_rows, tag_rows

    tags: list[dict[str, Any]] = []
    authors: list[dict[str, Any]] = []
    entries = []
    for article, article_id, values in zip(new, ids, rows, strict=True):
        article.id = article_id
        tags += tag_rows(article_id, article.tags, article.tag_kinds, values["listed_at"])
        authors += author_rows(article_id, article.authors, values["listed_at"])
        entries.append(SearchEntry(article_id, article.title, article.lead or "", article.body, article.language))
    if tags:
        conn.execute(schema.article_tags.insert(), tags)
    if authors:
        conn.execute(schema.article_authors.insert(), authors)
    store.search_index.index_many(conn, entries)
    record_extractions(
        conn,
        [(a.source_id, a, a.fetched_at or now) for a in new if a.source_id is not None],
    )
