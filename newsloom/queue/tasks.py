"""The pipeline's stages as Celery tasks: the same code as the embedded crawl, driven by messages.

A worker process builds its ``WorkerContext`` on its first task (after the fork: engines, sockets and event
loops must not cross it): the store, an event loop, a fetcher whose pacing and robots.txt cache are shared
through Redis, and a ``QueueingCrawler`` that polls a feed as the embedded crawler does but hands each new
article URL to ``ingest_url`` instead of fetching it. See ``newsloom.queue`` for the guarantees.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import redis
import redis.asyncio
import sqlalchemy.exc
from celery import Task, signals

from newsloom.domains import parse_aliases
from newsloom.errors import BlockedError, FetchError
from newsloom.fetch.fetcher import Fetcher
from newsloom.fetch.politeness import HostPacer, Pacer, RobotsCache
from newsloom.fetch.shared_politeness import RedisHostPacer, RedisRobotsCache
from newsloom.model import Feed, Source
from newsloom.pipeline import Batch, Outcome, extract_stage, process_page
from newsloom.queue.app import app
from newsloom.queue.metrics import FAILURES_KEY
from newsloom.settings import Settings
from newsloom.sources.crawler import Crawler, CrawlReport
from newsloom.sources.listing import Entry
from newsloom.store import SQLStore, open_store
from newsloom.store.sources import SourceStore

log = logging.getLogger(__name__)
T = TypeVar("T")

# Failures of the machinery rather than of a page: the same task will succeed once the service is back.
TRANSIENT = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
STORIES_LOCK = "newsloom:lock:stories"
SCHEDULE_LOCK = "newsloom:lock:schedule"


class QueueingCrawler(Crawler):
    """Polls like the embedded crawler; each new article URL becomes an ``ingest_url`` message."""

    async def poll_one(self, feed_id: int) -> CrawlReport:
        report = CrawlReport()
        found = await self._db(self.sources.feed_with_source, feed_id)
        if found is not None:
            self.claimed = set()
            await self._poll(found[0], found[1], report)
        return report

    async def _article(self, publisher: Source, feed: Feed, entry: Entry, report: CrawlReport) -> Outcome:
        await self._db(
            self.sources.mark_queued, entry.url, feed_id=feed.id, source_id=publisher.id, marker=entry.marker
        )
        ingest_url.apply_async(args=[entry.url, feed.id, publisher.id, feed.section, entry.marker])
        return Outcome.NEW


def uses_redis(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0] in ("redis", "rediss")


class WorkerContext:
    """What one worker process keeps between tasks."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.model_copy(update={"crawl_workers": 0})  # the worker process is the extractor
        self.store: SQLStore = open_store(self.settings, migrate_schema=False)
        self.sources = SourceStore(self.store.engine)
        self.loop = asyncio.new_event_loop()
        self.redis: redis.Redis | None = None
        pacer: Pacer
        robots: RobotsCache
        if uses_redis(settings.broker_url):
            self.redis = redis.Redis.from_url(str(settings.broker_url))
            shared = redis.asyncio.Redis.from_url(str(settings.broker_url))
            lease = settings.fetch_connect_timeout + settings.fetch_read_timeout + 5
            pacer = RedisHostPacer(shared, settings.crawl_per_host_concurrency, settings.crawl_min_delay, lease)
            robots = RedisRobotsCache(shared, settings.robots_cache_seconds)
        else:  # RabbitMQ without Redis: each process paces alone (documented in docs/deploy.md)
            pacer = HostPacer(settings.crawl_per_host_concurrency, settings.crawl_min_delay)
            robots = RobotsCache(settings.robots_cache_seconds)
        self.fetcher = Fetcher(self.settings, pacer=pacer, robots=robots)
        self.crawler = QueueingCrawler(self.settings, self.store, fetcher=self.fetcher)
        self.batch = Batch(self.store, self.settings, fetcher=self.fetcher)
        self.extract = partial(extract_stage, canonical_aliases=parse_aliases(settings.canonical_aliases))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)


_context: WorkerContext | None = None
_context_pid: int | None = None


def context() -> WorkerContext:
    global _context, _context_pid
    if _context is None or _context_pid != os.getpid():
        settings: Settings = app.conf.newsloom_settings
        _context, _context_pid = WorkerContext(settings), os.getpid()
    return _context


