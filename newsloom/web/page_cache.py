"""The page cache at the edge of the application: whole responses for readers' GETs, served before routing.

A portal is read far more than it changes, and most of a page request's cost is the framework around the page
(routing, dependency injection, a worker thread), not the page. So rendered responses are kept in memory and a
repeated GET is answered here, in the event loop, from bytes. Correctness rests on two things:

- Validation: an entry is served only while the store's change token (``PRAGMA data_version`` on SQLite) is the
  one it was rendered under. Any commit, from any process (crawler, admin, comment), makes every entry stale, so
  a hidden article or an approved comment shows on the next request. Routes may add a time limit for what does
  not live in the store (the home page's "most read", the article page's daily form token).
- Shared bytes: a kept page holds nothing of its reader's (no cookie, no per-reader token), so every reader gets
  the same bytes, and downstream caches may share them (``Cache-Control: public``). Routes render a form's token
  as a placeholder; it is filled in here, once per entry, with the form's token, the same for every reader of the
  day (``web.security``), and the entry ends with the token's day. Each is compressed once per coding asked for.

Validators: a weak ETag over the bytes, and Last-Modified, the second this process first rendered these bytes
(carried over a re-rendering that gives the same bytes), so ``If-None-Match`` and ``If-Modified-Since`` get a
304. When two versions of a page fall in one second, that second's ``If-Modified-Since`` gets the page.

A search (``/search``) is answered by its route's function called here, without FastAPI's routing and parameter
checks, whenever the route would take its parameters as they are (``pages.direct_search``).

Only responses a route marks with ``CACHE_HEADER`` are kept; administrators (a session cookie) always get a fresh,
private rendering. Concurrent misses on one address render once (single flight); while a page whose time ran out
(not the store) is made again, the readers meanwhile get the one before.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formatdate, mktime_tz, parsedate_tz
from functools import lru_cache
from typing import Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsloom.web import compress
from newsloom.web.api_caching import matches
from newsloom.web.article_blocks import NO_STORED_PAGE
from newsloom.web.comments import comment_purpose
from newsloom.web.editions import edition_of, prefix_of
from newsloom.web.pages import direct_search
from newsloom.web.portal import CACHE_HEADER as PAGE_CACHE_HEADER
from newsloom.web.portal import CSRF_PLACEHOLDER, Portal
from newsloom.web.replay import REPLAY_SLOT, ReplaySlot, ReplayTable
from newsloom.web.security import SESSION_COOKIE, Guard

CACHE_HEADER = PAGE_CACHE_HEADER.encode()  # set by routes: seconds an entry may live ("0": until the store changes)
# Addresses whose responses are never pages: passed straight through, unbuffered.
PASS_THROUGH = ("/static/", "/media/", "/api/", "/admin", "/healthz", "/metrics")
ARTICLE_PATH = re.compile(r"^/article/(\d{1,18})/")
ARTICLE_PAGE = re.compile(r"^/article/(\d{1,18})/([^/]+)$")
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_DROPPED = {b"content-length", b"set-cookie", b"etag", b"last-modified", CACHE_HEADER}
COMPRESSED_PASS_THROUGH = ("/static/", "/api/")
# Browsers may keep a page a minute, shared caches (nginx, a CDN) two, and either may serve it stale for ten more
# while it refreshes: a hidden article or a new comment shows downstream within minutes, the edge at once. Well
# inside the comment token's day of grace (``web.security.FORM_TOKEN_PERIOD``).
PUBLIC_PAGE = b"public, max-age=60, s-maxage=120, stale-while-revalidate=600"
# A logged-in administrator's rendering: for that browser only, and not kept (it may show what readers do not).
PRIVATE_PAGE = b"private, no-store"
_NOT_MODIFIED_HEADERS = (b"cache-control", b"vary", b"last-modified")


@dataclass(slots=True)
class Entry:
    version: object
    expires: float | None
    status: int
    # Tuples of bytes, which the garbage collector stops tracking: thousands of entries add nothing to its passes.
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes
    modified: int  # Last-Modified, in whole seconds since the epoch
    ambiguous: bool = False  # another version of the page had the same Last-Modified second
    compressible: bool = False
    encoded: dict[bytes, bytes] = field(default_factory=dict)  # compressed once per coding asked for
    read_once: bool = False  # mostly read once (a new search): compressed at a cheaper level (``compress``)

    @property
    def size(self) -> int:
        return len(self.body) + 200 + self.encoded_size

    @property
    def encoded_size(self) -> int:
        return sum(len(value) for value in self.encoded.values())


class EdgeCache:
    def __init__(self, app: ASGIApp, portal: Portal, max_bytes: int) -> None:
        self.app = app
        self.portal = portal
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, bytes], Entry] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple[str, bytes], asyncio.Lock] = {}
        self.hits = 0
        self.misses = 0
        self._static: dict[tuple[str, bytes, bytes], bytes] = {}
        self.replays = ReplayTable(max_bytes)  # answers from kept entries, replayed by the HTTP protocol

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(PASS_THROUGH):
            if scope["type"] == "http" and scope["path"].startswith(COMPRESSED_PASS_THROUGH):
                await self._compressed_pass_through(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        request = _RequestHeaders(scope)
        # Keyed by edition and link prefix too: /en/x, /vi/x and an un-prefixed /x are different pages.
        key = (f"{edition_of(scope)}{prefix_of(scope)}{scope['path']}", scope["query_string"] + self._host_part(scope))
        version = self.portal.store.change_token()
        if self.max_bytes <= 0 or request.logged_in:
            status, headers, body = await self._render(scope, receive, version)
            await self._respond(scope, send, request, status, headers, body)
            return
        entry = self._fresh(key, version)
        if entry is None:
            flight = self._flights.setdefault(key, asyncio.Lock())
            if flight.locked() and (stale := self._timed_out(key, version)) is not None:
                self.hits += 1  # its page is being made again: the readers meanwhile get the one before
                await self._send_entry(scope, send, request, stale, key)
                return
            async with flight:
                entry = self._fresh(key, version)
                if entry is None:
                    self.misses += 1
                    stored = self._stored_article(scope, version)
                    status, headers, body = stored or await self._render(scope, receive, version)
                    entry = self._keep(key, version, status, headers, body, scope["method"], scope["path"])
                    if entry is None:
                        self._forget(key)
                        await self._respond(scope, send, request, status, headers, body)
                        return
            if not flight.locked():
                self._flights.pop(key, None)
            await self._send_entry(scope, send, request, entry, key)
            return
        self.hits += 1
        # Read again: from now on its protocol may replay this answer (a page read once never costs a replay).
        await self._send_entry(scope, send, request, entry, key, scope.get(REPLAY_SLOT))

    def _host_part(self, scope: Scope) -> bytes:
        """Pages name their public address: when it comes from the proxy's headers, pages vary by them."""
        if not self.portal.settings.trust_proxy_headers or self.portal.settings.base_url_is_set:
            return b""
        wanted = (b"host", b"x-forwarded-host", b"x-forwarded-proto")
        return b"#" + b"|".join(value for name, value in scope["headers"] if name in wanted)

    # -- the cache ---------------------------------------------------------------------------------------------

    def _fresh(self, key: tuple[str, bytes], version: object) -> Entry | None:
        """The entry for ``key`` if still valid. A stale one stays until its page is rendered again, which reads
        its validators (``_keep``)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != version or (entry.expires is not None and entry.expires < time.monotonic()):
            return None
        self._entries.move_to_end(key)
        return entry

    def _timed_out(self, key: tuple[str, bytes], version: object) -> Entry | None:
        """The entry for ``key`` if only its time ran out (the store is as it was rendered under): a page kept for a
        minute for what lives outside the store (the home page's "most read"), or until its form token's day ends
        (tokens have a day of grace)."""
        entry = self._entries.get(key)
        return entry if entry is not None and entry.version == version and entry.expires is not None else None

    def _keep(
        self, key: tuple[str, bytes], version: object, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
        method: str, path: str,
    ) -> Entry | None:  # fmt: skip
        marks = [value for name, value in headers if name == CACHE_HEADER]
        if not marks or status != 200 or method != "GET":
            return None
        body, form_seconds = self._fill_forms(path, body)
        seconds = int(marks[0] or b"0")
        if form_seconds is not None:
            seconds = form_seconds if seconds <= 0 else min(seconds, form_seconds)
        kept = [(name, value) for name, value in headers if name not in _DROPPED]
        if not any(name == b"cache-control" for name, _ in kept):
            kept.append((b"cache-control", PUBLIC_PAGE))
        etag = b'W/"' + etag_digest(body) + b'"'
        previous = self._entries.get(key)
        if previous is not None and previous.etag == etag:  # the same bytes: not modified since then
            modified, ambiguous = previous.modified, previous.ambiguous
        else:
            modified = int(time.time())
            if previous is not None and previous.modified >= modified:  # two versions in one second
                modified, ambiguous = previous.modified, True
            else:
                ambiguous = False
        kept.append((b"last-modified", formatdate(modified, usegmt=True).encode()))
        is_compressible = compress.compressible(kept, len(body))
        if is_compressible:
            kept.append((b"vary", b"Accept-Encoding"))
        entry = Entry(
            version=version,
            expires=time.monotonic() + seconds if seconds > 0 else None,
            status=status,
            headers=tuple(kept),
            body=body,
            etag=etag,
            modified=modified,
            ambiguous=ambiguous,
            compressible=is_compressible,
            read_once=path == "/search",
        )
        self._forget(key)
        self._entries[key] = entry
        self._bytes += entry.size
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            self._forget(next(iter(self._entries)))
        return entry

    def _forget(self, key: tuple[str, bytes]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size

    # -- responses ---------------------------------------------------------------------------------------------

    async def _render(
        self, scope: Scope, receive: Receive, version: object = None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The route's response, rendered with the store's change token pinned at ``version`` (``Portal.pin``)."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        pinned = self.portal.pin(version) if version is not None else None
        try:
            if scope["path"] == "/search" and scope["method"] == "GET":  # routing was a fifth of a new search
                response = await direct_search(self.portal, scope)
                if response is not None:
                    return response.status_code, list(response.raw_headers), bytes(response.body)
            await self.app(scope, receive, capture)
        finally:
            if pinned is not None:
                self.portal.unpin(pinned)
        return start["status"], list(start.get("headers", [])), b"".join(chunks)

    def _stored_article(self, scope: Scope, version: object) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """A plain article address whose page is stored (``web.article_blocks``): answered here as the route would
        answer it, without routing (a third of such a first render). Anything else (a query string, a wrong slug, no
        valid row) goes to the route."""
        match = ARTICLE_PAGE.match(scope["path"])
        if match is None or scope["query_string"] or int(match.group(1)) < 1:
            return None
        pinned = self.portal.pin(version)
        try:
            edition, prefix = edition_of(scope, self.portal.settings.edition_list[0]), prefix_of(scope)
            if edition not in self.portal.editions:
                return None
            found = self.portal.blocks.page(int(match.group(1)), edition, prefix)
        finally:
            self.portal.unpin(pinned)
        if found is None:
            scope[NO_STORED_PAGE] = True  # the route renders it live without asking again
        if found is None or found[0] != match.group(2):
            return None
        body = found[1].encode()
        headers = [(b"content-language", edition.encode()), (b"content-length", str(len(body)).encode()),
                   (b"content-type", b"text/html; charset=utf-8"), (CACHE_HEADER, b"0")]  # fmt: skip
        return 200, headers, body

    async def _respond(
        self, scope: Scope, send: Send, request: _RequestHeaders, status: int, headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> None:  # fmt: skip
        """A response that is not kept: an administrator's page is private; compressed as a kept one would be."""
        self._count_view(scope, status)
        marked = any(name == CACHE_HEADER for name, _ in headers)
        kept = [(name, value) for name, value in headers if name not in (CACHE_HEADER, b"content-length")]
        if marked:
            body, _ = self._fill_forms(scope["path"], body)
        if marked and not any(name == b"cache-control" for name, _ in kept):
            if request.logged_in:
                kept.append((b"cache-control", PRIVATE_PAGE))
            elif status == 200:
                kept.append((b"cache-control", PUBLIC_PAGE))
        coding = compress.choose(request.accept_encoding) if compress.compressible(kept, len(body)) else None
        if coding is not None:
            body = compress.compress(body, coding)
            kept += [(b"content-encoding", coding), (b"vary", b"Accept-Encoding")]
        await _send(send, status, kept, body, scope["method"])

    async def _send_entry(
        self, scope: Scope, send: Send, request: _RequestHeaders, entry: Entry, key: tuple[str, bytes],
        slot: ReplaySlot | None = None,
    ) -> None:  # fmt: skip
        self._count_view(scope, entry.status)
        if _not_modified(request, entry):
            headers = [(name, value) for name, value in entry.headers if name in _NOT_MODIFIED_HEADERS]
            if slot is not None:
                self._offer(slot, scope, key, entry, b"")
            await _send(send, 304, [*headers, (b"etag", entry.etag)], b"", scope["method"])
            return
        headers = [*entry.headers, (b"etag", entry.etag)]
        coding = compress.choose(request.accept_encoding) if entry.compressible else None
        body = entry.body
        if coding is not None:
            headers.append((b"content-encoding", coding))
            body = self._encoded(key, entry, coding)
        if slot is not None:
            self._offer(slot, scope, key, entry, b"" if scope.get("newsloom.head") else body)
        await _send(send, entry.status, headers, body, scope["method"])

    def _offer(self, slot: ReplaySlot, scope: Scope, key: tuple[str, bytes], entry: Entry, body: bytes) -> None:
        """This answer may be replayed by the HTTP protocol (``web.replay``) while ``entry`` is the one a request for
        ``key`` gets; each replay is a hit and, for an article, a read."""
        counted = None if scope.get("newsloom.head") or entry.status != 200 else ARTICLE_PATH.match(scope["path"])
        slot.offer(self.replays, _Replayed(self, key, entry, int(counted.group(1)) if counted else None), body)

    def _encoded(self, key: tuple[str, bytes], entry: Entry, coding: bytes) -> bytes:
        """The entry in ``coding``, compressed once per entry."""
        found = entry.encoded.get(coding)
        if found is None:
            found = entry.encoded[coding] = compress.compress(entry.body, coding, entry.read_once)
            if self._entries.get(key) is entry:  # still kept: its compressed copy counts against the budget
                self._bytes += len(found)
        return found

    async def _compressed_pass_through(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Static files and API answers, compressed per request when the client accepts it (small, or varied)."""
        request = _RequestHeaders(scope)
        if not request.accept_encoding:
            await self.app(scope, receive, send)
            return
        status, headers, body = await self._render(scope, receive)
        coding = (
            compress.choose(request.accept_encoding)
            if status == 200 and compress.compressible(headers, len(body))
            else None
        )
        if coding is not None:
            key = (scope["path"], coding, _header(headers, b"etag"))
            packed = self._static.get(key) if key[2] else None
            if packed is None:
                packed = compress.compress(body, coding)
                if key[2] and scope["path"].startswith("/static/"):
                    self._static[key] = packed
            body = packed
            headers = [(n, v) for n, v in headers if n != b"content-length"]
            headers += [(b"content-encoding", coding), (b"vary", b"Accept-Encoding")]
        else:
            headers = [(n, v) for n, v in headers if n != b"content-length"]
        await _send(send, status, headers, body, scope["method"])

    def _fill_forms(self, path: str, body: bytes) -> tuple[bytes, int | None]:
        """The page with its form's token in place of the placeholder, and the seconds left in the token's day
        (None: no form). The seconds are read first, so a page is never kept past its token's day."""
        if _PLACEHOLDER not in body:
            return body, None
        seconds = Guard.form_token_seconds()
        return body.replace(_PLACEHOLDER, self.portal.guard.form_token(form_purpose(path)).encode()), seconds

    def _count_view(self, scope: Scope, status: int) -> None:
        path = scope["path"]
        if scope.get("newsloom.head"):  # a HEAD (answered as a GET by the app's outer layer) is not a read
            return
        if status == 200 and (match := ARTICLE_PATH.match(path)):
            self.portal.count_view(int(match.group(1)))


class _Replayed:
    """What a replay of an entry's answer checks and does (one object: replays are kept by the thousand, and
    closures would be several objects each for the garbage collector to walk)."""

    __slots__ = ("article", "cache", "entry", "key")

    def __init__(self, cache: EdgeCache, key: tuple[str, bytes], entry: Entry, article: int | None) -> None:
        self.cache, self.key, self.entry, self.article = cache, key, entry, article

    def still(self) -> bool:
        return self.cache._fresh(self.key, self.cache.portal.store.change_token()) is self.entry

    def __call__(self) -> None:
        self.cache.hits += 1
        if self.article is not None:
            self.cache.portal.count_view(self.article)


class _RequestHeaders:
    """The request headers the cache reads, and whether an administrator's session cookie came along."""

    __slots__ = ("accept_encoding", "if_modified_since", "if_none_match", "logged_in")

    def __init__(self, scope: Scope) -> None:
        cookie_header = b""
        self.if_none_match = b""
        self.if_modified_since = b""
        self.accept_encoding = b""
        for name, value in scope["headers"]:
            if name == b"cookie":
                cookie_header = value
            elif name == b"if-none-match":
                self.if_none_match = value
            elif name == b"if-modified-since":
                self.if_modified_since = value
            elif name == b"accept-encoding":
                self.accept_encoding = value
        self.logged_in = bool(cookie_header) and SESSION_COOKIE in cookie_parser(cookie_header.decode("latin-1"))


def etag_digest(body: bytes) -> bytes:
    """A page's ETag: 128 bits of SHA-256 over its bytes. Each first render hashes its page: SHA-256 runs in the
    processor's SHA instructions on today's x86 and ARM servers (half BLAKE2b's time on a 20 KB page here)."""
    return hashlib.sha256(body).hexdigest()[:32].encode()


def form_purpose(path: str) -> str:
    """What a page's form token is for: an article page's form posts a comment on that article."""
    match = ARTICLE_PATH.match(path)
    return comment_purpose(int(match.group(1))) if match else f"form:{path}"


def _not_modified(request: _RequestHeaders, entry: Entry) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match when sent, else If-Modified-Since."""
    if request.if_none_match:
        return matches(request.if_none_match, entry.etag.removeprefix(b"W/"))
    if not request.if_modified_since:
        return False
    since = http_date(request.if_modified_since)
    if since is None:
        return False
    return since > entry.modified or (since == entry.modified and not entry.ambiguous)


@lru_cache(maxsize=256)  # a page's readers send back the few Last-Modified values it gave
def http_date(value: bytes) -> int | None:
    """Seconds since the epoch of an HTTP date, or None when it is not one."""
    try:
        parsed = parsedate_tz(value.decode("latin-1"))
    except (TypeError, ValueError):
        return None
    return mktime_tz(parsed) if parsed is not None else None


def _header(headers: list[tuple[bytes, bytes]], wanted: bytes) -> bytes:
    return next((value for name, value in headers if name == wanted), b"")


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, method: str) -> None:
    if status != 304:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
