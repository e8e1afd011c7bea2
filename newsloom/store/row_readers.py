"""Connections of the store's own, outside the engine's pool, for the one-row reads a first render makes.

Through the pool and SQLAlchemy (checkout, events, execution context, the rollback on return) such a read cost
several times the statement: on SQLite 117 against 30 µs a row on the bench store; on PostgreSQL 313 against
142 µs of CPU (456 against 276 µs of wall time). A reader reads only, and closes its connections with the engine
(``dispose``, which ``SQLStore.close`` calls): on SQLite one connection per thread, on PostgreSQL a few shared.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa


class SQLiteReader:
    """Read-only connections to an SQLite store file, one per thread, opened on first use. Each statement sees
    the newest commit, as a pooled connection's would."""

    def __init__(self, path: Path) -> None:
        self._uri = path.resolve().as_uri() + "?mode=ro"
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @classmethod
    def of(cls, engine: sa.Engine) -> SQLiteReader | None:
        """A reader for an SQLite file store; None for any other (PostgreSQL, an in-memory database)."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:" or not Path(database).exists():
            return None
        reader = cls(Path(database))
        sa.event.listen(engine, "engine_disposed", lambda _engine: reader.close())
        return reader

    def first(self, statement: str, parameters: tuple[Any, ...]) -> tuple[Any, ...] | None:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._uri, uri=True, timeout=30, check_same_thread=False)
            with self._lock:
                self._opened.append(connection)
            self._local.connection = connection
        row: tuple[Any, ...] | None = connection.execute(statement, parameters).fetchone()
        return row

    def close(self) -> None:
        with self._lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()


class PostgresReader:
    """psycopg connections to a PostgreSQL store, made as the engine makes its own, outside any transaction
    (autocommit: no BEGIN and ROLLBACK around a read), each statement prepared on its first use. A few, shared by
    the process's threads (each a server process: one per thread would be forty for a worker's thread pool), taken
    for one read and given back. A connection the server dropped (a restart) is replaced once before a read fails.
    """

    MAX_CONNECTIONS = 4

    def __init__(self, engine: sa.Engine) -> None:
        self._arguments = engine.dialect.create_connect_args(engine.url)
        self._opened: list[Any] = []
        self._idle: list[Any] = []
        self._available = threading.Condition()

    def _open(self) -> Any:
        import psycopg  # the PostgreSQL extra's driver: only imported for a PostgreSQL store

        arguments, options = self._arguments
        return psycopg.connect(*arguments, **{**options, "autocommit": True, "prepare_threshold": 0})

    def _take(self) -> Any:
        with self._available:
            while not self._idle and len(self._opened) >= self.MAX_CONNECTIONS:
                self._available.wait()
            if self._idle:
                return self._idle.pop()
            connection = self._open()
            self._opened.append(connection)
            return connection

    def _give_back(self, connection: Any, broken: bool = False) -> None:
        with self._available:
            if broken or connection not in self._opened:  # broken, or the reader was closed meanwhile
                if connection in self._opened:
                    self._opened.remove(connection)
                connection.close()
            else:
                self._idle.append(connection)
            self._available.notify()

    def first(self, statement: str, parameters: tuple[Any, ...]) -> tuple[Any, ...] | None:
        import psycopg

        for attempt in (1, 2):
            connection = self._take()
            try:
                row: tuple[Any, ...] | None = connection.execute(statement, parameters).fetchone()
            except psycopg.OperationalError:
                self._give_back(connection, broken=True)
                if attempt == 2:
                    raise
                continue
            except BaseException:
                self._give_back(connection)
                raise
            self._give_back(connection)
            return row
        return None  # not reached: the second failure raises

    def close(self) -> None:
        with self._available:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
            self._idle.clear()

    @classmethod
    def of(cls, engine: sa.Engine) -> PostgresReader | None:
        """A reader for a PostgreSQL store through psycopg (3); None for any other driver or database."""
        if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
            return None
        reader = cls(engine)
        sa.event.listen(engine, "engine_disposed", lambda _engine: reader.close())
        return reader


_READERS: weakref.WeakKeyDictionary[sa.Engine, SQLiteReader | PostgresReader | None] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


def row_reader(engine: sa.Engine) -> SQLiteReader | PostgresReader | None:
    """The store's reader for one-row reads, one per engine (its stored pages and its search share it, and so
    its connections), or None where the engine's own connections are the only way."""
    with _READERS_LOCK:
        if engine not in _READERS:
            _READERS[engine] = SQLiteReader.of(engine) or PostgresReader.of(engine)
        return _READERS[engine]
