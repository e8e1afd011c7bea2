"""The crawler against poison feed items, slow servers and a kill -9 (issue 15: F4, F5, F11), on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsloom.model import FetchedPage
from newsloom.pipeline import Outcome
from newsloom.sources.crawler import Crawler
from newsloom.sources.extract_pool import (
    DEADLINE_REPEAT,
    PageDeadline,
    _on_deadline,
    _start_deadline,
    _stop_deadline,
    extract_and_enrich,
)
from newsloom.store import open_store, schema
from newsloom.store.sources import SourceStore
from newsloom.web import create_app
from tests.conftest import article_html
from tests.fetch.site import FaultSite, Reply
from tests.sources.newsite import NewsSite
from tests.support.cli import newsloom_in
from tests.support.crawl import crawl, crawl_settings, register
from tests.support.web import AppServer

POISON_LINKS = ["http://[::1]:8080/x", "https://bad.example:99999/two", "https://[::1/four"]


def json_feed(urls: list[str]) -> bytes:
    items = [{"id": url, "url": url, "title": f"item {n}"} for n, url in enumerate(urls)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items}).encode()


def test_f4_poison_items_fail_alone_and_are_not_fetched_again(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=2)
        site.route("/news/poison", Reply(200, b"<html>" + bytes(range(256)) * 64))
        deep = "[" * 20_000 + "]" * 20_000
        deep_page = article_html(
            title="Deep JSON-LD",
            canonical=site.url("/news/deep"),
            extra_head=f'<script type="application/ld+json">{deep}</script>',
        )
        site.route("/news/deep", Reply(200, deep_page.encode()))
        links = [
            site.url(news.path(0)),
            *POISON_LINKS,
            site.url("/news/poison"),
            site.url("/news/deep"),
            site.url(news.path(1)),
        ]
        site.route("/items.json", Reply(200, json_feed(links), content_type="application/feed+json"))
        register(store, "Poisoned", site, ("/items.json", "rss"))

        first = crawl(settings, store)
        assert first.feed_errors == []  # the feed stays healthy
        assert first.articles[Outcome.NEW] == 3  # the two good articles and the deep JSON-LD page
        failures = dict(first.page_failures)
        assert "bad port" in failures["https://bad.example:99999/two"]
        assert "unparseable URL" in failures["https://[::1/four"]
        assert "not public" in failures["http://[::1]:8080/x"]
        assert "binary data" in failures[site.url("/news/poison")]

        second = crawl(settings, store)  # the feed lists the same items: nothing is fetched again
        assert second.feed_errors == [] and second.page_failures == [] and second.pages_fetched == 0
        assert site.hits["/news/poison"] == 1
    with store.engine.connect() as conn:
        feed = conn.execute(sa.select(schema.feeds.c.error_streak, schema.feeds.c.last_error)).one()
        logged = {row.url: row for row in conn.execute(sa.select(schema.crawl_urls))}
    assert feed.error_streak == 0 and feed.last_error is None
    assert logged["https://bad.example:99999/two"].status == "rejected"
    assert logged["https://[::1/four"].attempts == 1
    assert logged[site.url("/news/poison")].status == "rejected"
    store.close()


HOSTLESS_LINKS = [
    "http://xn--/x",
    "http://\U0001f4a9.la/",
    "http://" + "a" * 300 + ".example/",
    "http://0177.0.0.1/",
    "http://1.2.3.999/x",
]


@pytest.mark.parametrize("bad", HOSTLESS_LINKS)
def test_f4_an_item_whose_host_cannot_be_encoded_is_rejected_alone(tmp_path: Path, bad: str) -> None:
    """Hosts the IDNA codec or httpx refuse (raising their own exceptions, not ours) fail their item only."""
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=2)
        links = [site.url(news.path(0)), bad, site.url(news.path(1))]
        site.route("/items.json", Reply(200, json_feed(links), content_type="application/feed+json"))
        register(store, "Hostile", site, ("/items.json", "rss"))
        first = crawl(settings, store)
        second = crawl(settings, store)
    assert first.feed_errors == [] and second.feed_errors == []
    assert first.articles[Outcome.NEW] == 2
    assert [url for url, _ in first.page_failures] == [bad]
    assert second.page_failures == [] and second.pages_fetched == 0  # rejected once, not tried on every poll
    with store.engine.connect() as conn:
        feed = conn.execute(sa.select(schema.feeds)).one()
        logged = {row.url: row.status for row in conn.execute(sa.select(schema.crawl_urls))}
    assert feed.error_streak == 0 and feed.last_error is None and feed.last_success_at is not None
    assert feed.poll_interval_seconds < settings.poll_max_seconds
    assert logged[bad] == "rejected"
    store.close()


def test_f4_credentials_in_an_item_link_are_never_kept_nor_published(tmp_path: Path) -> None:
    """``http://user:pass@host/ok2`` is ``ok2``: one article, whose every published address has no userinfo."""
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        for name in ("ok1", "ok2"):  # no canonical link: the item's own link is the key
            page = article_html(title=f"Storm report {name}", canonical=None).encode()
            site.route(f"/news/{name}.html", Reply(200, page))
        plain = site.url("/news/ok2.html")
        secret = plain.replace("http://", "http://user:pass@")
        links = [site.url("/news/ok1.html"), plain, secret]
        site.route("/items.json", Reply(200, json_feed(links), content_type="application/feed+json"))
        register(store, "Credentials", site, ("/items.json", "rss"))
        report = crawl(settings, store)
        assert report.feed_errors == [] and report.articles[Outcome.NEW] == 2
        assert not any("authorization" in request.headers for request in site.log)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.articles.c.id, schema.articles.c.url, schema.articles.c.canonical_url))
        stored = list(rows)
        logged = [row.url for row in conn.execute(sa.select(schema.crawl_urls.c.url))]
    assert len(stored) == 2
    assert not any("user" in row.url or "user" in row.canonical_url for row in stored)
    assert not any("user" in url for url in logged)
    ok2 = next(row.id for row in stored if row.url == plain)
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        answers = [
            client.get(f"/article/{ok2}", follow_redirects=True),
            client.get("/api/v1/articles"),
            client.get("/feed.xml"),
        ]
    for answer in answers:
        assert answer.status_code == 200 and plain in answer.text, answer.url
        assert "pass" not in answer.text and "user@" not in answer.text, answer.url
    store.close()