def resilient(name: str, work: Callable[[], T]) -> T:
    """Run ``work``, waiting out an unreachable store or broker with backoff (``task_max_retries`` times).

    The waiting happens inside the task rather than through Celery's ``retry``: a retry is a new message, and
    publishing it fails exactly when the broker is the thing that is down (Celery then drops the task). Here the
    message stays unacknowledged until the work is done, so a worker that dies while waiting loses nothing.
    """
    settings: Settings = app.conf.newsloom_settings
    for attempt in range(settings.task_max_retries + 1):
        try:
            return work()
        except TRANSIENT as error:
            if attempt >= settings.task_max_retries:
                raise
            wait = min(30.0, 2.0**attempt) * random.uniform(0.8, 1.2)
            log.warning("task waits for a service", extra={"task": name, "reason": f"{type(error).__name__}: {error}"})
            time.sleep(wait)
    raise AssertionError("unreachable")


@app.task(bind=True, name="newsloom.ingest_url")
def ingest_url(
    self: Task, url: str, feed_id: int | None, source_id: int | None, section: str | None, marker: str | None
) -> str:
    """Fetch one article page and store it; the page's outcome is recorded in the crawl log, never raised."""

    def work() -> str:
        ctx = context()
        return ctx.run(_ingest(ctx, url, feed_id, source_id, section, marker))

    return resilient(self.name, work)


async def _ingest(
    ctx: WorkerContext, url: str, feed_id: int | None, source_id: int | None, section: str | None, marker: str | None
) -> str:
    record: dict[str, Any] = {"feed_id": feed_id, "source_id": source_id, "marker": marker}
    try:
        result = await ctx.fetcher.fetch(url)
    except FetchError as error:
        status = "skipped" if isinstance(error, BlockedError) else "failed"
        ctx.sources.record_url(url, status=status, reason=error.reason, **record)
        return status
    # A page's own failure comes back as its result (recorded below, never retried by the queue); an unreachable
    # store is raised, waited out by ``resilient`` and the page run again.
    page = result.to_page(source_id=source_id, section=section)
    outcome = process_page(page, ctx.store, extract=ctx.extract, reraise=TRANSIENT)
    stored = outcome.outcome in (Outcome.NEW, Outcome.UPDATED) or outcome.reason == "unchanged"
    status = "stored" if stored else outcome.outcome.value
    ctx.sources.record_url(url, status=status, reason=outcome.reason, article_id=outcome.article_id, **record)
    return status  # its pictures, like everything after store, come with the batch task (``update_stories``)


@app.task(bind=True, name="newsloom.poll_feed")
def poll_feed(self: Task, feed_id: int) -> int:
    """Poll one entry point; returns how many article URLs it sent on."""

    def work() -> int:
        ctx = context()
        return ctx.run(ctx.crawler.poll_one(int(feed_id))).feeds_polled

    return resilient(self.name, work)


@app.task(bind=True, name="newsloom.schedule_due")
def schedule_due(self: Task, everything: bool = False) -> int:
    """Send a ``poll_feed`` for every due entry point (all of them with ``everything``); one scheduler at a time."""

    def work() -> int:
        ctx = context()
        return send_due_polls(ctx.sources, ctx.redis, ctx.settings, everything=everything)

    return resilient(self.name, work)


def send_due_polls(
    sources: SourceStore, lock_redis: redis.Redis | None, settings: Settings, *, everything: bool
) -> int:
    lock = lock_redis.lock(SCHEDULE_LOCK, timeout=300) if lock_redis is not None else None
    if lock is not None and not lock.acquire(blocking=True, blocking_timeout=30):
        return 0
    try:
        ids = sources.lease_due_feeds(datetime.now(UTC), settings.queue_visibility_timeout, everything=everything)
        for feed_id in ids:
            poll_feed.apply_async(args=[feed_id])
        return len(ids)
    finally:
        if lock is not None:
            lock.release()


@app.task(bind=True, name="newsloom.update_stories")
def update_stories_task(self: Task) -> int:
    """The batch stages (``pipeline.Batch``: media, translation, stories, enrichment) over whatever the store holds
    pending, whichever worker stored it; one run at a time, skipped while another holds the lock."""

    def work() -> int:
        ctx = context()
        lock = ctx.redis.lock(STORIES_LOCK, timeout=1800) if ctx.redis is not None else None
        if lock is not None and not lock.acquire(blocking=False):
            return -1
        try:
            return int(ctx.run(ctx.batch.run()).stories.articles_linked)
        finally:
            if lock is not None:
                lock.release()

    return resilient(self.name, work)


@signals.task_failure.connect
def _count_failure(sender: Task | None = None, **_: Any) -> None:
    """Failed tasks are counted in Redis for ``/metrics`` (every worker adds to one counter)."""
    settings: Settings = app.conf.newsloom_settings
    if not uses_redis(settings.broker_url):
        return
    with contextlib.suppress(redis.exceptions.RedisError):
        client = redis.Redis.from_url(str(settings.broker_url), socket_timeout=2, socket_connect_timeout=2)
        client.incr(FAILURES_KEY)
        client.close()
