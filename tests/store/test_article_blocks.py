"""The stored pages' row read (``store.article_blocks``): on the store's own connections (``store.row_readers``),
which see every commit made after they opened; and the pages as packed."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from newsloom.settings import Settings
from newsloom.store import open_store
from newsloom.store.article_blocks import BlockStore, StoredBlocks
from tests.support.articles import make_article


def test_a_row_written_after_the_reader_opened_is_read_and_goes_stale_at_once(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    article_id = store.upsert_article(make_article(1)).article_id
    blocks = BlockStore(store.engine)
    assert blocks._reader is not None  # an SQLite file: read on the module's own connection
    assert blocks.valid(article_id, "en|", "code") is None  # opens it: nothing stored yet
    blocks.write([(article_id, "en|", StoredBlocks("code", blocks.stamp(), "slug", [f"a:{article_id}"], "<p>"))])
    found = blocks.valid(article_id, "en|", "code")
    assert found is not None and (found.slug, found.page) == ("slug", "<p>")
    assert blocks.valid(article_id, "en|", "other code") is None
    with store.engine.begin() as conn:  # the article changes: a trigger names it
        conn.execute(sa.text("UPDATE articles SET title = 'Corrected' WHERE id = :id"), {"id": article_id})
    assert blocks.valid(article_id, "en|", "code") is None
    store.close()


def test_pages_are_kept_compressed_and_read_back_whole_in_any_thread(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    article_id = store.upsert_article(make_article(1)).article_id
    blocks = BlockStore(store.engine)
    page = "<article><p>Tin mới: Hà Nội đón mưa lớn.</p></article>\n" * 300  # a page of 17 KB, Vietnamese in it
    blocks.write([(article_id, "vi|", StoredBlocks("code", blocks.stamp(), "slug", [f"a:{article_id}"], page))])
    with sqlite3.connect(tmp_path / "newsloom.db") as conn:
        (stored,) = conn.execute("SELECT page FROM article_blocks").fetchone()
    assert isinstance(stored, bytes) and len(stored) < len(page.encode()) / 10
    read: list[str | None] = []

    def read_page() -> None:
        found = blocks.valid(article_id, "vi|", "code")
        read.append(found.page if found else None)

    threads = [threading.Thread(target=read_page) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    read_page()
    assert read == [page] * 5
    store.close()
