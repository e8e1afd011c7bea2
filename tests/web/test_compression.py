"""Compressed responses (zstd, Brotli, gzip by what the client accepts), made once per cached page, article pages
with their comment form included; Cache-Control on pages, feeds and fingerprinted static files."""

from __future__ import annotations

import gzip
import re

import brotli
import httpx
import zstandard

from newsloom.web.portal import article_path
from tests.web.conftest import Site


def raw(site: Site, path: str, coding: str, cookies: dict[str, str] | None = None) -> httpx.Response:
    """A response whose body is left as sent (httpx would decode it)."""
    with (
        httpx.Client(base_url=site.url, cookies=cookies) as client,
        client.stream("GET", path, headers={"Accept-Encoding": coding}) as response,
    ):
        response.body = b"".join(response.iter_raw())  # type: ignore[attr-defined]
        return response


def test_feed_is_brotli_and_cached_compressed(site: Site) -> None:
    plain = httpx.get(site.url + "/feed.xml", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    first = raw(site, "/feed.xml", "br")
    assert first.headers["content-encoding"] == "br" and first.headers["vary"] == "Accept-Encoding"
    assert brotli.decompress(first.body) == plain.content  # type: ignore[attr-defined]
    assert len(first.body) < len(plain.content) / 2  # type: ignore[attr-defined]
    edge = site.app.state.edge
    hits = edge.hits
    again = raw(site, "/feed.xml", "br;q=1.0, gzip")
    assert again.body == first.body and edge.hits == hits + 1  # type: ignore[attr-defined]
    zstd = raw(site, "/atom.xml", "zstd")
    assert zstd.headers["content-encoding"] == "zstd"
    assert b"<feed" in zstandard.ZstdDecompressor().decompressobj().decompress(zstd.body)  # type: ignore[attr-defined]
    # a browser's header (Chrome, Edge, Firefox): zstd, made once and then kept beside the Brotli copy
    browser = raw(site, "/feed.xml", "gzip, deflate, br, zstd")
    assert browser.headers["content-encoding"] == "zstd" and edge.hits == hits + 2
    assert zstandard.ZstdDecompressor().decompressobj().decompress(browser.body) == plain.content  # type: ignore[attr-defined]
    assert raw(site, "/feed.xml", "zstd, br").body == browser.body and edge.hits == hits + 3  # type: ignore[attr-defined]
    assert "max-age=" in first.headers["cache-control"] and "stale-while-revalidate" in first.headers["cache-control"]


def test_article_pages_with_a_form_are_brotli_for_every_reader(site: Site) -> None:
    """One set of bytes for every reader, so the article page is sent in Brotli to a client that accepts Brotli
    only, compressed once; gzip to a gzip-only client; the same page either way."""
    path = article_path(site.store.get_article(site.ids[0]))
    plain = httpx.get(site.url + path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and "set-cookie" not in plain.headers
    first = raw(site, path, "br")
    assert first.headers["content-encoding"] == "br" and first.headers["cache-control"].startswith("public")
    assert brotli.decompress(first.body) == plain.content  # type: ignore[attr-defined]
    again = raw(site, path, "br", cookies={"csrf": "a-cookie-from-before"})  # an old cookie changes nothing
    assert again.body == first.body and "set-cookie" not in again.headers  # type: ignore[attr-defined]
    gzipped = raw(site, path, "gzip")
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gzipped.body) == plain.content  # type: ignore[attr-defined]


def test_new_searches_are_compressed_at_the_cheaper_level_articles_at_the_usual_one(site: Site) -> None:
    """A search page is mostly read once: the level below (zstd 1, Brotli 1), a fraction of the usual level's CPU
    for a few more bytes; an article page, read again and again, gets the usual one (zstd 3, Brotli 2). Each
    decodes to the page."""
    for query, accept, coding in (("paragraph+1", "br", "br"), ("paragraph+2", "gzip, deflate, br, zstd", "zstd")):
        search = f"/search?q={query}"
        plain = httpx.get(site.url + search, headers={"Accept-Encoding": "identity"}).content
        sent = raw(site, search, accept)
        assert sent.headers["content-encoding"] == coding
        if coding == "br":
            assert brotli.decompress(sent.body) == plain and b"Article number 1" in plain  # type: ignore[attr-defined]
            assert (
                sent.body == brotli.compress(plain, quality=1, lgwin=22) != brotli.compress(plain, quality=2, lgwin=22)
            )  # type: ignore[attr-defined]
        else:
            once, usual = zstandard.ZstdCompressor(level=1), zstandard.ZstdCompressor(level=3)
            assert sent.body == once.compress(plain) != usual.compress(plain)  # type: ignore[attr-defined]
    path = article_path(site.store.get_article(site.ids[0]))
    page = httpx.get(site.url + path, headers={"Accept-Encoding": "identity"}).content
    assert raw(site, path, "br").body == brotli.compress(page, quality=2, lgwin=22)  # type: ignore[attr-defined]
    assert raw(site, path, "zstd").body == zstandard.ZstdCompressor(level=3).compress(page)  # type: ignore[attr-defined]


def test_static_files_are_fingerprinted_and_immutable(site: Site) -> None:
    with site.client() as client:
        home = client.get("/").text
        css = re.search(r'href="(/static/portal\.[0-9a-f]{10}\.css)"', home).group(1)  # type: ignore[union-attr]
        response = client.get(css, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
        assert response.headers["content-encoding"] == "br" and "body" in response.text
        assert "immutable" not in client.get("/static/portal.css").headers["cache-control"]
        assert "public" in client.get("/").headers["cache-control"]