class DripServer:
    """An HTTP server on 127.0.0.1 that answers headers at once, then one body byte every ``interval`` seconds."""

    def __init__(self, interval: float = 1.0, total: int = 120) -> None:
        self.interval, self.total = interval, total
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.requests = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            self.requests += 1
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {self.total}\r\n\r\n"
            try:
                conn.sendall(head.encode())
                for _ in range(self.total):
                    if self.stopped.wait(self.interval):
                        return
                    conn.sendall(b" ")
            except OSError:
                return

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def __enter__(self) -> DripServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.mark.slow
def test_f5_a_dripping_feed_meets_its_deadline_and_holds_nobody_back(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, fetch_read_timeout=5.0, fetch_deadline=2.5, fetch_retries=0)
    store = open_store(settings)
    sources = SourceStore(store.engine)
    with FaultSite() as site, DripServer() as drip:
        NewsSite(site, count=3)
        register(store, "Fast", site, ("/feed.xml", "rss"))
        from newsloom.model import Feed, Source

        sources.add_source(
            Source(name="Drip", homepage=drip.url("/"), feeds=[Feed(url=drip.url("/feed.xml"), kind="rss")])
        )
        site.route("/robots.txt", Reply(404))
        started = time.monotonic()
        report = crawl(settings, store)
        elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed  # on main: still running after 75 s
    assert report.articles[Outcome.NEW] == 3
    assert [(name, reason) for name, _, reason in report.feed_errors] == [
        ("Drip", "no complete answer within 2.5 s (fetch_deadline)")
    ]
    store.close()


@pytest.mark.slow
def test_f5_forever_a_slow_feed_does_not_delay_the_others_polls(tmp_path: Path) -> None:
    # Entity tags and pictures off: their model loading and fetches are the batch's time, not a feed's, and on a
    # loaded two-core machine they alone could fill the window this test counts polls in.
    settings = crawl_settings(
        tmp_path,
        entity_tags=False,
        fetch_images=False,
        fetch_read_timeout=5.0,
        fetch_deadline=60.0,
        poll_min_seconds=1,
        poll_max_seconds=1,
        poll_interval_seconds=1,
    )
    store = open_store(settings)
    with FaultSite() as site, DripServer() as drip:
        NewsSite(site, count=2)
        register(store, "Fast", site, ("/feed.xml", "rss"))
        from newsloom.model import Feed, Source

        SourceStore(store.engine).add_source(
            Source(name="Drip", homepage=drip.url("/"), feeds=[Feed(url=drip.url("/feed.xml"), kind="rss")])
        )

        async def run() -> None:
            stop = asyncio.Event()
            async with Crawler(settings, store) as crawler:
                task = asyncio.create_task(crawler.run_forever(stop=stop))
                # Until the fast feed's third poll, within 8 s: the slow feed's first poll is still hanging then.
                deadline = time.monotonic() + 8
                while site.hits["/feed.xml"] < 3 and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                stop.set()
                await asyncio.wait_for(task, timeout=20)

        asyncio.run(run())
        fast_polls = site.hits["/feed.xml"]
    assert drip.requests == 1  # the slow feed's first poll never finished
    assert fast_polls >= 3, fast_polls  # on main: 1, the round waited for the slow feed
    store.close()


