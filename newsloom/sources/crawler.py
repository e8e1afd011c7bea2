"""The crawl loop: poll due entry points, take new article URLs, send each through the pipeline exactly once.

For each feed: a conditional GET (a 304 ends the poll), parse (``listing``), drop URLs already taken (the
``crawl_urls`` log and stored articles, by canonical URL) unless the listing's marker says the article changed,
fetch the rest politely (``Fetcher``) and process them off the event loop (``extract_pool``). The feed's next poll
follows ``schedule``. A failing feed records its reason and backs off; it never stops the others.

Settings: the ``fetch_*``, ``crawl_*``, ``poll_*`` and ``warc_*`` families. ``newsloom crawl`` and
``newsloom run`` drive it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from newsloom.domains import parse_aliases
from newsloom.errors import BlockedError, FetchError, InvalidURL, NewsloomError
from newsloom.fetch.fetcher import ACCEPT_FEED, Fetcher
from newsloom.fetch.warc_writer import WarcWriter
from newsloom.model import Feed, Source
from newsloom.pipeline import Batch, Outcome
from newsloom.pipeline.translation import TranslationStats
from newsloom.settings import Settings
from newsloom.sources.extract_pool import PagePipeline
from newsloom.sources.listing import Entry, Listing, parse_listing
from newsloom.sources.schedule import next_interval, next_poll_at
from newsloom.store.sources import PollOutcome, SourceStore
from newsloom.store.sql import SQLStore
from newsloom.store.stories import StoryChanges
from newsloom.urls import parse_http_url, url_key

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_CHILD_SITEMAPS = 20
MAX_ATTEMPTS = 3  # a URL whose fetch failed is retried on later polls, this many times in all


@dataclass
class CrawlReport:
    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feed_errors: list[tuple[str, str, str]] = field(default_factory=list)  # source, feed URL, reason
    articles: Counter[Outcome] = field(default_factory=Counter)
    known_skipped: int = 0
    page_failures: list[tuple[str, str]] = field(default_factory=list)  # URL, reason
    fetch_stats: Counter[str] = field(default_factory=Counter)
    stories: StoryChanges = field(default_factory=StoryChanges)
    stored_ids: list[int] = field(default_factory=list)  # new and updated articles
    media: Counter[str] = field(default_factory=Counter)
    translation: TranslationStats | None = None

    @property
    def pages_fetched(self) -> int:
        return sum(self.articles.values())


class Crawler:
    """``async with Crawler(settings, store) as crawler: await crawler.run_once()``."""

    def __init__(
        self,
        settings: Settings,
        store: SQLStore,
        on_progress: Callable[[CrawlReport], None] | None = None,
        *,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sources = SourceStore(store.engine)
        self.warc = WarcWriter(settings.warc_dir, settings.warc_max_bytes) if settings.warc_dir else None
        self.fetcher = fetcher or Fetcher(settings, warc=self.warc)
        self.batch = Batch(store, settings, fetcher=self.fetcher, run_sync=self._db)
        self.pipeline = PagePipeline(
            store,
            settings.crawl_workers,
            deadline=settings.extract_deadline,
            canonical_aliases=parse_aliases(settings.canonical_aliases),
            hints=self.batch.hints,
            entity_tags=settings.entity_tags,
        )
        self.on_progress = on_progress
        self._batch_due: asyncio.Event | None = None  # set by each poll of ``run_forever``
        self.claimed: set[str] = set()  # URLs being fetched now, so two feeds listing one URL fetch it once
        self.release_claims = False  # forever: forget a URL once recorded, or the set grows without end
        # Backpressure: fetching outruns extraction, so cap the pages between "fetch started" and "stored";
        # without it a big sitemap would sit in memory as fetched-but-unprocessed pages.
        self.pages_in_flight = asyncio.Semaphore(settings.crawl_concurrency + 2 * max(1, settings.crawl_workers))
        # Crawling forever, a failing feed is one warning line when it starts failing or its reason changes, and one
        # when it recovers: an offline machine's log is one line per feed, not one per poll (``_announce``).
        self.announce = False
        self.failing: dict[int, str] = {}  # feed id -> the reason last announced

    async def __aenter__(self) -> Crawler:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.fetcher.aclose()
        self.pipeline.close()
        if self.warc is not None:
            self.warc.close()

    async def _db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Store calls run on the pipeline's writer thread: serial with article writes, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pipeline.writer, lambda: function(*args, **kwargs))

    async def after_store(self, report: CrawlReport) -> None:
        """The batch stages (``pipeline.Batch``: media, translation, stories, enrichment) over whatever the store
        holds pending, whoever stored it: a round that stored nothing still finishes what an earlier, killed one
        left. Its blocking stages run on the writer thread, serial with article writes."""
        stages = await self.batch.run()
        report.translation = stages.translation
        report.stories = stages.stories
        if stages.media is not None:
            report.media = stages.media.counts

    def _progress(self, report: CrawlReport) -> None:
        if self.on_progress is not None:
            self.on_progress(report)

    # -- runs --------------------------------------------------------------------------------------------------

    async def run_once(self, source: str | None = None, *, everything: bool = True) -> CrawlReport:
        """Poll feeds (all of them, or only the due ones) and return what happened."""
        report = CrawlReport()
        self.claimed = set()
        before = Counter(self.fetcher.stats)
        due = await self._db(self.sources.due_feeds, None, source, everything=everything)
        await asyncio.gather(*(self._poll(publisher, feed, report) for publisher, feed in due))
        await self.after_store(report)
        report.fetch_stats = Counter(self.fetcher.stats)
        report.fetch_stats.subtract(before)
        return report

    async def run_forever(self, source: str | None = None, stop: asyncio.Event | None = None) -> None:
        """Start each feed's poll when it is due, until ``stop`` is set.

        Each poll runs as its own task: a slow feed delays only its own next poll, never the others' (a round that
        waited for all its feeds would let one slow feed hold every other back). The batch stages run on a task of
        their own, once more after each poll ends (over whatever is pending by then), so a slow stage (a picture on
        a slow host, a model loading) never holds a feed's next poll back either.
        """
        stop = stop or asyncio.Event()
        self.release_claims = self.announce = True
        in_flight: dict[int, asyncio.Task[CrawlReport]] = {}
        self._batch_due = asyncio.Event()
        batches = asyncio.create_task(self._run_batches(self._batch_due))
        try:
            while not stop.is_set():
                due = await self._db(self.sources.due_feeds, None, source, everything=False)
                for publisher, feed in due:
                    if feed.id is not None and feed.id not in in_flight:
                        in_flight[feed.id] = asyncio.create_task(self._poll_alone(publisher, feed))
                wait = await self._seconds_to_next_poll(source, busy=set(in_flight))
                stopping = asyncio.create_task(stop.wait())
                await asyncio.wait([stopping, *in_flight.values()], timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                for feed_id, task in list(in_flight.items()):
                    if task.done():
                        del in_flight[feed_id]
                        self._log_poll(task)
        finally:
            for pending in [*in_flight.values(), batches]:
                pending.cancel()
            await asyncio.gather(*in_flight.values(), batches, return_exceptions=True)
            self._batch_due = None

    async def _poll_alone(self, publisher: Source, feed: Feed) -> CrawlReport:
        report = CrawlReport()
        await self._poll(publisher, feed, report)
        if self._batch_due is not None:
            self._batch_due.set()
        return report

    async def _run_batches(self, due: asyncio.Event) -> None:
        """The batch stages whenever a poll has ended since they last started; a failure is logged, never fatal
        (what it left pending is taken by the next run)."""
        while True:
            await due.wait()
            due.clear()
            try:
                await self.after_store(CrawlReport())
            except Exception:
                log.error("batch stages failed", exc_info=True)

    @staticmethod
    def _log_poll(task: asyncio.Task[CrawlReport]) -> None:
        if task.cancelled():
            return
        if (error := task.exception()) is not None:  # one line; the traceback only at debug level
            log.error("poll failed: %s: %s", type(error).__name__, error)
            log.debug("poll failed", exc_info=error)
            return
        report = task.result()
        log.info(
            "feed polled",
            extra={
                "new": report.articles[Outcome.NEW],
                "errors": len(report.feed_errors),
                "page_failures": len(report.page_failures),
            },
        )

    async def _seconds_to_next_poll(self, source: str | None, busy: set[int] | None = None) -> float:
        feeds = [
            feed
            for _, feed in await self._db(self.sources.due_feeds, None, source, everything=True)
            if feed.id not in (busy or set())
        ]
        upcoming = [feed.next_poll_at for feed in feeds if feed.next_poll_at is not None]
        if not upcoming:
            return 60.0
        return min(60.0, max(1.0, (min(upcoming) - datetime.now(UTC)).total_seconds()))

    # -- one feed ----------------------------------------------------------------------------------------------

    async def _poll(self, publisher: Source, feed: Feed, report: CrawlReport) -> None:
        assert feed.id is not None
        now = datetime.now(UTC)
        try:
            async with asyncio.timeout(self.settings.crawl_round_deadline):
                new, etag, last_modified = await self._poll_feed(publisher, feed, report)
        except Exception as error:  # one feed's failure, whatever it is, must not stop the others
            if isinstance(error, TimeoutError):
                reason = f"poll took longer than {self.settings.crawl_round_deadline:g} s (crawl_round_deadline)"
            elif isinstance(error, NewsloomError):
                reason = error.reason
            else:
                reason = f"{type(error).__name__}: {error}"
            interval = next_interval(
                feed.poll_interval_seconds,
                new_articles=0,
                ok=False,
                error_streak=feed.error_streak,
                settings=self.settings,
            )
            outcome = PollOutcome(False, next_poll_at(now, interval), interval, error=reason)
            await self._db(self.sources.record_poll, feed.id, outcome)
            report.feed_errors.append((publisher.name, feed.url, reason))
            self._announce(publisher, feed, reason)
            self._progress(report)
            return
        self._announce(publisher, feed, None)
        interval = next_interval(
            feed.poll_interval_seconds, new_articles=new, ok=True, error_streak=0, settings=self.settings
        )
        outcome = PollOutcome(True, next_poll_at(now, interval), interval, etag=etag, last_modified=last_modified)
        await self._db(self.sources.record_poll, feed.id, outcome)
        self._progress(report)

    def _announce(self, publisher: Source, feed: Feed, reason: str | None) -> None:
        """Log a feed's failure once per reason, and its recovery once (``reason`` None: the poll succeeded).

        Crawling once, the failure is in the round's report and logged at info level only."""
        assert feed.id is not None
        where = {"source": publisher.name, "feed": feed.url}
        if not self.announce:
            if reason is not None:
                log.info("feed failed", extra={**where, "reason": reason})
            return
        if reason is None:
            if self.failing.pop(feed.id, None) is not None:
                log.warning("feed reachable again: %s: %s", publisher.name, feed.url, extra=where)
            return
        if self.failing.get(feed.id) == reason:
            return
        self.failing[feed.id] = reason
        log.warning(
            "feed unreachable: %s: %s: %s (retried later; logged again only if the reason changes)",
            publisher.name,
            feed.url,
            reason,
            extra={**where, "reason": reason},
        )

    async def _poll_feed(
        self, publisher: Source, feed: Feed, report: CrawlReport
    ) -> tuple[int, str | None, str | None]:
        result = await self.fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=ACCEPT_FEED
        )
        report.feeds_polled += 1
        if result.not_modified:
            report.feeds_not_modified += 1
            return 0, feed.etag, feed.last_modified
        listing = parse_listing(result.content, result.final_url, feed.kind)
        entries = listing.entries
        if listing.child_sitemaps:
            entries = await self._child_entries(listing, feed)
        new = await self._take(publisher, feed, entries, report)
        return new, result.etag, result.last_modified

    async def _child_entries(self, index: Listing, feed: Feed) -> list[Entry]:
        """Entries of a sitemap index's newest children; fails only when every child fails."""
        children = index.child_sitemaps[:MAX_CHILD_SITEMAPS]

        async def one(child: Entry) -> list[Entry] | NewsloomError:
            try:
                fetched = await self.fetcher.fetch(child.url, accept=ACCEPT_FEED)
                return parse_listing(fetched.content, fetched.final_url, "sitemap").entries
            except NewsloomError as error:
                return error

        results = await asyncio.gather(*(one(child) for child in children))
        entries = [entry for result in results if isinstance(result, list) for entry in result]
        errors = [result for result in results if isinstance(result, NewsloomError)]
        if errors and len(errors) == len(results):
            raise FetchError(f"every child sitemap failed, e.g. {errors[0]}", feed.url)
        return entries

    async def _take(self, publisher: Source, feed: Feed, entries: list[Entry], report: CrawlReport) -> int:
        """Fetch and process the entries not seen before (or changed since); return how many were new."""
        by_url = {url_key(entry.url): entry for entry in entries}
        states = await self._db(self.sources.url_states, list(by_url))
        todo: list[tuple[str, Entry]] = []
        for canonical, entry in by_url.items():
            if canonical in self.claimed:
                continue
            state = states.get(canonical)
            if state is not None:
                changed = bool(entry.marker and state.marker and entry.marker > state.marker)
                retry = state.status == "failed" and state.attempts < MAX_ATTEMPTS
                if not (changed or retry):
                    report.known_skipped += 1
                    continue
            if (problem := _unfetchable(entry.url)) is not None:
                await self._reject(publisher, feed, entry, problem, report)
                continue
            if state is not None and state.marker and (not entry.marker or entry.marker < state.marker):
                entry = Entry(entry.url, state.marker, entry.title, entry.published)  # never record an older one
            todo.append((canonical, entry))
        todo = todo[: self.settings.crawl_max_articles_per_poll]
        self.claimed.update(canonical for canonical, _ in todo)
        outcomes = await asyncio.gather(*(self._article(publisher, feed, entry, report) for _, entry in todo))
        return sum(1 for outcome in outcomes if outcome == Outcome.NEW)

    async def _article(self, publisher: Source, feed: Feed, entry: Entry, report: CrawlReport) -> Outcome:
        try:
            async with self.pages_in_flight:
                return await self._fetch_and_process(publisher, feed, entry, report)
        finally:  # recorded in crawl_urls by now (or cancelled): later polls ask the store, not this set
            if self.release_claims:
                self.claimed.discard(url_key(entry.url))

    async def _fetch_and_process(self, publisher: Source, feed: Feed, entry: Entry, report: CrawlReport) -> Outcome:
        record = {"feed_id": feed.id, "source_id": publisher.id, "marker": entry.marker}
        try:
            result = await self.fetcher.fetch(entry.url)
        except FetchError as error:
            status = "skipped" if isinstance(error, BlockedError) else "failed"
            await self._db(self.sources.record_url, entry.url, status=status, reason=error.reason, **record)
            report.page_failures.append((entry.url, error.reason))
            self._progress(report)
            return Outcome.FAILED
        except Exception as error:  # whatever one item raises is that item's rejection, never the feed's failure
            if isinstance(error, TimeoutError | asyncio.CancelledError):
                raise  # the poll's own deadline, or a stop: not this item's doing
            reason = f"{type(error).__name__}: {error}"
            log.debug("feed item failed", exc_info=error)
            await self._reject(publisher, feed, entry, reason, report)
            return Outcome.FAILED
        page = result.to_page(source_id=publisher.id, section=feed.section)
        outcome = await self.pipeline.process(page)
        report.articles[outcome.outcome] += 1
        if outcome.article_id is not None and outcome.outcome in (Outcome.NEW, Outcome.UPDATED):
            report.stored_ids.append(outcome.article_id)
        stored = outcome.outcome in (Outcome.NEW, Outcome.UPDATED) or outcome.reason == "unchanged"
        # A page that fails in the pipeline fails the same way next time: it waits for the feed to list it anew.
        status = "stored" if stored else ("rejected" if outcome.outcome == Outcome.FAILED else outcome.outcome.value)
        if outcome.outcome == Outcome.FAILED:
            report.page_failures.append((entry.url, outcome.reason or "failed"))
        await self._db(
            self.sources.record_url,
            entry.url,
            status=status,
            reason=outcome.reason,
            article_id=outcome.article_id,
            **record,
        )
        self._progress(report)
        return outcome.outcome

    async def _reject(self, publisher: Source, feed: Feed, entry: Entry, reason: str, report: CrawlReport) -> None:
        """Record a poison item (a URL that cannot be fetched) as rejected: not tried again until listed anew."""
        record = {"feed_id": feed.id, "source_id": publisher.id, "marker": entry.marker}
        await self._db(self.sources.record_url, entry.url, status="rejected", reason=reason, **record)
        report.page_failures.append((entry.url, reason))
        self._progress(report)


def _unfetchable(url: str) -> str | None:
    """Why ``url`` cannot be fetched at all (unparseable, not http), or None."""
    try:
        parse_http_url(url)
    except InvalidURL as error:
        return error.reason
    return None
