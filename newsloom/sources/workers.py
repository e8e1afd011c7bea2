"""Extraction off the event loop, so fetching overlaps with the CPU-bound work.

With ``crawl_workers`` > 0 a process pool runs extract → enrich (true parallelism, the GIL stays free for the
fetcher) and the parent stores the result; with 0 the whole pipeline runs in one thread. Store writes happen on a
single writer thread either way: SQLite takes one writer at a time, and serial writes keep transactions short.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from newsloom.enrich import enrich_article
from newsloom.errors import ExtractError, NewsloomError, NotAnArticle
from newsloom.model import Article, FetchedPage
from newsloom.pipeline import PageResult, extract_stage, process_page
from newsloom.store.base import ArticleStore


def extract_and_enrich(page: FetchedPage) -> Article | tuple[str, str]:
    """Run in a worker process: the article, or ``("skipped"|"failed", reason)`` (exceptions pickle poorly)."""
    try:
        return enrich_article(extract_stage(page))
    except NotAnArticle as error:
        return ("skipped", error.reason)
    except NewsloomError as error:
        return ("failed", error.reason)


def _identity(article: Article) -> Article:
    return article


class PagePipeline:
    """``await pipeline.process(page)`` → ``PageResult``, with extraction in workers and writes on one thread."""

    def __init__(self, store: ArticleStore, workers: int) -> None:
        self.store = store
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsloom-store")
        self.extractors: Executor | None = None
        if workers > 0:
            # spawn, not fork: the parent runs threads and an event loop that a forked child must not inherit.
            self.extractors = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    async def process(self, page: FetchedPage) -> PageResult:
        loop = asyncio.get_running_loop()
        if self.extractors is None:
            return await loop.run_in_executor(self.writer, process_page, page, self.store)
        extracted = await loop.run_in_executor(self.extractors, extract_and_enrich, page)

        def already(_: FetchedPage) -> Article:
            if isinstance(extracted, Article):
                return extracted
            outcome, reason = extracted
            raise (NotAnArticle if outcome == "skipped" else ExtractError)(reason)

        return await loop.run_in_executor(
            self.writer, lambda: process_page(page, self.store, extract=already, enrich=_identity)
        )

    def close(self) -> None:
        if self.extractors is not None:
            self.extractors.shutdown(wait=True, cancel_futures=True)
        self.writer.shutdown(wait=True)
