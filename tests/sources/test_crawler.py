"""The crawl loop end to end against loopback sites: once-only fetching, 304s, changes, per-source failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsloom.fetch.warc import iter_warc_pages
from newsloom.model import FetchedPage
from newsloom.pipeline import Outcome
from newsloom.sources.crawler import Crawler
from newsloom.store import open_store, schema
from newsloom.store.sources import SourceStore
from tests.fetch.site import FaultSite, Reply
from tests.sources.newsite import NewsSite
from tests.support.crawl import crawl, crawl_settings, register


def article_hits(site: FaultSite) -> dict[str, int]:
    return {path: count for path, count in site.hits.items() if path.startswith("/news/")}


def test_first_crawl_stores_each_article_once_then_304s_and_changes_only(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=8, feed_size=5)
        register(store, "Loopback Times", site, ("/feed.xml", "rss"), ("/sitemap.xml", "sitemap"))

        first = crawl(settings, store)
        assert first.articles[Outcome.NEW] == 8
        assert store.count_articles() == 8
        # the stories stage ran after the round: every article was considered
        with store.engine.connect() as conn:
            unchecked = conn.execute(
                sa.select(sa.func.count()).where(schema.articles.c.story_checked_at.is_(None))
            ).scalar()
        assert unchecked == 0
        assert article_hits(site) == {news.path(n): 1 for n in range(8)}  # feed and sitemap overlap: still once

        second = crawl(settings, store)
        assert second.feeds_not_modified == 2 and second.fetch_stats["not_modified"] == 2
        assert second.pages_fetched == 0
        assert all(count == 1 for count in article_hits(site).values())

        news.add(2)
        news.update(3)
        third = crawl(settings, store)
        assert third.articles[Outcome.NEW] == 2 and third.articles[Outcome.UPDATED] == 1
        hits = article_hits(site)
        assert hits[news.path(3)] == 2 and hits[news.path(8)] == 1 and hits[news.path(9)] == 1
        assert sum(hits.values()) == 11
    assert store.count_articles() == 10
    updated = store.get_article_by_url(site.url(news.path(3)))
    assert updated is not None and updated.title.endswith("(update 2)")
    store.close()


def test_broken_feeds_mark_their_source_unhealthy_and_never_stop_others(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as good_site, FaultSite() as bad_site:
        NewsSite(good_site, count=3)
        bad_site.route(
            "/broken.xml", Reply(200, b"<rss version='2.0'><channel><item><title>x</ti", content_type="text/xml")
        )
        bad_site.route("/down.xml", Reply(500, b"down"))
        register(store, "Good", good_site, ("/feed.xml", "rss"))
        register(store, "Bad", bad_site, ("/broken.xml", "rss"), ("/down.xml", "rss"))
        report = crawl(settings, store)
    assert report.articles[Outcome.NEW] == 3
    reasons = {url.rsplit("/", 1)[-1]: reason for _, url, reason in report.feed_errors}
    assert "malformed" in reasons["broken.xml"]
    assert "HTTP 500" in reasons["down.xml"]
    bad = SourceStore(store.engine).get_source("Bad")
    good = SourceStore(store.engine).get_source("Good")
    assert bad is not None and good is not None
    assert all(feed.error_streak == 1 and feed.last_error for feed in bad.feeds)
    assert good.feeds[0].error_streak == 0 and good.feeds[0].last_success_at is not None
    # Failing feeds back off beyond a healthy feed's next poll.
    assert min(feed.poll_interval_seconds for feed in bad.feeds) > good.feeds[0].poll_interval_seconds
    store.close()


def test_robots_disallowed_articles_are_recorded_not_fetched(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=4)
        site.route(
            "/robots.txt", Reply(200, f"User-agent: *\nDisallow: {news.path(2)}\n".encode(), content_type="text/plain")
        )
        register(store, "Loopback Times", site, ("/feed.xml", "rss"))
        report = crawl(settings, store)
        second = crawl(settings, store)
    assert report.articles[Outcome.NEW] == 3
    assert report.page_failures == [(site.url(news.path(2)), "disallowed by robots.txt")]
    assert site.hits[news.path(2)] == 0
    assert second.pages_fetched == 0 and not second.page_failures
    assert SourceStore(store.engine).url_counts() == {"stored": 3, "skipped": 1}
    store.close()


def test_failed_article_fetches_are_retried_on_a_later_poll(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, fetch_retries=0)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=2)
        healthy = site.routes[news.path(1)]
        site.route(news.path(1), Reply(503, b"busy"))
        register(store, "Loopback Times", site, ("/sitemap.xml", "sitemap"))
        first = crawl(settings, store)
        site.route(news.path(1), healthy)
        second = crawl(settings, store)  # the sitemap is unchanged (304), so the retry waits for a changed listing
        site.route("/sitemap.xml", Reply(200, news.sitemap(), content_type="application/xml"))
        third = crawl(settings, store)
    assert first.articles[Outcome.NEW] == 1 and len(first.page_failures) == 1, (first.articles, first.page_failures)
    assert second.pages_fetched == 0, (second.articles, second.page_failures)
    assert third.articles[Outcome.NEW] == 1 and third.known_skipped == 1, (third.articles, third.page_failures)
    assert store.count_articles() == 2
    store.close()


@pytest.mark.slow  # a process pool
def test_source_filter_and_process_pool_extraction(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, crawl_workers=1)
    store = open_store(settings)
    with FaultSite() as one, FaultSite() as two:
        NewsSite(one, count=3)
        NewsSite(two, count=2)
        register(store, "One", one, ("/feed.xml", "rss"))
        register(store, "Two", two, ("/feed.xml", "rss"))
        report = crawl(settings, store, source="Two")
    assert report.articles[Outcome.NEW] == 2, report.page_failures
    assert article_hits(one) == {}
    source = SourceStore(store.engine).get_source("Two")
    assert source is not None
    stored = store.latest_articles(10, source_id=source.id)
    assert len(stored) == 2
    store.close()


def test_every_response_is_archived_to_replayable_warc(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, warc_dir=tmp_path / "warc")
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=3)
        register(store, "Loopback Times", site, ("/feed.xml", "rss"))
        crawl(settings, store)
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert files
    pages = [page for path in files for page in iter_warc_pages(path) if isinstance(page, FetchedPage)]
    assert sorted(page.url or "" for page in pages) == sorted(site.url(news.path(n)) for n in range(3))
    assert all(b"Storm report" in page.content for page in pages)
    store.close()


def test_due_feeds_follow_the_schedule(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        NewsSite(site, count=1)
        register(store, "Loopback Times", site, ("/feed.xml", "rss"))
        registry = SourceStore(store.engine)
        assert len(registry.due_feeds()) == 1
        crawl(settings, store)
    assert registry.due_feeds() == []
    assert len(registry.due_feeds(everything=True)) == 1
    ((_, feed),) = registry.due_feeds(everything=True)
    assert feed.next_poll_at is not None and feed.next_poll_at > datetime.now(UTC)
    store.close()


def test_sitemap_index_news_sitemap_json_feed_and_section_page(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path)
    store = open_store(settings)
    with FaultSite() as site:
        news = NewsSite(site, count=6)
        urls = [site.url(news.path(n)) for n in range(6)]
        site.route(
            "/sitemap-index.xml",
            Reply(
                200,
                (
                    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{site.url('/news-sitemap.xml')}</loc><lastmod>2024-10-26</lastmod></sitemap>"
                    f"<sitemap><loc>{site.url('/missing-sitemap.xml')}</loc></sitemap></sitemapindex>"
                ).encode(),
                content_type="application/xml",
            ),
        )
        site.route(
            "/news-sitemap.xml",
            Reply(
                200,
                (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                    + "".join(
                        f"<url><loc>{url}</loc><news:news><news:publication_date>2024-10-26T07:00:00Z"
                        "</news:publication_date><news:title>T</news:title></news:news></url>"
                        for url in urls[:2]
                    )
                    + "</urlset>"
                ).encode(),
                content_type="application/xml",
            ),
        )
        json_feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [{"id": u, "url": u} for u in urls[1:4]],
        }
        site.route("/feed.json", Reply(200, json.dumps(json_feed).encode(), content_type="application/feed+json"))
        links = "".join(f'<a href="{news.path(n)}">Story {n}</a>' for n in range(3, 6))
        site.route("/world", Reply(200, f'<html><body><a href="/">Home</a>{links}</body></html>'.encode()))
        register(
            store,
            "Loopback Times",
            site,
            ("/sitemap-index.xml", "sitemap"),
            ("/feed.json", "jsonfeed"),
            ("/world", "section_page"),
        )
        report = crawl(settings, store)
    assert report.feed_errors == []  # one missing child sitemap does not fail the index
    assert report.articles[Outcome.NEW] == 6
    assert article_hits(site) == {news.path(n): 1 for n in range(6)}
    assert store.count_articles() == 6
    store.close()


@pytest.mark.slow
def test_crawling_forever_logs_a_failing_feed_once_and_its_recovery_once(tmp_path: Path) -> None:
    """A feed down for several polls is one warning, a new reason another, its return one more: never a line per
    poll, never a traceback."""
    import asyncio
    import logging
    import time

    settings = crawl_settings(
        tmp_path, poll_interval_seconds=1, poll_min_seconds=1, poll_max_seconds=1, fetch_retries=0
    )
    store = open_store(settings)
    registry = SourceStore(store.engine)

    def polls() -> int:
        feed = registry.get_source("Flaky").feeds[0]  # type: ignore[union-attr]
        return feed.error_streak

    with FaultSite() as site:
        NewsSite(site, count=1)
        site.route("/feed.xml", Reply(503, b"down"))
        register(store, "Flaky", site, ("/feed.xml", "rss"))

        async def crawl_forever() -> None:
            stop = asyncio.Event()
            async with Crawler(settings, store) as crawler:
                task = asyncio.create_task(crawler.run_forever(stop=stop))
                for until, then in ((3, Reply(500, b"broken")), (5, None)):
                    deadline = time.monotonic() + 30
                    while polls() < until and time.monotonic() < deadline:
                        await asyncio.sleep(0.1)
                    if then is not None:
                        site.route("/feed.xml", then)
                NewsSite(site, count=1)  # the feed answers again
                deadline = time.monotonic() + 30
                while polls() and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                stop.set()
                await task

        records: list[logging.LogRecord] = []
        handler = logging.Handler(logging.DEBUG)
        handler.emit = records.append  # type: ignore[method-assign]
        logger = logging.getLogger("newsloom.sources.crawler")
        logger.addHandler(handler)
        try:
            asyncio.run(crawl_forever())
        finally:
            logger.removeHandler(handler)
    said = [record.getMessage() for record in records if record.levelno >= logging.WARNING]
    assert len(said) == 3, said
    assert said[0].startswith("feed unreachable: Flaky: ") and "HTTP 503" in said[0]
    assert said[1].startswith("feed unreachable: Flaky: ") and "HTTP 500" in said[1]
    assert said[2].startswith("feed reachable again: Flaky: ")
    assert not any(record.exc_info for record in records)
    store.close()
