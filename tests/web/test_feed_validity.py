"""Feeds and sitemaps checked as the field's tools check them, offline: every feed parses cleanly (feedparser),
and the W3C feed validator's error classes seen before are absent (UriNotIri, MissingSelf/atom:link rel=self,
MissingAuthor / "unknown" authors, no content); JSON Feed 1.1's required keys; sitemaps valid against the
sitemaps.org and Google News schemas (tests/web/xsd, via lxml)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from newsloom.media.stage import store_image
from newsloom.media.storage import open_storage
from newsloom.store.media import MediaStore
from newsloom.web import feeds
from tests.media.cdn import picture
from tests.support.articles import make_article
from tests.web.conftest import Site

XSD = Path(__file__).parent / "xsd"
FEEDS = ["/feed.xml", "/atom.xml", "/section/world/feed.xml", "/tag/football/atom.xml",
         "/outlet/example-org/feed.xml"]  # fmt: skip


def _ascii_uris(values: list[str]) -> None:
    for value in values:
        assert value.isascii() and " " not in value, f"UriNotIri: {value!r}"


def test_feeds_pass_the_validators_error_classes(site: Site) -> None:
    settings = site.app.state.portal.settings
    assert store_image("https://img.example.com/1.jpg", picture("cover"), settings, open_storage(settings),
                       MediaStore(site.store.engine)).ok  # fmt: skip
    odd = make_article(8, title="Tin nóng: Đà Nẵng", authors=[])
    odd.url = odd.canonical_url = "https://báo.example.vn/thời-sự/đà-nẵng?q=mưa lớn"
    site.store.upsert_article(odd)
    with site.client() as client:
        for path in [prefix + path for prefix in ("", "/vi", "/en") for path in FEEDS]:  # every edition's feeds
            answer = client.get(path)
            assert answer.status_code == 200, path
            body = answer.content
            parsed = feedparser.parse(body)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            assert any(link.get("rel") == "self" and link["href"].endswith(path) for link in parsed.feed.links), path
            root = etree.fromstring(body)
            uris = root.xpath("//link/text() | //guid/text() | //*[local-name()='id']/text() | //@href | //@url")
            _ascii_uris([str(u) for u in uris])
            for entry in parsed.entries:
                assert entry.get("author") and entry.author != "unknown", (path, entry.title)
                assert entry.get("content") and entry.content[0].value.startswith("<p>"), (path, entry.title)
                assert entry.get("summary")
            covered = [e for e in parsed.entries if "Article number 1 " in e.title]
            if covered:
                enclosure = covered[0].enclosures[0]
                assert enclosure["href"].startswith("http://127.0.0.1:8000/media/") and int(enclosure["length"]) > 0
        feeds = [json.loads(client.get(f"{prefix}/feed.json").content) for prefix in ("", "/vi", "/en")]
    for feed in feeds:
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["feed_url"].endswith("/feed.json")
    for item in [item for feed in feeds for item in feed["items"]]:
        assert {"id", "url", "title", "content_html", "date_published", "authors"} <= item.keys()
        _ascii_uris([item["id"], item["url"], item["external_url"]])
        assert "null" not in json.dumps(item)


def test_sitemaps_are_valid_against_the_schemas(site: Site) -> None:
    # Fresh: a translation (the portal's own work, canonical to its page) and an original (its publisher's): the
    # news sitemap names only the first, under the portal's name.
    fresh = make_article(20, title="Fresh report on the storm", language="vi", translated_from=site.ids[0])
    fresh.published = datetime.now(UTC)
    fresh_id = site.store.upsert_article(fresh).article_id
    republished = make_article(21, title="Fresh original report elsewhere")
    republished.published = datetime.now(UTC)
    site.store.upsert_article(republished)
    schema = etree.XMLSchema(etree.parse(str(XSD / "sitemap.xsd")))
    with site.client() as client:
        for path in ("/sitemap.xml", "/news-sitemap.xml"):
            document = etree.fromstring(client.get(path).content)
            assert schema.validate(document), (path, schema.error_log)
        news = etree.fromstring(client.get("/news-sitemap.xml").content)
    assert len(news.xpath("//*[local-name()='news']")) == 1
    assert news.xpath("//*[local-name()='loc']/text()")[0].endswith(f"/vi/article/{fresh_id}/fresh-report-on-the-storm")
    assert news.xpath("//*[local-name()='name']/text()") == [site.app.state.portal.settings.site_name]
    broken = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>not a url</loc>'
                              b"<lastmod>yesterday</lastmod></url></urlset>")  # fmt: skip
    assert not schema.validate(broken)  # the schema can fail


def test_an_empty_news_sitemap_is_valid_and_left_out_of_the_index(site: Site) -> None:
    """With nothing from the last 48 hours the news sitemap still validates, and the index does not name it."""
    schema = etree.XMLSchema(etree.parse(str(XSD / "sitemap.xsd")))
    with site.client() as client:
        body = client.get("/news-sitemap.xml").content
        index = client.get("/sitemap-index.xml").text
    document = etree.fromstring(body)
    assert not document.xpath("//*[local-name()='news']")  # the seeded articles are older than two days
    assert schema.validate(document), schema.error_log
    assert "/news-sitemap.xml" not in index


def test_feeds_have_no_epoch_dates_and_atom_has_no_prefix(site: Site) -> None:
    """An archive's undated page is left out of feeds rather than dated 1970; Atom is in its default namespace."""
    undated = make_article(40, title="Undated archive page")
    undated.published = None
    site.store.upsert_article(undated)
    with site.client() as client:
        rss, atom_body = client.get("/feed.xml").text, client.get("/atom.xml").text
        json_feed = client.get("/feed.json").json()
    assert "1970" not in rss and "1970" not in atom_body
    assert all(not item["date_published"].startswith("1970") for item in json_feed["items"])
    assert "Undated archive page" not in rss + atom_body
    assert "ns0:" not in atom_body
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom_body.split(">", 2)[1]  # the <feed> start tag


