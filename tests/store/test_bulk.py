"""Bulk loading writes what one-by-one upserts write (newsloom/store/bulk.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsloom.settings import Settings
from newsloom.store import SQLStore, UpsertOutcome, open_store, schema
from newsloom.store.bulk import upsert_articles
from tests.support.articles import make_article

VOLATILE = {"created_at", "updated_at"}


def batch() -> list[Any]:
    articles = [make_article(number) for number in range(1, 6)]
    articles[1].url = articles[1].canonical_url = "https://other.example.org/b/2"
    articles[1].site_name = "Other Paper"
    articles[2].section, articles[2].tags, articles[2].authors = None, [], []
    articles.append(make_article(3, title="Article three, corrected"))  # twice in one batch: stored, then updated
    return articles


def contents(store: SQLStore) -> dict[str, list[tuple[Any, ...]]]:
    tables = {
        "articles": schema.articles,
        "sources": schema.sources,
        "sections": schema.sections,
        "article_tags": schema.article_tags,
        "article_authors": schema.article_authors,
        "extraction_health": schema.extraction_health,
    }
    found = {}
    with store.engine.connect() as conn:
        for name, table in tables.items():
            columns = [column for column in table.c if column.name not in VOLATILE]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            found[name] = [tuple(row) for row in rows]
    found["search"] = [(hit.article.id, hit.snippet) for hit in store.search("paragraph", limit=50)]
    return found


def assert_same_as_one_by_one(one_by_one: SQLStore, bulk: SQLStore) -> None:
    results = [one_by_one.upsert_article(article) for article in batch()]
    bulk_results = upsert_articles(bulk, batch())
    assert bulk_results == results
    assert [result.outcome for result in bulk_results].count(UpsertOutcome.UPDATED) == 1
    assert contents(bulk) == contents(one_by_one)
    again = [one_by_one.upsert_article(article) for article in batch()]  # 3 is updated twice, the rest unchanged
    assert upsert_articles(bulk, batch()) == again
    assert [result.outcome for result in again].count(UpsertOutcome.UNCHANGED) == 4
    assert contents(bulk) == contents(one_by_one)


def test_bulk_load_writes_the_rows_upserts_write(tmp_path: Path) -> None:
    one_by_one = open_store(Settings(data_dir=tmp_path / "one"))
    bulk = open_store(Settings(data_dir=tmp_path / "bulk"))
    assert_same_as_one_by_one(one_by_one, bulk)
    one_by_one.close()
    bulk.close()


@pytest.fixture
def pg_stores(pg_database: Callable[[], str], tmp_path: Path) -> Iterator[tuple[SQLStore, SQLStore]]:
    """Two stores on two new databases of the session's PostgreSQL cluster."""
    stores = tuple(
        open_store(Settings(data_dir=tmp_path / name, database_url=pg_database())) for name in ("one", "bulk")
    )
    yield stores  # type: ignore[misc]
    for store in stores:
        store.close()


@pytest.mark.services
def test_bulk_load_on_postgresql(pg_stores: tuple[SQLStore, SQLStore]) -> None:
    assert_same_as_one_by_one(*pg_stores)
