"""RSS, Atom and sitemaps: valid XML with the required elements, parsed as a feed reader would."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser

from tests.web.conftest import Site


def test_rss_and_atom_parse_cleanly(site: Site) -> None:
    with site.client() as client:
        for path, version in (
            ("/feed.xml", "rss20"),
            ("/atom.xml", "atom10"),
            ("/section/world/feed.xml", "rss20"),
            ("/tag/football/atom.xml", "atom10"),
            ("/outlet/example-org/feed.xml", "rss20"),
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            assert parsed.version == version
            assert parsed.feed.title and parsed.entries
            for entry in parsed.entries:
                assert entry.title and entry.link.startswith("http://127.0.0.1:8000/article/")
        assert client.get("/section/nope/feed.xml").status_code == 404
        etag = client.get("/feed.xml").headers["etag"]
        assert client.get("/feed.xml", headers={"If-None-Match": etag}).status_code == 304


def test_sitemaps(site: Site) -> None:
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "n": "http://www.google.com/schemas/sitemap-news/0.9",
    }
    with site.client() as client:
        sitemap = ET.fromstring(client.get("/sitemap.xml").content)
        news = ET.fromstring(client.get("/news-sitemap.xml").content)
    locations = [loc.text for loc in sitemap.findall("s:url/s:loc", namespaces)]
    assert sum("/article/" in (loc or "") for loc in locations) == 5
    assert news.findall("s:url/n:news", namespaces) == []  # the seeded articles are from 2024, not the last 48 hours


def test_metrics_and_health(site: Site) -> None:
    with site.client() as client:
        client.get("/")
        metrics = client.get("/metrics").text
        assert client.get("/healthz").text == "ok"
    assert "newsloom_articles 5" in metrics
    assert 'newsloom_http_requests_total{route="home",status="200"}' in metrics
