"""HTTP validators for the JSON API: a strong ETag over each answer's bytes and a short public lifetime.

API clients poll (a reader app refreshing its list, a partner mirroring a section): with an ETag they ask
``If-None-Match`` and get an empty 304 when nothing changed, and a shared cache may hold an answer for a minute.
Answers are small JSON documents, so hashing the bytes is cheaper than tracking which rows each one read.
Errors and non-GET answers pass untouched; an answer that set its own Cache-Control keeps it.
"""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CACHE_CONTROL = b"public, max-age=60"


def etag_of(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison, as RFC 9110 asks for GET)."""
    if if_none_match.strip() == b"*":
        return True
    wanted = {tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")}
    return etag in wanted


class ApiCaching:
    """Pure ASGI: buffers a successful GET's body, adds ETag and Cache-Control, answers 304 when it matches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:  # errors and redirects go out as they are
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffered)

    @staticmethod
    async def _finish(scope: Scope, start: Message, body: bytes, send: Send) -> None:
        etag = etag_of(body)
        headers = [(name, value) for name, value in start.get("headers", []) if name != b"content-length"]
        if not any(name == b"cache-control" for name, _ in headers):
            headers.append((b"cache-control", API_CACHE_CONTROL))
        headers.append((b"etag", etag))
        asked = next((value for name, value in scope["headers"] if name == b"if-none-match"), None)
        if asked is not None and matches(asked, etag):
            kept = [(n, v) for n, v in headers if n not in (b"content-type", b"content-encoding")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
