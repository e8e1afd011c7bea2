"""Bounded decompression of response bodies: the decompression-bomb guard.

The fetcher asks servers for ``gzip`` or ``deflate`` only and inflates the raw bytes itself, passing zlib a
``max_length`` so a few kilobytes that inflate to gigabytes never get further than one byte past the cap
(``max_page_bytes``). Unknown encodings are refused rather than stored as gibberish.
"""

from __future__ import annotations

import zlib

from newsloom.errors import FetchError, TooLargeError


class BoundedInflater:
    """Inflate up to ``limit`` bytes; past it raise ``TooLargeError``, or with ``truncate`` stop there and set
    ``full`` (robots.txt: RFC 9309 asks crawlers to parse the first 500 KiB of a longer file, not to drop it)."""

    def __init__(self, encoding: str | None, limit: int, url: str, *, truncate: bool = False) -> None:
        self.limit = limit
        self.url = url
        self.produced = 0
        self.truncate = truncate
        self.full = False
        encoding = (encoding or "identity").strip().lower()
        self.encoding = encoding
        if encoding in ("identity", ""):
            self.inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_fallback = True
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}", url)

    def _count(self, data: bytes) -> bytes:
        if self.truncate and self.produced + len(data) >= self.limit:
            data = data[: self.limit - self.produced]
            self.full = True
        self.produced += len(data)
        if self.produced > self.limit:
            raise TooLargeError(f"body inflates past {self.limit} bytes", self.url)
        return data

    def feed(self, chunk: bytes) -> bytes:
        if self.full:
            return b""
        if self.inflater is None:
            return self._count(chunk)
        parts = []
        data = chunk
        try:
            while data and not self.full:
                part = self.inflater.decompress(data, self.limit - self.produced + 1)
                parts.append(self._count(part))
                data = self.inflater.unconsumed_tail
        except zlib.error as error:
            if self.encoding == "deflate" and self.produced == 0 and getattr(self, "_raw_deflate_fallback", False):
                # Some servers send raw deflate (no zlib header) under "deflate": retry once that way.
                self._raw_deflate_fallback = False
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(chunk)
            raise FetchError(f"corrupt {self.encoding} body: {error}", self.url) from error
        return b"".join(parts)

    def finish(self) -> bytes:
        if self.inflater is None or self.full:
            return b""
        return self._count(self.inflater.flush())