# The alarm may land in a finalizer, where Python swallows the exception (and pytest reports it as unraisable):
# the deadline must hold anyway, which is what this asserts.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_f5_extraction_worker_gives_up_on_a_page_at_its_deadline() -> None:
    page = FetchedPage(
        content=article_html(body_prefix="".join(f"<p>word {n}</p>" for n in range(15_000))).encode(),
        origin="slow",
        url="https://news.example.com/slow",
    )
    previous = signal.signal(signal.SIGALRM, _on_deadline)
    try:
        started = time.monotonic()
        outcome = extract_and_enrich(page, deadline=0.02)  # 15,000 paragraphs take longer, even on a quiet machine
        elapsed = time.monotonic() - started
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert outcome == ("failed", "extraction took longer than 0.02 s (extract_deadline)")
    assert elapsed < 5


def _children_of(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def slow_site(count: int) -> Iterator[FaultSite]:
    with FaultSite() as site:
        NewsSite(site, count=count)
        for number in range(count):
            route = site.routes[f"/news/story-{number}-storm-hits-the-coast"]

            def slow(request, route=route):  # type: ignore[no-untyped-def]
                reply = route(request)
                reply.delay = 0.5
                return reply

            site.route(f"/news/story-{number}-storm-hits-the-coast", slow)
        yield site


@pytest.mark.slow  # a real crawl process, killed
def test_f11_extraction_workers_die_with_a_killed_crawl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {
        **os.environ,
        "NEWSLOOM_ALLOW_NETWORKS": "127.0.0.0/8",
        "NEWSLOOM_CRAWL_MIN_DELAY": "0",
        "NEWSLOOM_CRAWL_WORKERS": "2",
        "NEWSLOOM_CRAWL_PER_HOST_CONCURRENCY": "1",
    }
    with slow_site(60) as site:
        added = newsloom_in(data, "sources", "add", site.url("/"))  # in this process: the crawl's is the point
        assert added.returncode == 0, added.stderr
        run = [sys.executable, "-m", "newsloom", "--data-dir", str(data)]
        crawl_process = subprocess.Popen(
            [*run, "crawl", "--once"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 120
            children: set[int] = set()
            while time.monotonic() < deadline:  # the pool spawns its workers on the first page to extract
                children = _children_of(crawl_process.pid)
                if len(children) >= 2 and count_stored(data) >= 1:
                    break
                time.sleep(0.2)
            assert len(children) >= 2, "the crawl never started its extraction workers"
            os.kill(crawl_process.pid, signal.SIGKILL)
            crawl_process.wait(timeout=10)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(_alive(pid) for pid in children):
                time.sleep(0.2)
            assert not [pid for pid in children if _alive(pid)]  # on main: two workers and the tracker live on
        finally:
            if crawl_process.poll() is None:
                crawl_process.kill()


def count_stored(data: Path) -> int:
    try:
        with sqlite3.connect(data / "newsloom.db", timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_f5_a_swallowed_deadline_alarm_fires_again() -> None:
    """Python swallows an exception raised in a finalizer; the deadline's alarm is armed again before it raises,
    so a page whose first alarm landed in one still stops at the next."""
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        _start_deadline(60)
        with pytest.raises(PageDeadline):
            _on_deadline(signal.SIGALRM, None)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    finally:
        _stop_deadline()
        signal.signal(signal.SIGALRM, previous)
    assert 0 < remaining <= DEADLINE_REPEAT


def test_f5_an_alarm_handled_after_the_page_ended_is_ignored() -> None:
    """An alarm delivered just before the page's disarm and handled just after it must neither raise nor arm
    itself again: nothing would catch it in what the worker does next."""
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        _start_deadline(60)
        _stop_deadline()
        _on_deadline(signal.SIGALRM, None)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    finally:
        _stop_deadline()
        signal.signal(signal.SIGALRM, previous)
    assert remaining == 0
