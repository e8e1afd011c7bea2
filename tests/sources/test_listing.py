"""Feeds, sitemaps and section pages to article URLs, from small hand-written documents."""

from __future__ import annotations

import gzip
import json

import pytest

from newsloom.errors import FetchError
from newsloom.sources.listing import looks_like_article, parse_listing

BASE = "https://news.example.com/"

RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<item><title>One</title><link>https://news.example.com/a/one-story-here</link></item></channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example.com/"><title>RDF</title><link>https://news.example.com/</link></channel>
<item rdf:about="https://news.example.com/b/two"><title>Two</title><link>https://news.example.com/b/two</link>
<dc:date>2024-10-26T07:00:00Z</dc:date></item></rdf:RDF>"""

RSS_20 = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>
<item><title>Ba</title><link>/c/three</link><pubDate>Sat, 26 Oct 2024 07:24:43 +0700</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Four</title><link href="https://news.example.com/d/four"/><id>tag:x,2024:4</id>
<updated>2024-10-27T01:00:00Z</updated></entry></feed>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example.com/e/five</loc>
<news:news><news:publication><news:name>Example</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>2024-10-26T07:24:43+07:00</news:publication_date><news:title>Năm điều</news:title></news:news>
</url></urlset>""".encode()

SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example.com/sitemap-2024-09.xml</loc><lastmod>2024-09-30</lastmod></sitemap>
<sitemap><loc>https://news.example.com/sitemap-2024-10.xml</loc><lastmod>2024-10-31</lastmod></sitemap>
</sitemapindex>"""


@pytest.mark.parametrize(
    ("document", "kind", "url"),
    [
        (RSS_091, "rss", "https://news.example.com/a/one-story-here"),
        (RSS_10, "rss", "https://news.example.com/b/two"),
        (RSS_20, "rss", "https://news.example.com/c/three"),
        (ATOM, "atom", "https://news.example.com/d/four"),
    ],
)
def test_feed_formats(document: bytes, kind: str, url: str) -> None:
    listing = parse_listing(document, BASE)
    assert listing.kind == kind
    assert [entry.url for entry in listing.entries] == [url]


def test_rss_dates_become_marker_and_published() -> None:
    (entry,) = parse_listing(RSS_20, BASE).entries
    assert entry.published is not None and entry.published.isoformat() == "2024-10-26T00:24:43+00:00"
    assert entry.marker == "2024-10-26T00:24:43Z"


def test_json_feed() -> None:
    document = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [{"id": "1", "url": "https://news.example.com/f/six", "date_modified": "2024-10-28T00:00:00Z"}],
        }
    ).encode()
    listing = parse_listing(document, BASE)
    assert listing.kind == "jsonfeed"
    assert [(entry.url, entry.marker) for entry in listing.entries] == [
        ("https://news.example.com/f/six", "2024-10-28T00:00:00Z")
    ]


def test_google_news_sitemap() -> None:
    listing = parse_listing(NEWS_SITEMAP, BASE)
    (entry,) = listing.entries
    assert listing.kind == "news_sitemap"
    assert entry.title == "Năm điều"
    assert entry.published is not None and entry.published.utcoffset() is not None


def test_sitemap_index_lists_children_newest_first_and_gzip_is_read() -> None:
    listing = parse_listing(gzip.compress(SITEMAP_INDEX), BASE + "sitemap.xml.gz")
    assert [child.url for child in listing.child_sitemaps] == [
        "https://news.example.com/sitemap-2024-10.xml",
        "https://news.example.com/sitemap-2024-09.xml",
    ]
    assert listing.entries == []


@pytest.mark.parametrize("document", [b"<rss version='2.0'><channel><item><title>x</ti", b"not xml at all {", b""])
def test_malformed_feeds_raise_with_a_reason(document: bytes) -> None:
    with pytest.raises(FetchError) as raised:
        parse_listing(document, BASE)
    assert raised.value.reason


def test_section_page_keeps_article_like_links_on_the_same_site() -> None:
    page = b"""<html><body><a href="/">Home</a><a href="/the-gioi">World</a>
    <a href="/the-gioi/bao-lu-do-bo-vao-mien-trung-4812345.html">Storm</a>
    <a href="https://other.example.org/some-long-story-title-here">Elsewhere</a>
    <a href="/news/a-long-article-slug-with-words">Slug</a><a href="/img/a-b-c-d-e-f.jpg">pic</a></body></html>"""
    listing = parse_listing(page, BASE + "the-gioi", "section_page")
    assert [entry.url for entry in listing.entries] == [
        "https://news.example.com/the-gioi/bao-lu-do-bo-vao-mien-trung-4812345.html",
        "https://news.example.com/news/a-long-article-slug-with-words",
    ]
    assert not looks_like_article("https://news.example.com/about", "news.example.com")
