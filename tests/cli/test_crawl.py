"""`newsloom sources …`, `newsloom crawl` and `newsloom run` as users run them, against a loopback news site: the
commands in-process through the CLI runner, `run` (crawl and serve in one process, stopped by a signal) as a real
process."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.fetch.site import FaultSite
from tests.sources.newsite import NewsSite
from tests.support.cli import FAST, count_articles, newsloom_in


def newsloom(data_dir: Path, *args: str, allow: str | None = "127.0.0.0/8") -> subprocess.CompletedProcess[str]:
    """``newsloom --data-dir DATA ARGS`` in-process, loopback allowed unless ``allow`` is None."""
    return newsloom_in(data_dir, *args, allow=allow)


def test_add_discovers_feed_and_sitemap_then_crawl_is_incremental(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultSite() as site:
        news = NewsSite(site, count=6, feed_size=4)
        added = newsloom(data, "sources", "add", site.url("/"), "--section", "World")
        assert added.returncode == 0, added.stderr
        assert f"rss\t{site.url('/feed.xml')}" in added.stdout
        assert f"sitemap\t{site.url('/sitemap.xml')}" in added.stdout
        assert "Loopback Times" in added.stdout

        first = newsloom(data, "crawl", "--once")
        assert first.returncode == 0, first.stderr
        assert "6 new, 0 updated" in first.stdout
        assert count_articles(data) == 6

        news.add(1)
        second = newsloom(data, "crawl", "--once")
        assert second.returncode == 0, second.stderr
        assert "1 new, 0 updated" in second.stdout
        hits_after_second = dict(site.hits)
        third = newsloom(data, "crawl", "--once")
        assert "0 new, 0 updated" in third.stdout
        assert "2 not modified (304)" in third.stdout and "304s: 2" in third.stdout
    assert all(count == 1 for path, count in hits_after_second.items() if path.startswith("/news/"))
    assert count_articles(data) == 7
    with sqlite3.connect(data / "newsloom.db") as conn:
        sections = {row[0] for row in conn.execute("SELECT section_slug FROM articles")}
    assert sections == {"world"}
    listed = newsloom(data, "sources", "list")
    assert "Loopback Times" in listed.stdout and site.url("/feed.xml") in listed.stdout


def test_loopback_is_refused_without_allow_networks(tmp_path: Path) -> None:
    with FaultSite() as site:
        NewsSite(site, count=1)
        result = newsloom(tmp_path / "data", "sources", "add", site.url("/"), allow=None)
        assert result.returncode != 0
        assert "not public" in result.stderr
        assert sum(site.hits.values()) == 0


def test_failing_source_is_listed_unhealthy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    toml = tmp_path / "sources.toml"
    with FaultSite() as site:
        NewsSite(site, count=2)
        toml.write_text(
            f"""[[source]]\nname = "Good"\nhomepage = "{site.url("/")}"\n[[source.feed]]\nurl = "{site.url("/feed.xml")}"\nkind = "rss"\n
[[source]]\nname = "Gone"\nhomepage = "{site.url("/gone/")}"\n[[source.feed]]\nurl = "{site.url("/gone/feed.xml")}"\nkind = "rss"\n"""
        )
        assert newsloom(data, "sources", "import", str(toml)).returncode == 0
        crawled = newsloom(data, "crawl", "--once")
    assert crawled.returncode == 1  # a feed failed: the exit status says so
    assert "2 new" in crawled.stdout and "feed failed: Gone" in crawled.stdout and "HTTP 404" in crawled.stdout
    assert "failed: 1 feed(s), 0 page(s)" in crawled.stderr
    # Failures are said in plain text, never as JSON log lines. The one JSON line a crawl may print is an optional
    # model's saying it is off (spaCy's English pipeline where it is not installed): the environment's, not the crawl's.
    logged = [json.loads(line) for line in crawled.stderr.splitlines() if line.startswith("{")]
    assert [entry for entry in logged if not entry["logger"].startswith("newsloom.enrich.")] == [], logged
    listed = newsloom(data, "sources", "list").stdout
    gone_row = next(line for line in listed.splitlines() if "Gone" in line)
    assert "HTTP 404" in gone_row and re.search(r"\b1\b", gone_row)
    assert newsloom(data, "crawl", "--once", "--allow-failures").returncode == 0


def test_default_list_imports_and_remove(tmp_path: Path) -> None:
    data = tmp_path / "data"
    imported = newsloom(data, "sources", "import")
    assert imported.returncode == 0, imported.stderr
    count = int(re.search(r"imported (\d+) sources", imported.stdout).group(1))  # type: ignore[union-attr]
    assert count >= 10
    listed = newsloom(data, "sources", "list").stdout
    for name in ("VnExpress", "Dân trí", "Tuổi Trẻ", "Thanh Niên", "VietnamPlus", "VnExpress International"):
        assert name in listed
    assert newsloom(data, "sources", "remove", "Dân trí").returncode == 0
    assert "Dân trí" not in newsloom(data, "sources", "list").stdout
    assert newsloom(data, "sources", "remove", "Nobody").returncode != 0


@pytest.mark.slow
def test_run_crawls_and_serves_in_one_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with FaultSite() as site:
        NewsSite(site, count=3)
        assert newsloom(data, "sources", "add", site.url("/")).returncode == 0
        env = {**os.environ, **FAST, "NEWSLOOM_ALLOW_NETWORKS": "127.0.0.0/8"}
        process = subprocess.Popen(
            [sys.executable, "-m", "newsloom", "--data-dir", str(data), "run", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            page = ""
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                        page = response.read().decode()
                    if "Storm report" in page:
                        break
                except OSError:
                    pass
                time.sleep(0.3)
            assert "Storm report" in page
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    assert count_articles(data) == 3


STARTER = """
[[source]]
name = "Closed Port"
homepage = "http://127.0.0.1:{closed}/"
language = "vi"

