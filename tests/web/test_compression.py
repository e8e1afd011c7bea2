"""Compressed responses (Brotli, zstd, gzip by what the client accepts), made once per cached page; form pages
gzipped around each reader's own CSRF token; Cache-Control on pages, feeds and fingerprinted static files."""

from __future__ import annotations

import gzip
import re
import zlib

import brotli
import httpx
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from newsloom.web import compress
from newsloom.web.security import CSRF_COOKIE
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
    again = raw(site, "/feed.xml", "gzip, deflate, br, zstd")
    assert again.body == first.body and edge.hits == hits + 1  # type: ignore[attr-defined]
    zstd = raw(site, "/sitemap.xml", "zstd")
    assert zstd.headers["content-encoding"] == "zstd"
    assert b"<urlset" in zstandard.ZstdDecompressor().decompressobj().decompress(zstd.body)  # type: ignore[attr-defined]
    assert "max-age=" in first.headers["cache-control"] and "stale-while-revalidate" in first.headers["cache-control"]


def test_form_pages_are_gzipped_with_each_readers_token(site: Site) -> None:
    path = f"/article/{site.ids[0]}/x"
    tokens = []
    for cookie in ("reader-one-cookie-value-0123456789", "reader-two-cookie-value-0123456789"):
        response = raw(site, path, "br, gzip", cookies={CSRF_COOKIE: cookie})
        assert response.headers["content-encoding"] == "gzip"  # br cannot be spliced around a token
        html = gzip.decompress(response.body).decode()  # type: ignore[attr-defined]
        plain = httpx.get(site.url + path, cookies={CSRF_COOKIE: cookie}).text
        assert html == plain
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', html).group(1))  # type: ignore[union-attr]
        assert response.headers["cache-control"].startswith("private")
    assert tokens[0] != tokens[1]


def test_static_files_are_fingerprinted_and_immutable(site: Site) -> None:
    with site.client() as client:
        home = client.get("/").text
        css = re.search(r'href="(/static/portal\.[0-9a-f]{10}\.css)"', home).group(1)  # type: ignore[union-attr]
        response = client.get(css, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
        assert response.headers["content-encoding"] == "br" and "body" in response.text
        assert "immutable" not in client.get("/static/portal.css").headers["cache-control"]
        assert "public" in client.get("/").headers["cache-control"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(max_size=3000), min_size=1, max_size=4),
    st.one_of(st.binary(max_size=80), st.sampled_from([65_535, 65_536, 140_000]).map(lambda n: b"t" * n)),
)
def test_spliced_gzip_is_what_any_inflater_reads(parts: list[bytes], token: bytes) -> None:
    """The one hand-framed format in the package (``web/compress.py``: deflate pieces full-flushed once, the token
    as stored blocks per request, the gzip header, trailer and CRC-32 written by hand), read back by the standard
    library's two inflaters. Fails if zlib's flush stops ending pieces on a byte boundary without a final block,
    or if a token over 65,535 bytes is not split into stored blocks."""
    expected = token.join(parts)
    body = compress.gzip_pieces(parts).assemble(parts, token)
    assert gzip.decompress(body) == expected
    inflater = zlib.decompressobj(31)  # gzip framing: checks the CRC-32 and the length in the trailer
    assert inflater.decompress(body) == expected
    assert inflater.eof and not inflater.unused_data
    for part, piece in zip(parts, compress.gzip_pieces(parts).parts, strict=True):
        raw_inflater = zlib.decompressobj(-15)
        assert raw_inflater.decompress(piece) == part
        assert not raw_inflater.eof  # a full flush, never a final block: more may follow
