"""One-row readers outside the engine's pool (``store.row_readers``): each connection sees every commit made after
it opened, and all close with the store; SQLite's one per thread, PostgreSQL's a few shared by the threads, outside
any transaction, a connection the server dropped replaced."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from newsloom.settings import Settings
from newsloom.store import open_store
from newsloom.store.article_blocks import BlockStore, StoredBlocks
from newsloom.store.row_readers import PostgresReader, SQLiteReader, row_reader
from tests.support.articles import make_article


def test_each_thread_reads_on_its_own_connection_and_all_close_with_the_store(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    reader = SQLiteReader.of(store.engine)
    assert reader is not None
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(reader.first("SELECT 1", ()))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reader.first("SELECT 2", ()) == (2,) and found == [(1,)] * 3
    opened = list(reader._opened)
    assert len(opened) == 4
    store.close()  # disposes the engine
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")


def test_an_in_memory_store_is_read_through_the_engine() -> None:
    assert SQLiteReader.of(sa.create_engine("sqlite://")) is None
    assert row_reader(sa.create_engine("sqlite://")) is None


@pytest.mark.services
def test_postgres_rows_are_read_outside_a_transaction_again_after_a_drop_and_closed_with_the_store(
    pg_database: Callable[[], str], tmp_path: Path
) -> None:
    store = open_store(Settings(data_dir=tmp_path, database_url=pg_database()))
    article_id = store.upsert_article(make_article(1)).article_id
    blocks = BlockStore(store.engine)
    reader = blocks._reader
    assert isinstance(reader, PostgresReader)
    blocks.write([(article_id, "en|", StoredBlocks("code", blocks.stamp(), "slug", [f"a:{article_id}"], "<p>"))])
    found = blocks.valid(article_id, "en|", "code")
    assert found is not None and (found.slug, found.page) == ("slug", "<p>")
    assert {c.info.transaction_status for c in reader._opened} == {psycopg.pq.TransactionStatus.IDLE}  # none open
    with store.engine.begin() as conn:  # the article changes: a trigger names it, seen by the open connection
        conn.execute(sa.text("UPDATE articles SET title = 'Corrected' WHERE id = :id"), {"id": article_id})
    assert blocks.valid(article_id, "en|", "code") is None
    answers: list[object] = []
    threads = [
        threading.Thread(target=lambda n=n: answers.append(reader.first("SELECT %s::int, pg_sleep(0.05)", (n,))))
        for n in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer[0] for answer in answers) == list(range(12))  # type: ignore[index]
    assert 1 < len(reader._opened) <= PostgresReader.MAX_CONNECTIONS  # shared: a server process each
    (backend,) = reader.first("SELECT pg_backend_pid()", ()) or (None,)
    with store.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    for _ in range(PostgresReader.MAX_CONNECTIONS):  # whichever connection each read takes, all answer
        assert reader.first("SELECT 1", ()) == (1,)
    opened = list(reader._opened)
    assert backend not in {connection.info.backend_pid for connection in opened}  # the dropped one replaced
    store.close()
    assert opened and all(connection.closed for connection in opened)
    with pytest.raises(psycopg.OperationalError):
        opened[0].execute("SELECT 1")
