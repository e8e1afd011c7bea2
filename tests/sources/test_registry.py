"""Source lists (TOML) and the registry's SQL: round trips, updates that keep feed state, removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.errors import InputError
from newsloom.model import Article, Feed, Source
from newsloom.sources.discover import describe_homepage
from newsloom.sources.registry import DEFAULT_SOURCES, load_sources
from newsloom.store import SQLStore
from newsloom.store.sources import PollOutcome, SourceStore, utcnow


def test_shipped_list_has_the_vietnamese_majors_and_valid_entries() -> None:
    sources = load_sources(DEFAULT_SOURCES)
    names = {source.name for source in sources}
    assert {"VnExpress", "Dân trí", "Tuổi Trẻ", "Thanh Niên", "VietnamPlus", "VnExpress International"} <= names
    assert sum(1 for source in sources if source.language == "en" and source.country != "VN") >= 5
    assert all(source.feeds and all(feed.url.startswith("https://") for feed in source.feeds) for source in sources)


def test_bad_lists_are_refused_with_a_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[source]]\nname = "X"\nhomepage = "https://x.example/"\n[[source.feed]]\nurl = "https://x.example/f"\nkind = "gopher"\n'
    )
    with pytest.raises(InputError, match="kind"):
        load_sources(broken)
    broken.write_text("[[source]\n")
    with pytest.raises(InputError, match="cannot read"):
        load_sources(broken)


def test_re_adding_a_source_keeps_feed_state_and_adds_new_feeds(store: SQLStore) -> None:
    registry = SourceStore(store.engine)
    first = registry.add_source(
        Source(name="Tuổi Trẻ", homepage="https://tuoitre.vn/", feeds=[Feed("https://tuoitre.vn/rss/a.rss", "rss")])
    )
    assert first.slug == "tuoi-tre" and first.feeds[0].id is not None
    registry.record_poll(first.feeds[0].id, PollOutcome(True, utcnow(), 600, etag='"e1"'))
    again = registry.add_source(
        Source(
            name="Tuổi Trẻ",
            homepage="https://tuoitre.vn/",
            language="vi",
            feeds=[
                Feed("https://tuoitre.vn/rss/a.rss", "rss", section="Thời sự"),
                Feed("https://tuoitre.vn/s.xml", "sitemap"),
            ],
        )
    )
    assert again.id == first.id and again.language == "vi"
    assert [(feed.url, feed.etag, feed.section) for feed in again.feeds] == [
        ("https://tuoitre.vn/rss/a.rss", '"e1"', "Thời sự"),
        ("https://tuoitre.vn/s.xml", None, None),
    ]
    assert registry.get_source("tuoi-tre") is not None and registry.get_source("Tuổi Trẻ") is not None


def test_failures_count_a_streak_and_success_resets_it(store: SQLStore) -> None:
    registry = SourceStore(store.engine)
    source = registry.add_source(
        Source(name="S", homepage="https://s.example/", feeds=[Feed("https://s.example/f", "rss")])
    )
    feed_id = source.feeds[0].id
    assert feed_id is not None
    for _ in range(3):
        registry.record_poll(feed_id, PollOutcome(False, utcnow(), 1800, error="HTTP 503"))
    feed = registry.list_sources()[0].feeds[0]
    assert feed.error_streak == 3 and feed.last_error == "HTTP 503" and feed.last_error_at is not None
    registry.record_poll(feed_id, PollOutcome(True, utcnow(), 900))
    feed = registry.list_sources()[0].feeds[0]
    assert feed.error_streak == 0 and feed.last_error is None and feed.last_success_at is not None


def test_removing_a_source_keeps_its_articles(store: SQLStore) -> None:
    registry = SourceStore(store.engine)
    source = registry.add_source(
        Source(name="S", homepage="https://s.example/", feeds=[Feed("https://s.example/f", "rss")])
    )
    article = Article(url="https://s.example/a-story", canonical_url="https://s.example/a-story", title="A story")
    article.source_id = source.id
    store.upsert_article(article)
    registry.record_url(
        "https://s.example/a-story", status="stored", feed_id=source.feeds[0].id, source_id=source.id, marker=None
    )
    assert (
        registry.url_states(["https://s.example/a-story?utm_source=x"])["https://s.example/a-story"].status == "stored"
    )
    assert registry.remove_source("S")
    assert registry.list_sources() == [] and registry.url_counts() == {}
    kept = store.get_article_by_url("https://s.example/a-story")
    assert kept is not None and kept.source_id is None


def test_imported_articles_count_as_known_urls(store: SQLStore) -> None:
    store.upsert_article(Article(url="https://s.example/old", canonical_url="https://s.example/old", title="Old"))
    states = SourceStore(store.engine).url_states(["https://s.example/old", "https://s.example/new"])
    assert list(states) == ["https://s.example/old"]


def test_homepage_description() -> None:
    html = b"""<html lang="vi-VN"><head><title>Trang chu</title><meta property="og:site_name" content="B\xc3\xa1o Th\xe1\xbb\xad">
    <link rel="alternate" type="application/rss+xml" href="/rss/home.rss"><link rel="alternate" type="application/atom+xml" href="https://b.example/atom">
    <link rel="alternate" hreflang="en" href="/en/"><link rel="apple-touch-icon" href="/logo.png"></head></html>"""
    source, feeds = describe_homepage(html, "https://b.example/")
    assert source.name == "Báo Thử" and source.language == "vi" and source.logo_url == "https://b.example/logo.png"
    assert [(feed.kind, feed.url) for feed in feeds] == [
        ("rss", "https://b.example/rss/home.rss"),
        ("atom", "https://b.example/atom"),
    ]