def test_each_edition_has_its_own_feeds(site: Site) -> None:
    """/vi/feed.xml and /en/feed.xml name themselves, their language and a title in it."""
    with site.client() as client:
        vi, en = client.get("/vi/feed.xml"), client.get("/en/feed.xml")
        vi_atom = client.get("/vi/atom.xml").text
        vi_json = client.get("/vi/feed.json").json()
    assert vi.status_code == en.status_code == 200
    assert vi.content != en.content
    vi_feed, en_feed = feedparser.parse(vi.content), feedparser.parse(en.content)
    assert any(link.rel == "self" and link.href.endswith("/vi/feed.xml") for link in vi_feed.feed.links)
    assert any(link.rel == "self" and link.href.endswith("/en/feed.xml") for link in en_feed.feed.links)
    assert vi_feed.feed.language == "vi" and en_feed.feed.language == "en"
    assert "Tin mới" in vi_feed.feed.title or "Tin" in vi_feed.feed.title, vi_feed.feed.title
    assert 'xml:lang="vi"' in vi_atom
    assert vi_json["language"] == "vi" and vi_json["feed_url"].endswith("/vi/feed.json")


def test_the_sitemap_index_pages_the_whole_archive_once(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every visible article is in exactly one id-range page; hidden ones in none; each document is valid."""
    monkeypatch.setattr(feeds, "ARTICLES_PER_SITEMAP", 2)  # five seeded articles and one more: four pages
    portal = site.app.state.portal  # the publisher of record: every article's page is its own, in the sitemaps
    portal.settings = portal.settings.model_copy(update={"syndication": "self"})
    site.store.set_hidden(site.ids[1], True)
    russian = site.store.upsert_article(make_article(30, title="Новости Москвы")).article_id  # a slug kept in Cyrillic
    index_schema = etree.XMLSchema(etree.parse(str(XSD / "siteindex.xsd")))
    urlset_schema = etree.XMLSchema(etree.parse(str(XSD / "sitemap.xsd")))
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed: list[str] = []
    with site.client() as client:
        assert "/sitemap-index.xml" in client.get("/robots.txt").text
        index = etree.fromstring(client.get("/sitemap-index.xml").content)
        assert index_schema.validate(index), index_schema.error_log
        locations = [urlsplit(loc).path for loc in index.xpath("//s:sitemap/s:loc/text()", namespaces=namespaces)]
        pages = [path for path in locations if path.startswith("/sitemaps/")]
        news = etree.fromstring(client.get("/news-sitemap.xml").content)
        has_news = bool(news.xpath("//*[local-name()='news']"))
        assert locations[: 1 + has_news] == ["/sitemap.xml", "/news-sitemap.xml"][: 1 + has_news]
        assert ("/news-sitemap.xml" in locations) == has_news  # an empty news sitemap is left out of the index
        assert len(index.xpath("//s:sitemap/s:lastmod", namespaces=namespaces)) == len(locations)
        assert pages == [f"/sitemaps/articles-{n}.xml" for n in range(russian // 2 + 1)]
        for path in pages:
            response = client.get(path)
            if response.status_code == 404:  # a range whose articles are all hidden or gone
                continue
            document = etree.fromstring(response.content)
            assert urlset_schema.validate(document), (path, urlset_schema.error_log)
            listed += [urlsplit(loc).path for loc in document.xpath("//s:url/s:loc/text()", namespaces=namespaces)]
        assert client.get(f"/sitemaps/articles-{russian // 2 + 5}.xml").status_code == 404
        assert client.get("/sitemaps/articles--1.xml").status_code in (404, 422)
    listed_ids = [int(path.split("/article/")[1].split("/")[0]) for path in listed]
    assert sorted(listed_ids) == sorted([*(i for i in site.ids if i != site.ids[1]), russian])  # once each, not hidden
    assert (
        f"/en/article/{russian}/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8-%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D1%8B"
        in listed
    )
