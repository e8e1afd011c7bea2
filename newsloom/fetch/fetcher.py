"""The crawler's downloader: polite, guarded, conditional, retrying HTTP GETs on httpx (HTTP/1.1 and HTTP/2).

One :class:`Fetcher` serves a whole crawl. For each URL it consults robots.txt (cached per origin, see
``politeness``), waits for a slot on the host (per-host concurrency and delay) and on the global limit
(``crawl_concurrency``), sends a conditional GET when an ETag or Last-Modified is known (a 304 costs no body),
retries timeouts, resets, 5xx and 429 with exponential backoff and jitter (``Retry-After`` honoured; a host whose
name does not resolve fails at once: a retry would get the same answer), follows redirects up
to ``fetch_max_redirects`` recording the final URL, and caps the body after decompression (``max_page_bytes``).
The SSRF guard is enforced when sockets are opened (``transport``), so every redirect hop is checked too.

Place in the pipeline: feeds the crawl loop (``newsloom.sources.crawler``), which hands article pages to
``pipeline.process_page``. Errors: ``BlockedError`` (robots, guard), ``TooLargeError``, else ``FetchError``.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from newsloom.errors import BlockedError, FetchError, InvalidURL, TooLargeError
from newsloom.fetch.guard import AddressGuard
from newsloom.fetch.inflate import BoundedInflater
from newsloom.fetch.politeness import HostPacer, Pacer, RobotsCache, RobotsEntry
from newsloom.fetch.result import FetchResult
from newsloom.fetch.transport import GuardRefused, UnknownHost, guarded_transport
from newsloom.fetch.warc_writer import WarcWriter
from newsloom.settings import Settings
from newsloom.urls import join_url, parse_http_url

log = logging.getLogger(__name__)

ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
ACCEPT_FEED = "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.5"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# RFC 9309 2.5: crawlers must parse at least the first 500 KiB of a robots.txt; the rest is not read.
ROBOTS_MAX_BYTES = 500 * 1024


def robots_text(content: bytes) -> str:
    """A robots.txt body as text; one cut at ``ROBOTS_MAX_BYTES`` loses its last, partial line (a cut
    ``Disallow: /private`` would read as ``Disallow: /pri`` and forbid more than the site asked)."""
    if len(content) >= ROBOTS_MAX_BYTES:
        content = content[: content.rfind(b"\n") + 1]
    return content.decode("utf-8", errors="replace")


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Use as ``async with Fetcher(settings) as fetcher: await fetcher.fetch(url)``; ``stats`` counts outcomes."""

    def __init__(
        self,
        settings: Settings,
        *,
        warc: WarcWriter | None = None,
        pacer: Pacer | None = None,
        robots: RobotsCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``pacer`` and ``robots`` default to this process's own; Celery workers pass shared ones (Redis).
        ``transport`` replaces the guarded one (tests route publishers' hosts to loopback servers with it)."""
        self.settings = settings
        self.warc = warc
        self.pacer: Pacer = pacer or HostPacer(settings.crawl_per_host_concurrency, settings.crawl_min_delay)
        self.robots = robots or RobotsCache(settings.robots_cache_seconds)
        self.global_slots = asyncio.Semaphore(max(1, settings.crawl_concurrency))
        self.stats: Counter[str] = Counter()
        transport = transport or guarded_transport(
            AddressGuard(settings.allow_networks),
            max_connections=max(1, settings.crawl_concurrency),
            http2=settings.fetch_http2,
        )
        self.client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_read_timeout, connect=settings.fetch_connect_timeout, pool=None),
            headers={"User-Agent": settings.http_user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- public ------------------------------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ACCEPT_PAGE,
        obey_robots: bool = True,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely; a 304 comes back as a result with ``not_modified`` and no content. ``max_bytes``
        caps the body instead of ``max_page_bytes`` (images have their own cap)."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen = {url}
        for _ in range(self.settings.fetch_max_redirects + 1):
            try:
                parse_http_url(current)
            except InvalidURL as error:
                raise BlockedError(error.reason, current) from None
            if obey_robots:
                await self._check_robots(current)
            result = await self._get_with_retries(current, headers, max_bytes)
            if isinstance(result, str):  # a redirect target
                target = result
                if target in seen:
                    self.stats["errors"] += 1
                    raise FetchError(f"redirect loop at {target}", url)
                seen.add(target)
                current = target
                continue
            result.url = url
            return result
        self.stats["errors"] += 1
        raise FetchError(f"more than {self.settings.fetch_max_redirects} redirects", url)

    async def robots_for(self, url: str) -> RobotsEntry:
        origin = origin_of(url)
        async with self.robots.lock_for(origin):
            entry = await self.robots.lookup(origin)
            if entry is not None:
                return entry
            text: str | None = None
            try:
                result = await self._get_with_retries(
                    f"{origin}/robots.txt", {"Accept": "text/plain"}, ROBOTS_MAX_BYTES, truncate=True
                )
                if isinstance(result, FetchResult) and result.status == 200:
                    text = robots_text(result.content)
            except BlockedError:
                raise
            except FetchError as error:
                # A missing or broken robots.txt allows everything (RFC 9309 treats 4xx so; 5xx we forgive).
                log.info("robots.txt unavailable", extra={"origin": origin, "reason": error.reason})
            entry = await self.robots.store(origin, text)
            if entry.rules is not None:
                delay = entry.rules.crawl_delay(self.settings.http_user_agent)
                if delay:
                    await self.pacer.set_delay(origin, min(float(delay), self.settings.crawl_max_delay))
            return entry

    # -- internals ---------------------------------------------------------------------------------------------

    async def _check_robots(self, url: str) -> None:
        entry = await self.robots_for(url)
        if entry.rules is not None and not entry.rules.can_fetch(url, self.settings.http_user_agent):
            self.stats["robots_disallowed"] += 1
            raise BlockedError("disallowed by robots.txt", url)

    async def _get_with_retries(
        self, url: str, headers: dict[str, str], limit: int | None = None, *, truncate: bool = False
    ) -> FetchResult | str:
        attempts = max(0, self.settings.fetch_retries) + 1
        for attempt in range(attempts):
            try:
                return await self._get_once(url, headers, limit or self.settings.max_page_bytes, truncate)
            except _Retry as retry:
                if attempt + 1 >= attempts:
                    self.stats["errors"] += 1
                    raise FetchError(f"{retry.reason} (after {attempts} attempts)", url) from None
                if retry.wait is not None and retry.wait > self.settings.fetch_max_retry_after:
                    self.stats["errors"] += 1
                    raise FetchError(f"{retry.reason}; Retry-After {retry.wait:.0f}s is too long", url) from None
                backoff = self.settings.fetch_backoff_seconds * (2**attempt) * random.uniform(0.5, 1.5)
                wait = max(backoff, retry.wait or 0.0)
                if retry.wait is not None:
                    await self.pacer.push_back(origin_of(url), retry.wait)
                self.stats["retries"] += 1
                log.info("retrying", extra={"url": url, "reason": retry.reason, "wait": round(wait, 3)})
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _get_once(self, url: str, headers: dict[str, str], limit: int, truncate: bool) -> FetchResult | str:
        origin = origin_of(url)
        async with self.global_slots:
            await self.pacer.acquire(origin)
            try:
                self.stats["requests"] += 1
                # One deadline for the whole exchange (connect, headers, every read): per-read timeouts alone let a
                # server that drips one byte every few seconds hold a fetch forever. Not retried: it would drip again.
                deadline = self.settings.fetch_deadline
                try:
                    async with asyncio.timeout(deadline if deadline > 0 else None):
                        return await self._stream(url, headers, limit, truncate)
                except TimeoutError:
                    self.stats["errors"] += 1
                    self.stats["deadline"] += 1
                    raise FetchError(f"no complete answer within {deadline:g} s (fetch_deadline)", url) from None
            finally:
                await self.pacer.release(origin)

    async def _stream(self, url: str, headers: dict[str, str], limit: int, truncate: bool) -> FetchResult | str:
        started = time.monotonic()
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if response.is_redirect and "location" in response.headers:
                    self.stats["redirects"] += 1
                    return join_url(url, response.headers["location"])
                if status in RETRY_STATUSES:
                    wait = retry_after_seconds(response.headers.get("retry-after"))
                    raise _Retry(f"HTTP {status}", wait)
                if status == 304:
                    self.stats["not_modified"] += 1
                    return self._result(url, response, b"")
                if status != 200:
                    self.stats["errors"] += 1
                    raise FetchError(f"HTTP {status}", url)
                body = await self._read_body(url, response, limit, truncate)
        except GuardRefused as error:
            self.stats["blocked"] += 1
            raise BlockedError(error.reason, url) from None
        except UnknownHost as error:  # not retried: the resolver would give the same answer (transport.py)
            self.stats["errors"] += 1
            raise FetchError(error.reason, url) from None
        except httpx.TimeoutException as error:
            raise _Retry(f"timeout ({type(error).__name__})") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
            raise _Retry(f"{type(error).__name__}: {error}") from None
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as error:
            # httpx.InvalidURL is no HTTPError, and a host the idna codec refuses raises UnicodeError in the
            # resolver: both are this URL's failure, never a foreign exception for the caller's loop.
            self.stats["errors"] += 1
            raise FetchError(f"{type(error).__name__}: {error}", url) from error
        self.stats["ok"] += 1
        self.stats["bytes"] += len(body)
        result = self._result(url, response, body)
        if self.warc is not None:
            self.warc.write_response(result, dict(response.headers))
        log.debug("fetched", extra={"url": url, "status": status, "seconds": round(time.monotonic() - started, 3)})
        return result

    async def _read_body(self, url: str, response: httpx.Response, limit: int, truncate: bool = False) -> bytes:
        """The body, inflated, at most ``limit`` bytes: past it ``TooLargeError``, or with ``truncate`` the
        first ``limit`` bytes (the rest is never read)."""
        declared = response.headers.get("content-length")
        if not truncate and declared and declared.isdigit() and int(declared) > limit:
            self.stats["too_large"] += 1
            raise TooLargeError(f"Content-Length {declared} exceeds {limit} bytes", url)
        inflater = BoundedInflater(response.headers.get("content-encoding"), limit, url, truncate=truncate)
        parts: list[bytes] = []
        raw_bytes = 0
        try:
            async for chunk in response.aiter_raw():
                raw_bytes += len(chunk)
                if raw_bytes > limit and not truncate:
                    raise TooLargeError(f"larger than {limit} bytes", url)
                parts.append(inflater.feed(chunk))
                if inflater.full or (truncate and raw_bytes > limit):
                    break
            parts.append(inflater.finish())
        except TooLargeError:
            self.stats["too_large"] += 1
            raise
        return b"".join(parts)

    def _result(self, url: str, response: httpx.Response, body: bytes) -> FetchResult:
        return FetchResult(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            fetched_at=datetime.now(UTC),
        )
