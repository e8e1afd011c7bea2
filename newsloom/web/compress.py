"""Compressed responses: Brotli, zstd and gzip, chosen from what the client accepts, made once per cached page.

The edge cache keeps, beside each page's bytes, each encoding asked for so far: a page is compressed once per
store change, not per request. Kept pages hold nothing of their reader's (``web.page_cache``), so every one of
them, article pages with their comment form included, is sent in the client's best coding: Brotli first.
Levels are chosen for a page's first request, which pays for them (BENCHMARKS.md, "Web: compressed responses").
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache

import brotli
import zstandard

COMPRESSIBLE = (b"text/", b"application/json", b"application/xml", b"application/rss+xml", b"application/atom+xml",
                b"application/feed+json", b"application/javascript", b"image/svg+xml", b"application/manifest+json")  # fmt: skip
MIN_BYTES = 512
PREFERENCE = (b"br", b"zstd", b"gzip")
_ZSTD = zstandard.ZstdCompressor(level=3)


def accepted(header: bytes) -> set[bytes]:
    """Codings the client accepts (``q=0`` excluded)."""
    found: set[bytes] = set()
    for item in header.lower().split(b","):
        name, _, params = item.strip().partition(b";")
        quality = params.strip()
        if quality.startswith(b"q=") and quality[2:].strip() in (b"0", b"0.0", b"0.00", b"0.000"):
            continue
        if name:
            found.add(name.strip())
    if b"*" in found:
        found.update(PREFERENCE)
    return found


@lru_cache(maxsize=256)  # clients send few distinct headers; parsing one on every cached answer cost a third of it
def choose(header: bytes) -> bytes | None:
    """The coding to answer with: Brotli, then zstd, then gzip."""
    if not header:
        return None
    codings = accepted(header)
    for coding in PREFERENCE:
        if coding in codings:
            return coding
    return None


def compressible(headers: Sequence[tuple[bytes, bytes]], size: int) -> bool:
    if size < MIN_BYTES:
        return False
    kind = b""
    for name, value in headers:
        if name == b"content-encoding":
            return False
        if name == b"content-type":
            kind = value.lower()
    return kind.startswith(COMPRESSIBLE)


def compress(body: bytes, coding: bytes, once: bool = False) -> bytes:
    # Levels for a page's first request, which pays for them: chosen from the levels table of
    # bench/compress_bench.py (BENCHMARKS.md, "Web: compressed responses"), where a level or two lower costs far
    # less CPU for a few percent more bytes. A first render of an article, the portal's commonest uncached
    # request, is compressed once in Brotli, nearly every browser's coding: quality 2 costs a fifth of quality 4's
    # CPU (less than deflate 3's) for about a tenth more bytes, still fewer than deflate's. ``once``: a page that
    # is mostly read once (a new search), for which quality 1 costs about half of quality 2's CPU for 8% more
    # bytes (bench/search_profile.py's pages: 36 against 63 µs, 2,541 against 2,351 bytes).
    if coding == b"br":
        compressed: bytes = brotli.compress(body, quality=1 if once else 2, lgwin=22)
        return compressed
    if coding == b"zstd":
        return _ZSTD.compress(body)
    packer = zlib.compressobj(3, zlib.DEFLATED, 31)  # gzip framing
    return packer.compress(body) + packer.flush()
