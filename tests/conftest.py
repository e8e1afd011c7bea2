"""Shared fixtures: a real SQLite store in a temporary directory, sample pages, Chromium and PostgreSQL started
once a session, and the markers that sort the suite into the fast check and the rest.

Markers (registered in pyproject.toml): ``browser`` drives Chromium, ``services`` starts a server of its own
(PostgreSQL, Redis, the portal as a process, a Java checker), ``slow`` takes seconds (real ``newsloom`` processes,
corpus imports). A test that takes the ``browser`` fixture, or a PostgreSQL one, is marked by that alone (see
``pytest_collection_modifyitems``), so new tests land on the right side without remembering to.
``make check`` runs ``-m "not browser and not services and not slow"``; ``make test`` runs everything.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import shutil
import sqlite3
from asyncio import events as asyncio_events
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlalchemy as sa

from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.store.files import private_dir
from tests.postgres import PostgresCluster, postgres_cluster
from tests.support.browser import ARGS, CHROMIUM
from tests.support.pages import CORPORA, SHARED, article_html, corpus
from tests.support.schedule import CACHE_KEY, costliest_first, merged
from tests.support.web import LiveServer, free_port

# Importable from here as they always were.
__all__ = ["CORPORA", "SHARED", "LiveServer", "article_html", "corpus", "free_port"]

# Tests reach no host outside the machine: an imported page's robots.txt, outlet logo or pictures on its own host
# fail at once (no such name), and the fetcher then waits out the host's spacing (``crawl_min_delay``, 1 s) and the
# retry backoff (1 s, doubling) between attempts that fail the same way: seconds per import, minutes per suite.
# Both shrunk for the session and for the processes tests start (they inherit the environment); tests about
# spacing or backoff set their own values.
os.environ.setdefault("NEWSLOOM_CRAWL_MIN_DELAY", "0")
os.environ.setdefault("NEWSLOOM_FETCH_BACKOFF_SECONDS", "0.01")
# The same lookups, made many at once (a batch's pictures on fifty CDNs), lose answers on some resolvers (a
# sandbox's forwarder drops the parallel A and AAAA queries) and each waits out glibc's 5-second timeout, twice.
# One second, one attempt and no AAAA query: a name that does not resolve fails in milliseconds (glibc reads
# RES_OPTIONS at its first lookup, after this).
os.environ.setdefault("RES_OPTIONS", "timeout:1 attempts:1 no-aaaa")

BROWSER_FIXTURES = {"browser"}
SERVICE_FIXTURES = {"pg_cluster", "pg_database", "cluster", "pg_url", "redis_server"}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    for item in items:  # before ``-m`` deselects by marker
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if names & SERVICE_FIXTURES and item.get_closest_marker("services") is None:
            item.add_marker(pytest.mark.services)
    yield
    recorded = getattr(config, "workerinput", {}).get(_RECORDED)
    if recorded is not None:  # an xdist worker under --dist loadfile, after ``-m`` and ``-k``: costliest files first
        items[:] = costliest_first(items, recorded)


# Ordering the files for xdist (tests/support/schedule.py): the controlling process reads the recorded costs once
# and hands the same figures to every worker (whose collections must come out in one order), keeps xdist from
# re-sorting the files by their number of tests, and records this run's figures at the end.
_RECORDED = "newsloom_test_seconds"
_RECORDED_KEY = pytest.StashKey[dict[str, float]]()
_timed: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    if _loadfile(config):
        config.option.loadscopereorder = False


def _loadfile(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") == "loadfile"


def _recorded(config: pytest.Config) -> dict[str, float]:
    cache = getattr(config, "cache", None)
    value = cache.get(CACHE_KEY, {}) if cache is not None else {}
    return {str(k): float(v) for k, v in value.items()} if isinstance(value, dict) else {}


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's, in the controlling process
def pytest_configure_node(node: Any) -> None:
    if _loadfile(node.config):  # read once: every worker must get the same figures, whatever writes the cache
        node.workerinput[_RECORDED] = node.config.stash.setdefault(_RECORDED_KEY, _recorded(node.config))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _timed[report.nodeid] = _timed.get(report.nodeid, 0.0) + report.duration  # setup, call and teardown


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    cache = getattr(session.config, "cache", None)
    if hasattr(session.config, "workerinput") or cache is None or not _timed:
        return  # a worker's own figures reach the controlling process as reports
    if exitstatus != pytest.ExitCode.INTERRUPTED:
        cache.set(CACHE_KEY, merged(_recorded(session.config), _timed))


def floor(stage: str, name: str) -> float:
    """A score floor from bench/floors.json, the one file the tests and the benches read."""
    spec = importlib.util.spec_from_file_location("floors", Path(__file__).resolve().parents[1] / "bench" / "floors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    value: float = module.floor(stage, name)
    return value


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes() -> Iterator[None]:
    """Accounts' passwords hashed with argon2 at its lightest (one pass over 1 MiB) in this process: the portal's
    own cost (three passes over 64 MiB, four lanes) is a fifth of a second of CPU per login or account, about a tenth
    of the web tests' time, and no test is about the cost. Hashing, verifying and refusing are argon2's as ever (a
    hash carries its parameters); portals started as processes keep the real cost."""
    from argon2 import PasswordHasher

    from newsloom.store import users

    with mock.patch.object(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)):
        yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store file migrated to the newest schema once a session. Running the migrations is most of what
    opening a new store costs (alembic reads every revision); ``store`` starts from a copy of this file instead."""
    data = tmp_path_factory.mktemp("migrated") / "data"
    template = open_store(Settings(data_dir=data))
    assert template.is_current()
    template.close()  # the last connection closed: the WAL is folded into the file
    path = data / "newsloom.db"
    assert not path.with_name("newsloom.db-wal").exists()
    return path


