"""Real services for the scale-out tests: Redis and PostgreSQL on loopback, a site of real pages, real workers.

Workers are ``newsloom worker`` processes started as an operator would, each in its own process group so a test
can SIGKILL one with its pool children, mid-ingest.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsloom.model import Feed, Source
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store, schema
from newsloom.store.sources import SourceStore
from tests.conftest import CORPORA
from tests.fetch.site import FaultSite, Reply
from tests.postgres import PostgresCluster, postgres_cluster
from tests.redis_server import RedisServer
from tests.support.cli import run_cli

_databases = itertools.count()
_IDENTITY = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+og:url[^>]*>", re.IGNORECASE)
AEB = CORPORA / "article-extraction-benchmark" / "html"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    if server.binary is None:
        pytest.skip("redis-server is not installed (scripts/test-services.sh installs it)")
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as found:
        if found is None:
            pytest.skip("PostgreSQL is not installed (scripts/test-services.sh installs it)")
        yield found


@pytest.fixture
def pg_url(cluster: PostgresCluster) -> str:
    """A new empty database on the module's cluster."""
    name = f"scale{next(_databases)}"
    admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return cluster.url.rsplit("/", 1)[0] + "/" + name


class CorpusSite:
    """Real shared pages served from 127.0.0.1 under ``/a/N.html``, listed by ``/sitemap.xml``."""

    def __init__(self, site: FaultSite, count: int, delay: float = 0.0, copies: int = 0) -> None:
        """``copies`` of the first pages are served again under ``/copy/N.html`` without their canonical link:
        the same text at another URL, as a syndicated copy is, so stories and copies have something to find."""
        if not AEB.exists():
            pytest.skip(f"corpus not available at {AEB}")
        self.site = site
        self.paths: list[str] = []
        pages = [gzip.decompress(path.read_bytes()) for path in sorted(AEB.glob("*.html.gz"))[:count]]
        for number, page in enumerate(pages):
            route = f"/a/{number}.html"
            site.route(route, Reply(200, page, delay=delay))
            self.paths.append(route)
        for number, page in enumerate(pages[:copies]):
            route = f"/copy/{number}.html"
            site.route(route, Reply(200, _IDENTITY.sub(b"", page), delay=delay))
            self.paths.append(route)
        urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in self.paths)
        sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        site.route("/sitemap.xml", Reply(200, sitemap.encode(), content_type="application/xml"))
        site.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))

    def add_source(self, store: SQLStore) -> None:
        SourceStore(store.engine).add_source(
            Source(
                name="Loopback Corpus",
                homepage=self.site.url("/"),
                language="en",
                feeds=[Feed(url=self.site.url("/sitemap.xml"), kind="sitemap")],
            )
        )


@pytest.fixture
def loopback_site() -> Iterator[FaultSite]:
    with FaultSite() as site:
        yield site


def service_env(data_dir: Path, database_url: str | None, broker_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLOOM_")}
    env.update(
        NEWSLOOM_DATA_DIR=str(data_dir),
        NEWSLOOM_ALLOW_NETWORKS="127.0.0.0/8",
        NEWSLOOM_CRAWL_MIN_DELAY="0",
        NEWSLOOM_FETCH_BACKOFF_SECONDS="0.2",
        NEWSLOOM_CRAWL_WORKERS="0",
    )
    if database_url:
        env["NEWSLOOM_DATABASE_URL"] = database_url
    if broker_url:
        env["NEWSLOOM_BROKER_URL"] = broker_url
    env.update(extra)
    return env


def newsloom(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsloom", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def newsloom_here(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A one-shot command (``beat --once``, the embedded ``crawl --once``) in this process through the CLI runner,
    with the settings ``env`` gives a process (the other ``NEWSLOOM_`` variables unset): a process of its own
    would add its start-up, a second or two, and prove nothing more. Workers stay real processes."""
    ours = {name: value for name, value in env.items() if name.startswith("NEWSLOOM_")}
    others: dict[str, str | None] = {name: None for name in os.environ if name.startswith("NEWSLOOM_")}
    return run_cli(*args, env={**others, **ours})


@dataclass
class Workers:
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]]
    log_dir: Path

    def start(self, concurrency: int = 1) -> subprocess.Popen[bytes]:
        index = len(self.processes)
        log = (self.log_dir / f"worker{index}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "newsloom", "worker", "-c", str(concurrency), "--name", f"w{index}@test"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """After the test: SIGKILL, pool children included. A warm shutdown (SIGTERM) waits out the tasks in hand
        and the pool's exit, two or three seconds a group, and nothing is checked after it."""
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Workers]]:
    started: list[Workers] = []
    yield started
    for group in started:
        group.stop_all()


def open_scale_store(database_url: str, data_dir: Path) -> SQLStore:
    return open_store(Settings(data_dir=data_dir, database_url=database_url))


def crawl_states(store: SQLStore) -> dict[str, str]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.crawl_urls.c.url, schema.crawl_urls.c.status)).all()
    return {str(url): str(status) for url, status in rows}


def wait_until(condition, timeout: float, what: str, on_timeout=lambda: "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except sa.exc.OperationalError:
            pass  # the store may be down on purpose
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}\n{on_timeout()}")
