"""Creating engines and migrating the schema.

SQLite connections get WAL journaling, foreign keys and a busy timeout (the portal reads while the crawler
writes); these pragmas are the one dialect-specific step outside the search adapter.

On a server database every statement is a round trip, and a read in a transaction was four: the pool's liveness
check, BEGIN, the query, ROLLBACK. A stored article page's first render is one read, and its related lists a few
more, so on PostgreSQL those reads go through ``reading(engine)`` (no transaction: BEGIN and ROLLBACK are not sent)
and a pooled connection is checked only after it sat unused for ``IDLE_CHECK_SECONDS``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from newsloom.errors import ConfigError
from newsloom.store.files import private_file

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite:///"):
        database_path = Path(url.removeprefix("sqlite:///"))
        if str(database_path) != ":memory:":
            private_file(database_path)  # 0600 in a 0700 directory: it holds password hashes
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    try:
        engine = sa.create_engine(url)
    except ImportError as error:  # the driver is an extra: say which, without the URL's password
        scheme = url.split(":", 1)[0]
        raise ConfigError(
            f"the database driver for {scheme} is not installed ({error.name}): pip install 'newsloom[postgres]'"
        ) from error
    _check_after_idle(engine)
    return engine


IDLE_CHECK_SECONDS = 10.0


def _check_after_idle(engine: sa.Engine) -> None:
    """``pool_pre_ping``'s check, for connections unused for ``IDLE_CHECK_SECONDS`` only: one that fails it (the
    server restarted, a proxy dropped it) is replaced before anyone uses it. A busy portal reuses its connections
    within milliseconds, and checking each on every use was a round trip per read. A connection broken while in
    use raises once, and the pool then replaces every connection older than the break (SQLAlchemy invalidates
    the pool on a disconnect)."""

    @sa.event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["newsloom.returned_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("newsloom.returned_at")
        if returned is None or time.monotonic() - returned < IDLE_CHECK_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error, whatever the driver
            raise sa.exc.DisconnectionError(f"pooled connection failed its check: {error}") from error


def reading(engine: sa.Engine) -> sa.Engine:
    """``engine`` for reads that need no transaction around them: on a server database each statement is its own
    (``AUTOCOMMIT``), so no BEGIN and ROLLBACK travel around it; SQLite's transactions cost no round trip, so it
    is ``engine`` itself. Never for writes: ``begin()`` on it would not make them one transaction."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