@pytest.fixture(scope="session", autouse=True)
def _new_sqlite_stores_from_the_template(migrated_sqlite: Path) -> Iterator[None]:
    """A new, empty SQLite store that this process migrates to the newest schema (``newsloom import`` into a new
    data directory through the CLI runner, ``open_store`` in a test) is given a copy of ``migrated_sqlite``
    instead: the same file the same migrations made, a tenth of a second sooner, hundreds of times a suite.
    Anything else (a store at an older revision, another revision asked for, PostgreSQL, a file that cannot be
    written) migrates as ever, and so does every ``newsloom`` process a test starts."""
    from newsloom.store import sql

    real = sql.migrate

    def migrate(engine: sa.Engine, revision: str = "head") -> None:
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        if revision == "head" and path and path != ":memory:" and _empty_sqlite(Path(path)):
            engine.dispose()  # no connection left open on the empty file, so no WAL of its own either
            try:
                shutil.copyfile(migrated_sqlite, path)
                return
            except OSError:
                pass
        real(engine, revision)

    with mock.patch.object(sql, "migrate", migrate):
        yield


def _empty_sqlite(path: Path) -> bool:
    """No tables yet (a file not written to, or only SQLite's header), and no write-ahead log of its own."""
    if path.with_name(path.name + "-wal").exists():
        return False
    try:
        if path.stat().st_size == 0:
            return True
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            tables: int = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return tables == 0
    except (OSError, sqlite3.Error):
        return False


@pytest.fixture
def store(settings: Settings, migrated_sqlite: Path) -> Iterator[SQLStore]:
    """A real SQLite store at ``settings.data_dir``, empty and at the newest schema (a copy of ``migrated_sqlite``);
    with a ``database_url`` set, that database, migrated."""
    target = settings.data_dir / "newsloom.db"
    if settings.database_url is None and not target.exists():
        private_dir(settings.data_dir)
        shutil.copyfile(migrated_sqlite, target)
        opened = open_store(settings, migrate_schema=False)
    else:
        opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def sample_page(tmp_path: Path) -> Path:
    path = tmp_path / "pages" / "storm.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_html(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory holding a tiny vi→en translation model built here (random weights, SentencePiece trained
    on a few lines; about half a second), in an Argos package's layout."""
    from tests.enrich.translate.helpers import tiny_model_dir

    root = tmp_path_factory.mktemp("models")
    tiny_model_dir(root)
    return root


class _PlaywrightLoop:
    """Playwright's sync API keeps its event loop marked as running in this thread between calls (its dispatcher
    runs the loop; test code runs inside it). A browser kept for the session would leave that mark on every later
    test, and ``asyncio.run`` refuses to start under it. So the mark is lifted after each browser test and put back
    before the next one (and before the browser closes)."""

    loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def lift(cls) -> None:
        cls.loop = asyncio_events._get_running_loop()
        asyncio_events._set_running_loop(None)

    @classmethod
    def restore(cls) -> None:
        if cls.loop is not None:
            asyncio_events._set_running_loop(cls.loop)
            cls.loop = None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium via Playwright, launched once a session; each test's pages are closed after it (see
    ``_browser_pages``). Skips where Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        _PlaywrightLoop.restore()
        instance.close()


@pytest.fixture(autouse=True)
def _browser_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """The contexts (and so pages) a test opens in the shared browser are closed after it: no cookie, route or
    page carries over to the next test. Playwright's loop is marked running only while a browser test runs."""
    if "browser" not in request.fixturenames:
        yield
        return
    for name in request.fixturenames:  # the test's other fixtures first, while no loop is marked: they may asyncio.run
        if name not in ("browser", "_browser_pages", "request"):
            request.getfixturevalue(name)
    _PlaywrightLoop.restore()
    instance = request.getfixturevalue("browser")
    before = set(instance.contexts)
    try:
        yield
    finally:
        _PlaywrightLoop.restore()
        for context in instance.contexts:
            if context not in before:
                context.close()
        _PlaywrightLoop.lift()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster on loopback for the session; tests get databases of their own on it
    (``pg_database``). Skips where PostgreSQL is not installed."""
    with postgres_cluster() as found:
        if found is None:
            pytest.skip("PostgreSQL is not installed (scripts/test-services.sh installs it)")
        yield found


_databases = itertools.count()


@pytest.fixture
def pg_database(pg_cluster: PostgresCluster) -> Callable[[], str]:
    """Makes a new empty database on the session's cluster and returns its URL, as often as called."""

    def create() -> str:
        name = f"db{os.getpid()}_{next(_databases)}"
        admin = sa.create_engine(pg_cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return pg_cluster.url.rsplit("/", 1)[0] + "/" + name

    return create
