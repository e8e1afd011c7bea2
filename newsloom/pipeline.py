"""The order of the stages, in one place: fetch → extract → enrich → store, then stories over the stored batch.

``process_page`` takes fetched bytes to a stored article and reports what happened as a ``PageResult``; it
raises nothing for bad pages (their reason is in the result), so a batch never stops on one page. Each page is
stored in its own transaction: a crash loses at most the page in flight, and re-running finishes the job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from newsloom.enrich import enrich_article
from newsloom.enrich.stories import WINDOW, group_into_stories
from newsloom.errors import NewsloomError, NotAnArticle
from newsloom.extract import extract_article
from newsloom.extract.overrides import SiteOverrides
from newsloom.model import Article, FetchedPage, LoadFailure
from newsloom.store.base import ArticleStore, UpsertOutcome
from newsloom.store.sql import SQLStore
from newsloom.store.stories import StoryChanges, StoryStore


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PageResult:
    origin: str
    outcome: Outcome
    reason: str | None = None
    article_id: int | None = None


@dataclass(slots=True)
class BatchReport:
    counts: Counter[Outcome] = field(default_factory=Counter)
    problems: list[PageResult] = field(default_factory=list)

    def add(self, result: PageResult) -> None:
        self.counts[result.outcome] += 1
        if result.outcome in (Outcome.SKIPPED, Outcome.FAILED):
            self.problems.append(result)


ExtractStage = Callable[[FetchedPage], Article]
EnrichStage = Callable[[Article], Article]


def extract_stage(page: FetchedPage, overrides: SiteOverrides | None = None) -> Article:
    article = extract_article(
        page.content, url=page.final_url or page.url, content_type=page.content_type, overrides=overrides
    )
    article.fetched_at = page.fetched_at or datetime.now(UTC)
    if page.source_id is not None:
        article.source_id = page.source_id  # who listed it; the store decides whose article it is (its outlet)
        # A live feed's first sighting dates an undated article; an archive's import time never does.
        article.listed_at = article.published or article.fetched_at
    article.feed_section = page.section
    return article


def process_page(
    page: FetchedPage | LoadFailure,
    store: ArticleStore,
    *,
    extract: ExtractStage = extract_stage,
    enrich: EnrichStage = enrich_article,
) -> PageResult:
    if isinstance(page, LoadFailure):
        return PageResult(page.origin, Outcome.FAILED, page.reason)
    try:
        article = enrich(extract(page))
    except NotAnArticle as error:
        return PageResult(page.origin, Outcome.SKIPPED, error.reason)
    except NewsloomError as error:
        return PageResult(page.origin, Outcome.FAILED, error.reason)
    if not article.canonical_url:
        # A saved page that names no URL of its own: its file is its identity, so re-imports stay idempotent.
        origin_path = Path(page.origin)
        if not origin_path.exists():
            return PageResult(page.origin, Outcome.FAILED, "no URL: the page names none and none was given")
        article.url = article.canonical_url = origin_path.resolve().as_uri()
    try:
        result = store.upsert_article(article, raw_html=page.content, final_url=page.final_url)
    except NewsloomError as error:
        return PageResult(page.origin, Outcome.FAILED, error.reason)
    if result.outcome == UpsertOutcome.UNCHANGED:
        return PageResult(page.origin, Outcome.SKIPPED, "unchanged", result.article_id)
    outcome = Outcome.NEW if result.outcome == UpsertOutcome.NEW else Outcome.UPDATED
    return PageResult(page.origin, outcome, None, result.article_id)


def process_pages(
    pages: Iterable[FetchedPage | LoadFailure],
    store: ArticleStore,
    on_result: Callable[[PageResult], None] | None = None,
) -> BatchReport:
    report = BatchReport()
    for page in pages:
        result = process_page(page, store)
        report.add(result)
        if on_result is not None:
            on_result(result)
    return report


def update_stories(store: SQLStore, now: datetime | None = None) -> StoryChanges:
    """Group the articles that have no story yet with each other and with the stories around them in time.

    A batch stage, not a per-page one: a story is a relation between articles, so it is decided once a batch
    is stored (end of an import, of a crawl round, or ``newsloom stories``).
    """
    stories = StoryStore(store.engine)
    docs = stories.pending_window(WINDOW)
    considered = [doc.id for doc in docs if doc.story is None and not doc.checked]
    if not considered:
        return StoryChanges()
    return stories.save(group_into_stories(docs), considered, now or datetime.now(UTC))
