"""Extraction off the event loop, so fetching overlaps with the CPU-bound work.

With ``crawl_workers`` > 0 a process pool runs extract → enrich (true parallelism, the GIL stays free for the
fetcher) and the parent stores the result; with 0 the whole pipeline runs in one thread. Store writes happen on a
single writer thread either way: SQLite takes one writer at a time, and serial writes keep transactions short.

The workers do the CPU work so the parent is left with I/O and writes: besides extraction they compress the page
for ``article_html`` and compute what the batch stages would compute per article (its entities and copy
signature: ``pipeline/hints.py``), handed to the batch stages by article id once it is stored.

Two guarantees about the worker processes:

- **A deadline per page** (``extract_deadline``): a worker arms a timer before each page and gives up on it when
  the timer fires, so one pathological page costs seconds, not the pool. (With ``crawl_workers = 0`` there is no
  timer; the element cap in ``extract`` still bounds the work.)
- **They end with their parent**, even when it is killed with SIGKILL and has no chance to shut the pool down:
  each asks Linux for a parent-death signal (``prctl(PR_SET_PDEATHSIG)``) and also runs a watchdog thread that
  exits when its parent process changes (for other systems, and for the gap before ``prctl`` took effect).

A worker's size is its libraries and models (language identifier, entity model) plus the largest page's passing
trees, so two things are kept from piling up under that page (BENCHMARKS.md, "Crawl"): the heap keeps fixed
thresholds (``_steady_heap``), and the all-language stopword set trafilatura's jusText pass builds for the odd page
is dropped after that page (``_drop_stoplist``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from types import FrameType
from typing import TYPE_CHECKING

from newsloom.enrich import enrich_article
from newsloom.errors import ExtractError, NewsloomError, NotAnArticle
from newsloom.html_gz import compress_html
from newsloom.model import Article, FetchedPage
from newsloom.pipeline import Outcome, PageResult, extract_stage, process_page
from newsloom.pipeline.hints import ArticleHints, Hints, compute_hints

if TYPE_CHECKING:  # the store (SQLAlchemy) is the parent's: a worker never imports it
    from newsloom.store.base import ArticleStore

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 1.0
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
TRIM_THRESHOLD = 8 * 1024 * 1024  # free memory above this at the heap's top goes back to the system
MMAP_THRESHOLD = 512 * 1024  # blocks this large get their own mapping, returned to the system when freed


class PageDeadline(BaseException):
    """Raised inside a worker when the page's timer fires.

    A ``BaseException``, as ``KeyboardInterrupt`` is: the timer can fire anywhere, and code that turns any
    ``Exception`` into its own error (the extractor's wrapper around trafilatura does) must not swallow it.
    """


DEADLINE_REPEAT = 0.05  # seconds between further alarms once a page's deadline has passed
_page_timed = False  # a page's deadline is running: only then does an alarm mean anything


def _on_deadline(signum: int, frame: FrameType | None) -> None:
    # Armed again before raising: an alarm that lands in a finalizer or a weakref callback has its exception
    # swallowed by Python (reported as "unraisable"), and the page would run on with no deadline at all. The
    # alarm repeats until the exception lands in the page's own code; ``extract_and_enrich`` disarms it. An alarm
    # handled after the page ended (delivered just before the disarm, run just after it) is ignored: re-armed
    # then, it would interrupt whatever the process did next, with nothing to catch it.
    if not _page_timed:
        return
    signal.setitimer(signal.ITIMER_REAL, DEADLINE_REPEAT)
    raise PageDeadline


def _start_deadline(seconds: float) -> None:
    global _page_timed
    _page_timed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _stop_deadline() -> None:
    global _page_timed
    _page_timed = False
    signal.setitimer(signal.ITIMER_REAL, 0)


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: die when ``parent_pid`` dies (parent-death signal, plus a watchdog thread)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="newsloom-parent-watchdog", daemon=True).start()
    signal.signal(signal.SIGALRM, _on_deadline)
    _steady_heap()
    _warm_up()


def _steady_heap() -> None:
    """Fixed heap thresholds for this process (glibc), in place of the ones glibc adapts as it goes.

    glibc raises its mapping threshold to the size of any large block freed (loading the models frees several of
    tens of megabytes), after which a page's large blocks (its text, the tree's buffers) come from the heap and
    stay there once freed, in pieces the next page's blocks do not fit: each large page then grows the worker
    further. Fixed, they get their own mappings and go back to the system when freed (5-10 MB of a worker's
    peak, for a few more page faults; BENCHMARKS.md, "Crawl"). Elsewhere than glibc, nothing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # musl, or no libc by that name
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)


def _drop_stoplist() -> None:
    """Drop the stopword set jusText made for the page just done, if it made one.

    trafilatura's full pass (``fast=False``, only for pages the fast one finds too little on) asks jusText with
    every language's stopwords together, and jusText keeps the lower-cased set it makes of them (``lru_cache``):
    some 15 MB that would sit under every later page for the odd page that needs it. Made again when one does
    (tens of milliseconds); the extraction is the same."""
    from justext.core import define_stoplist  # trafilatura imports it: here it is loaded already

    if define_stoplist.cache_info().currsize:
        define_stoplist.cache_clear()


