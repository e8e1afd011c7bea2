"""Compressed responses: zstd, Brotli and gzip, chosen from what the client accepts, made once per cached page.

The edge cache keeps, beside each page's bytes, each encoding asked for so far: a page is compressed once per
store change, not per request. Kept pages hold nothing of their reader's (``web.page_cache``), so every one of
them, article pages with their comment form included, is sent in the client's best coding: zstd first (Chrome,
Edge and Firefox accept it), then Brotli.
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
PREFERENCE = (b"zstd", b"br", b"gzip")
_ZSTD = zstandard.ZstdCompressor(level=3)
_ZSTD_ONCE = zstandard.ZstdCompressor(level=1)


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
    """The coding to answer with: zstd, then Brotli, then gzip."""
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
    # request, is compressed once: zstd 3 makes as few bytes as Brotli 2 for half its CPU (35 against 68 µs an
    # article page), which is why zstd comes first; Brotli 2 for the clients that take Brotli and not zstd (a
    # fifth of Brotli 4's CPU for a tenth more bytes, fewer than deflate 3's). ``once``: a page that is mostly read
    # once (a new search) gets the level below, about two thirds of the CPU for 2-7% more bytes.
    if coding == b"zstd":
        return (_ZSTD_ONCE if once else _ZSTD).compress(body)
    if coding == b"br":
        compressed: bytes = brotli.compress(body, quality=1 if once else 2, lgwin=22)
        return compressed
    packer = zlib.compressobj(3, zlib.DEFLATED, 31)  # gzip framing
    return packer.compress(body) + packer.flush()
