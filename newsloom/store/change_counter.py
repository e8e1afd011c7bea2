"""The store's change counter: one cheap value that differs whenever anything in the database changed.

The portal keeps whole rendered responses in memory and serves them while this value stays the same, so it is read
on every request and must cost microseconds, and it must see writes from other processes too (the crawler, the
admin in another worker, ``newsloom reprocess``). SQLite offers exactly that: ``PRAGMA data_version`` on a
connection that never writes changes whenever any other connection commits. PostgreSQL has its write-ahead log's
position: every commit that changes data moves it, and reading it is a function call, not a scan. Other databases
fall back to a query over the columns every write path touches.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from newsloom.store import schema


class ChangeCounter(Protocol):
    def current(self) -> object:
        """A value that compares unequal to every earlier one once anything was committed."""
        ...

    def close(self) -> None: ...


class SQLiteDataVersion:
    """``PRAGMA data_version`` on a private read-only connection: a read of the open file, no query of the data,
    and it moves with any commit from any process."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def current(self) -> object:
        with self._lock:
            return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class NewestChange:
    """For databases without ``data_version``: newest article change plus the comments' shape, in one query."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        comments = schema.comments
        published = comments.c.status == "published"
        self._query = sa.select(
            sa.select(sa.func.max(schema.articles.c.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(schema.stories.c.updated_at)).scalar_subquery(),
            sa.select(sa.func.count()).where(published).scalar_subquery(),
            sa.select(sa.func.max(comments.c.id)).scalar_subquery(),
        )

    def current(self) -> object:
        with self._engine.connect() as conn:
            return tuple(conn.execute(self._query).one())

    def close(self) -> None:
        return None


class PostgresWalPosition:
    """The WAL insert position (the replay position on a standby): moves with every commit that changes data.

    It also moves for writes that change no rows readers see (a checkpoint, autovacuum, another database of the
    cluster), which only costs a cache a re-render, never a stale page. The query it replaces (``NewestChange``)
    counted the published comments and took three maxima on every page request.
    """

    _QUERY = sa.text(
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text"
    )

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def current(self) -> object:
        with self._engine.connect() as conn:
            return conn.execute(self._QUERY).scalar()

    def close(self) -> None:
        return None


def change_counter_for(engine: sa.Engine) -> ChangeCounter:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and Path(database).exists():
        return SQLiteDataVersion(Path(database))
    if engine.dialect.name == "postgresql":
        return PostgresWalPosition(engine)
    return NewestChange(engine)
