"""The store's change counter: one cheap value that differs whenever anything in the database changed.

The portal keeps whole rendered responses in memory and serves them while this value stays the same, so it is read
on every request and must cost microseconds, and it must see writes from other processes too (the crawler, the
admin in another worker, ``newsloom reprocess``). SQLite offers exactly that: ``PRAGMA data_version`` on a
connection that never writes changes whenever any other connection commits. PostgreSQL has its current snapshot:
it moves with every commit of a transaction that wrote, and reading it is a function call, not a scan, but a round
trip, so it is read at most every few milliseconds (``PostgresSnapshot``). Other databases fall back to a query
over the columns every write path touches.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from newsloom.store import schema
from newsloom.store.engine import reading


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


class PostgresSnapshot:
    """The current snapshot (``xmin:xmax:`` and the transactions in progress), the same for every session: a
    transaction that writes is given an id, which enters it, and leaves it when that transaction ends, so every
    commit that changed data changes it, and no value comes back once gone.

    Readers' transactions are given no id and move nothing; neither do vacuum, checkpoints or the pruning of pages
    a read does. The write-ahead log's position, read before, moved with all of those: after ``newsloom prerender``
    stored 100,000 pages, autovacuum moved it for minutes, and each move dropped every page the portal kept in
    memory. (ANALYZE is given an id: statistics refreshed after many writes move it, which costs re-renders, never
    a stale page.)

    Reading it is a round trip to the server, and a page served from memory costs less than that round trip: asked
    on every request it held hot pages to a sixth of SQLite's rate (bench/web_bench.py --postgres). So the snapshot
    read is kept for ``FRESH_FOR`` seconds, and forgotten at once when this process commits through the engine:
    this process's own writes (a comment, the admin) show on its next page, and another process's (the crawler,
    another worker) within ``FRESH_FOR``. Pages already leave the server with a minute of ``max-age``.
    """

    FRESH_FOR = 0.02

    _QUERY = sa.text("SELECT pg_current_snapshot()::text")
    _COMMITTED = "newsloom.committed"  # in a pooled connection's info: it committed since it was checked out

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._reads = reading(engine)
        self._snapshot: object = None
        self._read_at = -math.inf
        self._writes = 0  # moves with each of this process's commits, so a read that raced one is not kept
        self._lock = threading.Lock()
        sa.event.listen(engine, "commit", self._committing)
        sa.event.listen(engine.pool, "checkin", self._checked_in)

    def _committing(self, connection: sa.Connection) -> None:
        connection.info[self._COMMITTED] = True
        self._forget()

    def _checked_in(self, _dbapi_connection: object, record: object) -> None:
        """The ``commit`` event comes before the commit is done; a read between the two could keep the snapshot
        from before it. The connection's return to the pool comes after."""
        info = getattr(record, "info", None)
        if info is not None and info.pop(self._COMMITTED, False):
            self._forget()

    def _forget(self) -> None:
        with self._lock:
            self._writes += 1
            self._read_at = -math.inf

    def current(self) -> object:
        started = time.monotonic()
        if started - self._read_at < self.FRESH_FOR:
            return self._snapshot
        writes = self._writes
        with self._reads.connect() as conn:
            snapshot = conn.execute(self._QUERY).scalar()
        with self._lock:
            if writes == self._writes:
                self._snapshot, self._read_at = snapshot, started
        return snapshot

    def close(self) -> None:
        for target, name, listener in (
            (self._engine, "commit", self._committing),
            (self._engine.pool, "checkin", self._checked_in),
        ):
            if sa.event.contains(target, name, listener):
                sa.event.remove(target, name, listener)


def change_counter_for(engine: sa.Engine) -> ChangeCounter:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and Path(database).exists():
        return SQLiteDataVersion(Path(database))
    if engine.dialect.name == "postgresql":
        return PostgresSnapshot(engine)
    return NewestChange(engine)
