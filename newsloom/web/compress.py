"""Compressed responses: Brotli, zstd and gzip, chosen from what the client accepts, made once per cached page.

The edge cache keeps, beside each page's bytes, each encoding asked for so far: a page is compressed once per
store change, not per request. Pages with a form carry the reader's CSRF token, so their bytes differ per
reader; for them gzip is made of independent deflate pieces (each page part compressed once with a full flush,
which makes it self-contained) and only the token, a few dozen bytes, is compressed per request, then framed
with the gzip header and a CRC-32 computed over the reader's bytes (RFC 1951 allows any sequence of non-final
blocks). Brotli and zstd streams cannot be spliced, so form pages are sent gzipped (every browser accepts gzip).

Why by hand: the standard library compresses a whole stream only, so a per-reader page would be compressed again
on every request, costing several times the rest of a cached answer (BENCHMARKS.md, "Web: compressed responses").
The framing is kept in this module alone; ``tests/web/test_compression.py`` reads it back with the standard
library's inflaters and fails if zlib's flush behaviour changes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from functools import lru_cache

import brotli
import zstandard

COMPRESSIBLE = (b"text/", b"application/json", b"application/xml", b"application/rss+xml", b"application/atom+xml",
                b"application/feed+json", b"application/javascript", b"image/svg+xml", b"application/manifest+json")  # fmt: skip
MIN_BYTES = 512
PREFERENCE = (b"br", b"zstd", b"gzip")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final fixed-Huffman block with no data
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
def choose(header: bytes, splittable_only: bool = False) -> bytes | None:
    """The coding to answer with: Brotli, then zstd, then gzip; gzip only for per-reader (form) pages."""
    if not header:
        return None
    codings = accepted(header)
    for coding in (b"gzip",) if splittable_only else PREFERENCE:
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


def compress(body: bytes, coding: bytes) -> bytes:
    # Levels for a page's first request, which pays for them: chosen from the levels table of
    # bench/compress_bench.py (BENCHMARKS.md, "Web: compressed responses"), where a level or two lower costs far
    # less CPU for a few percent more bytes. Form pages, every article page among them, are always gzip: its level
    # is paid on every first render of an article, the portal's commonest uncached request.
    if coding == b"br":
        compressed: bytes = brotli.compress(body, quality=4, lgwin=22)
        return compressed
    if coding == b"zstd":
        return _ZSTD.compress(body)
    return gzip_pieces([body]).assemble([body], b"")


class GzipPieces:
    """A gzip body in pieces: the page's parts compressed once, joined per request around the reader's token."""

    __slots__ = ("head_crc", "parts")

    def __init__(self, parts: tuple[bytes, ...], head_crc: int) -> None:
        self.parts = parts
        self.head_crc = head_crc  # CRC-32 of the first plain part, which no reader's token precedes

    def assemble(self, plain_parts: Sequence[bytes], token: bytes) -> bytes:
        pieces = [GZIP_HEADER, self.parts[0]]
        crc = self.head_crc
        token_piece = _stored_piece(token) if len(plain_parts) > 1 else b""
        for plain, packed in zip(plain_parts[1:], self.parts[1:], strict=True):
            pieces.append(token_piece)
            crc = zlib.crc32(token, crc)
            pieces.append(packed)
            crc = zlib.crc32(plain, crc)
        size = sum(len(p) for p in plain_parts) + len(token) * (len(plain_parts) - 1)
        pieces.append(FINAL_EMPTY_BLOCK)
        pieces.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        return b"".join(pieces)


def _stored_piece(data: bytes) -> bytes:
    """``data`` as stored (uncompressed) non-final deflate blocks. The reader's token is made per request, and
    setting up a compressor for a few dozen bytes (zlib allocates its whole window) cost more than the rest of a
    cached answer; a stored block costs nothing and is as valid. Pieces end byte-aligned (full flush),
    which a stored block needs."""
    blocks = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


def _deflate_piece(data: bytes, level: int = 3) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def gzip_pieces(parts: Sequence[bytes]) -> GzipPieces:
    return GzipPieces(tuple(_deflate_piece(part) for part in parts), zlib.crc32(parts[0]))