[[source.feed]]
url = "http://127.0.0.1:{closed}/rss.xml"
kind = "rss"

[[source]]
name = "Outside Guard"
homepage = "http://127.0.0.2:{closed}/"
language = "vi"

[[source.feed]]
url = "http://127.0.0.2:{closed}/rss.xml"
kind = "rss"
"""

# `newsloom run` with the shipped starter list replaced by ``argv[1]`` (the real one names publishers on the
# internet, which tests never reach).
RUN_WITH_STARTER = """
import sys
from pathlib import Path

import newsloom.sources.registry as registry

registry.DEFAULT_SOURCES = Path(sys.argv[1])
from newsloom.cli import main

sys.argv = ["newsloom", *sys.argv[2:]]
main()
"""


def feed_polls(data: Path) -> dict[str, int]:
    with sqlite3.connect(data / "newsloom.db") as conn:
        return dict(conn.execute("SELECT url, error_streak FROM feeds").fetchall())


@pytest.mark.slow
def test_run_seeds_an_empty_store_and_reports_each_unreachable_feed_once(tmp_path: Path) -> None:
    """An offline first start: the starter sources are imported, the portal serves, and each unreachable feed (a
    closed loopback port, an address the guard refuses) is one log line however many polls fail the same way."""
    data, port, closed = tmp_path / "data", free_port(), free_port()  # nothing listens on ``closed``
    starter = tmp_path / "starter.toml"
    starter.write_text(STARTER.format(closed=closed), encoding="utf-8")
    env = {
        **os.environ,
        **FAST,
        "NEWSLOOM_ALLOW_NETWORKS": "127.0.0.1/32",  # 127.0.0.2 stays refused by the guard
        "NEWSLOOM_POLL_INTERVAL_SECONDS": "1",
        "NEWSLOOM_POLL_MIN_SECONDS": "1",
        "NEWSLOOM_POLL_MAX_SECONDS": "1",
        "NEWSLOOM_FETCH_RETRIES": "0",
    }
    argv = ["--data-dir", str(data), "run", "--starter-sources", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_STARTER, str(starter), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        page, polls = "", {}
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                polls = feed_polls(data)
                if len(polls) == 2 and min(polls.values()) >= 3:
                    break
            except (OSError, sqlite3.Error):
                pass
            time.sleep(0.3)
        assert "Nothing here yet" in page, page[-2000:]
        assert len(polls) == 2 and min(polls.values()) >= 3, polls  # several failed polls of each feed
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    lines = stderr.splitlines()
    assert "imported the 2 starter sources (2 entry points)" in lines[0]
    assert "Traceback" not in stderr
    unreachable = [json.loads(line) for line in lines if '"feed unreachable' in line]
    assert sorted(entry["feed"] for entry in unreachable) == sorted(polls), stderr
    reasons = {entry["feed"]: entry["reason"] for entry in unreachable}
    assert "not public" in reasons[f"http://127.0.0.2:{closed}/rss.xml"]
    assert "ConnectError" in reasons[f"http://127.0.0.1:{closed}/rss.xml"]
    assert len(lines) == 2 + len(unreachable), stderr  # the two start-up lines, then one per feed: nothing else


def test_starter_sources_go_only_into_an_empty_store(tmp_path: Path) -> None:
    """A store with articles, or with an operator's own sources, is never re-seeded (nor are removed sources back)."""
    from newsloom.cli.context import AppContext
    from newsloom.cli.crawl import _seed
    from newsloom.store.sources import SourceStore
    from tests.support.articles import make_article

    with_articles = AppContext(data_dir=tmp_path / "articles")
    with_articles.store.upsert_article(make_article(1))
    _seed(with_articles)
    assert [source.feeds for source in SourceStore(with_articles.store.engine).list_sources()] == [[]]  # its outlet

    empty = AppContext(data_dir=tmp_path / "empty")
    _seed(empty)
    registry = SourceStore(empty.store.engine)
    seeded = [source.name for source in registry.list_sources()]
    assert "VnExpress" in seeded and len(seeded) >= 10
    assert registry.remove_source("VnExpress")
    _seed(empty)
    assert "VnExpress" not in [source.name for source in registry.list_sources()]
