"""Search pages shared by worker processes: a page one worker rendered is served by another while the store is
unchanged, and never after a commit; administrators always get a fresh rendering."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.store.change_counter import PostgresSnapshot
from newsloom.web import create_app
from newsloom.web.search_share import FILE_NAME, shared_token
from newsloom.web.security import SESSION_COOKIE
from tests.support.articles import make_article
from tests.support.web import AppServer


def searches(store: SQLStore) -> list[str]:
    """The searches this store runs from now on: the queries its ``search_matches`` is asked, which the search page
    asks first of every search it runs (one that finds nothing then runs no statement, see
    tests/store/test_search.py)."""
    seen: list[str] = []
    search_matches = store.search_matches

    def recorded(query: str) -> int | None:
        seen.append(query)
        return search_matches(query)

    store.search_matches = recorded  # type: ignore[method-assign]
    return seen


@contextmanager
def two_workers(settings: Settings, store: SQLStore) -> Iterator[tuple[SQLStore, httpx.Client, httpx.Client]]:
    """A second worker's store (its own engine, its own page cache, the same files) and a client of each worker."""
    other = open_store(settings)
    try:
        with (
            AppServer(create_app(settings, store)) as first,
            AppServer(create_app(settings, other)) as second,
            first.client() as one,
            second.client() as two,
        ):
            yield other, one, two
    finally:
        other.close()


def test_a_page_rendered_by_one_worker_is_served_by_another_until_the_store_changes(
    settings: Settings, store: SQLStore
) -> None:
    for number in range(1, 4):
        store.upsert_article(make_article(number, title=f"Harbour police report {number}"))
    ran_first = searches(store)
    with two_workers(settings, store) as (other, one, two):
        ran_other = searches(other)
        page = one.get("/search", params={"q": "police"})
        assert "3 results for “police”" in page.text and len(ran_first) == 1
        again = two.get("/search", params={"q": "police"})
        assert again.status_code == 200 and again.text == page.text and ran_other == []
        assert again.headers["content-language"] == page.headers["content-language"] == "en"
        vietnamese = two.get("/search", params={"q": "police"}, headers={"Accept-Language": "vi"})
        assert "Harbour police" not in vietnamese.text and len(ran_other) == 1  # another edition: its own page
        store.upsert_article(make_article(4, title="Harbour police report 4"))  # a commit by the first worker
        fresh = two.get("/search", params={"q": "police"}).text
        assert "4 results for “police”" in fresh and len(ran_other) == 2
        assert "4 results for “police”" in one.get("/search", params={"q": "police"}).text
        ran_other.clear()
        admin = two.get("/search", params={"q": "police"}, headers={"Cookie": f"{SESSION_COOKIE}=x"})
        assert admin.status_code == 200 and len(ran_other) == 1
    assert (settings.data_dir / FILE_NAME).is_file()


def test_the_shared_token_moves_with_every_commit_from_any_connection(settings: Settings, store: SQLStore) -> None:
    store.upsert_article(make_article(1))
    other = open_store(settings)
    try:
        before = shared_token(store)
        assert before is not None and shared_token(other) == before  # the same value in every process
        other.search("storm")  # reads change nothing
        assert shared_token(store) == before
        other.upsert_article(make_article(2))
        after = shared_token(store)
        assert after is not None and after != before and shared_token(other) == after
    finally:
        other.close()


def test_nothing_is_shared_without_a_write_ahead_log_index(tmp_path: Path) -> None:
    """With no WAL index to read (every connection closed: SQLite removes it), there is no token, so no sharing."""
    store = open_store(Settings(data_dir=tmp_path / "data"))
    store.upsert_article(make_article(1))
    assert shared_token(store) is not None
    store.close()
    assert not (tmp_path / "data" / "newsloom.db-shm").exists() and shared_token(store) is None


@pytest.mark.services
def test_postgresql_workers_share_pages_under_the_snapshot(pg_database: Callable[[], str], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=pg_database())
    stores = [open_store(settings), open_store(settings)]
    try:
        stores[0].upsert_article(make_article(1, title="Harbour police report"))
        ran = [0, 0]
        for number, store in enumerate(stores):
            sa.event.listen(
                store.engine,
                "before_cursor_execute",
                lambda *args, n=number: ran.__setitem__(n, ran[n] + ("@@" in args[2])),
            )
        with (
            AppServer(create_app(settings, stores[0])) as first,
            AppServer(create_app(settings, stores[1])) as second,
            first.client() as one,
            second.client() as two,
        ):
            page = one.get("/search", params={"q": "police"}).text
            assert "1 result for “police”" in page and ran == [1, 0]
            assert two.get("/search", params={"q": "police"}).text == page and ran == [1, 0]
            stores[0].upsert_article(make_article(2, title="Harbour police report two"))
            time.sleep(PostgresSnapshot.FRESH_FOR)  # another process's write shows within this
            assert "2 results for “police”" in two.get("/search", params={"q": "police"}).text and ran == [1, 1]
    finally:
        for store in stores:
            store.close()


def test_servers_configured_differently_do_not_share(settings: Settings, store: SQLStore) -> None:
    store.upsert_article(make_article(1, title="Harbour police report"))
    renamed = settings.model_copy(update={"site_name": "Other Portal"})
    other = open_store(renamed)
    ran = searches(other)
    try:
        with (
            AppServer(create_app(settings, store)) as first,
            AppServer(create_app(renamed, other)) as second,
            first.client() as one,
            second.client() as two,
        ):
            assert "Other Portal" not in one.get("/search", params={"q": "police"}).text
            assert "Other Portal" in two.get("/search", params={"q": "police"}).text and len(ran) == 1
    finally:
        other.close()


def test_a_search_that_found_nothing_is_not_run_again_by_another_worker(settings: Settings, store: SQLStore) -> None:
    """Shared as "nothing found" (a row of a few bytes) rather than as its page: the other worker puts the same page
    together without searching, in either edition, with or without filters; a commit makes it search again."""
    store.upsert_article(make_article(1, title="Harbour police report"))
    ran_first = searches(store)
    with two_workers(settings, store) as (other, one, two):
        ran_other = searches(other)
        for params, headers in (
            ({"q": "storm 48213"}, {}),
            ({"q": "storm 48213"}, {"Accept-Language": "vi"}),
            ({"q": "police 7", "section": "world", "page": "2"}, {}),
        ):
            page = one.get("/search", params=params, headers=headers)
            assert "No articles match" in page.text or "Không có bài viết nào khớp" in page.text, page.text
            again = two.get("/search", params=params, headers=headers)
            assert again.status_code == 200 and again.text == page.text and ran_other == []
            assert again.headers["content-language"] == page.headers["content-language"]
        assert len(ran_first) == 3
        # A page with results is shared as its page (the other worker runs no search for it either).
        assert one.get("/search", params={"q": "police"}).text == two.get("/search", params={"q": "police"}).text
        assert ran_other == [] and len(ran_first) == 4
        with sqlite3.connect(settings.data_dir / FILE_NAME) as shared:
            sizes = sorted(size for (size,) in shared.execute("SELECT length(body) FROM pages"))
        assert sizes[:3] == [0, 0, 0] and sizes[3] > 2000  # three found nothing, one page of results
        store.upsert_article(make_article(2, title="Storm 48213 hits the harbour"))
        assert "1 result for “storm 48213”" in two.get("/search", params={"q": "storm 48213"}).text
        assert len(ran_other) == 1