WARM_UP_PAGE = (
    b"<html><head><title>Warm-up</title><link rel=canonical href='https://example.com/warm-up'></head><body>"
    + b"<article>"
    + b"<p>The worker loads its models and lists once, before any page's deadline runs.</p>" * 5
    + b"</article></body></html>"
)


def _warm_up() -> None:
    """Load what the first page would load lazily (parsers, language model, suffix list) outside any deadline."""
    with contextlib.suppress(Exception):
        page = FetchedPage(content=WARM_UP_PAGE, origin="warm-up", url="https://example.com/warm-up")
        enrich_article(extract_stage(page))


@dataclass(slots=True)
class Extracted:
    """A worker's answer for one page: the article, the page compressed for the store, the batch stages' hints."""

    article: Article
    html_gz: bytes | None = None
    hints: ArticleHints | None = None


def extract_and_enrich(
    page: FetchedPage,
    deadline: float = 0.0,
    canonical_aliases: Sequence[frozenset[str]] = (),
    *,
    entity_tags: bool = False,
) -> Extracted | tuple[str, str]:
    """Run in a worker process: the article (with the page compressed and the batch stages' hints), or
    ``("skipped"|"failed", reason)`` (exceptions pickle poorly).

    Any exception becomes a failure with a reason here, in the worker: one page must not break the pool. The
    deadline covers extraction; the hints are computed after it (a failure there only leaves them to the batch).
    """
    try:
        if deadline > 0:
            _start_deadline(deadline)
        try:
            article = enrich_article(extract_stage(page, canonical_aliases=canonical_aliases))
        finally:
            _stop_deadline()  # a page done in time must not be interrupted afterwards
            _drop_stoplist()
        return Extracted(article, compress_html(page.content), compute_hints(article, entity_tags))
    except PageDeadline:
        _stop_deadline()  # the alarm can land inside the ``finally`` above, before it disarmed, and re-arm itself
        return ("failed", f"extraction took longer than {deadline:g} s (extract_deadline)")
    except NotAnArticle as error:
        return ("skipped", error.reason)
    except NewsloomError as error:
        return ("failed", error.reason)
    except RecursionError:
        return ("failed", "the page nests too deeply to process (RecursionError)")
    except Exception as error:
        return ("failed", f"internal error: {type(error).__name__}: {' '.join(str(error).split())[:200]}")
    finally:
        if deadline > 0:
            _stop_deadline()


def _identity(article: Article) -> Article:
    return article


class PagePipeline:
    """``await pipeline.process(page)`` → ``PageResult``, with extraction in workers and writes on one thread."""

    def __init__(
        self,
        store: ArticleStore,
        workers: int,
        *,
        deadline: float = 0.0,
        canonical_aliases: Sequence[frozenset[str]] = (),
        hints: Hints | None = None,
        entity_tags: bool = False,
    ) -> None:
        self.store = store
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsloom-store")
        self.extractors: Executor | None = None
        self.aliases = tuple(canonical_aliases)
        self.hints = hints  # where the workers' hints are filed for the batch stages (``Batch.hints``)
        self.extract = partial(
            extract_and_enrich, deadline=deadline, canonical_aliases=self.aliases, entity_tags=entity_tags
        )
        self.workers = workers
        if workers > 0:
            self.extractors = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent runs threads and an event loop that a forked child must not inherit.
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        # Start every worker now (a pool starts them one per task): their imports and warm-up (seconds each) then
        # overlap the polling of the feeds instead of holding back the first pages.
        for _ in range(self.workers):
            pool.submit(int)
        return pool

    async def process(self, page: FetchedPage) -> PageResult:
        loop = asyncio.get_running_loop()
        if self.extractors is None:
            stage = partial(extract_stage, canonical_aliases=self.aliases)
            return await loop.run_in_executor(self.writer, lambda: process_page(page, self.store, extract=stage))
        pool = self.extractors
        try:
            extracted = await loop.run_in_executor(pool, self.extract, page)
        except (
            BrokenProcessPool
        ) as error:  # a worker died (out of memory, killed): this page fails, the pool is renewed
            log.warning("extraction worker died", extra={"url": page.origin, "error": repr(error)})
            extracted = ("failed", "extraction worker died")
            if self.extractors is pool:
                self.extractors = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)

        def already(_: FetchedPage) -> Article:
            if isinstance(extracted, Extracted):
                return extracted.article
            outcome, reason = extracted
            raise (NotAnArticle if outcome == "skipped" else ExtractError)(reason)

        def store() -> PageResult:
            html_gz = extracted.html_gz if isinstance(extracted, Extracted) else None
            result = process_page(page, self.store, extract=already, enrich=_identity, html_gz=html_gz)
            if (
                self.hints is not None
                and isinstance(extracted, Extracted)
                and extracted.hints is not None
                and result.article_id is not None
                and result.outcome in (Outcome.NEW, Outcome.UPDATED)
            ):
                self.hints.add(result.article_id, extracted.hints, new=result.outcome == Outcome.NEW)
            return result

        return await loop.run_in_executor(self.writer, store)

    def close(self) -> None:
        if self.extractors is not None:
            self.extractors.shutdown(wait=True, cancel_futures=True)
        self.writer.shutdown(wait=True)
