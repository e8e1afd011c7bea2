"""The order of the stages, in one place: fetch → extract → enrich → store per page, then the batch stages over
what the store holds pending: media → translation → stories → enrichment → pages (``Batch.run``).

``process_page`` takes fetched bytes to a stored article and reports what happened as a ``PageResult``; it
raises nothing for a bad page, whatever the exception (its reason is in the result, its traceback in the debug
log), so a batch never stops on one page. Each page is
stored in its own transaction: a crash loses at most the page in flight, and re-running finishes the job.

The batch stages never take "this run's ids": each reads what is waiting in the store (pictures not handled,
editions due, articles not checked for stories, articles not enriched), whoever stored it. So ``newsloom import``,
a crawl round (``crawl``, ``run``) and the queue's batch task all run ``Batch.run`` and nothing else, and a run
killed after storing is finished by the next one. Adding a stage is a change to ``Batch.run``.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from newsloom.aio import run_to_completion
from newsloom.enrich import enrich_article
from newsloom.enrich.stories import WINDOW, group_into_stories
from newsloom.errors import NewsloomError, NotAnArticle
from newsloom.extract import extract_article
from newsloom.extract.overrides import SiteOverrides
from newsloom.extract.template import drop_template_blocks, repeated_among
from newsloom.model import Article, FetchedPage, LoadFailure
from newsloom.pipeline.hints import Hints
from newsloom.size_caps import limit_article
from newsloom.urls import url_key

if TYPE_CHECKING:  # the batch stages load when a batch runs: the portal and the page stage never pay for them
    # The store (SQLAlchemy and its migrations), the settings (pydantic) and the records are imported where they
    # are used: an extraction worker imports this module for ``extract_stage`` alone, and each of them would add
    # tens of megabytes to every worker for nothing.
    from newsloom.enrich.translate import Translator
    from newsloom.fetch.fetcher import Fetcher
    from newsloom.media.stage import MediaReport
    from newsloom.pipeline.enrichment import EnrichChanges
    from newsloom.pipeline.translation import TranslationStats
    from newsloom.records import Record
    from newsloom.settings import Settings
    from newsloom.store.base import ArticleStore
    from newsloom.store.sql import SQLStore
    from newsloom.store.stories import StoryChanges

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    cuts: tuple[str, ...] = ()  # fields cut to the caps of ``size_caps`` before storing


@dataclass(slots=True)
class BatchReport:
    counts: Counter[Outcome] = field(default_factory=Counter)
    problems: list[PageResult] = field(default_factory=list)
    cut: list[PageResult] = field(default_factory=list)  # stored, but with fields cut to the limits

    def add(self, result: PageResult) -> None:
        self.counts[result.outcome] += 1
        if result.outcome in (Outcome.SKIPPED, Outcome.FAILED):
            self.problems.append(result)
        if result.cuts and result.outcome in (Outcome.NEW, Outcome.UPDATED):
            self.cut.append(result)

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]


ExtractStage = Callable[[FetchedPage], Article]
EnrichStage = Callable[[Article], Article]


def extract_stage(
    page: FetchedPage,
    overrides: SiteOverrides | None = None,
    canonical_aliases: Sequence[frozenset[str]] = (),
) -> Article:
    article = extract_article(
        page.content,
        url=page.final_url or page.url,
        content_type=page.content_type,
        overrides=overrides,
        canonical_aliases=canonical_aliases,
    )
    article.fetched_at = page.fetched_at or datetime.now(UTC)
    if page.source_id is not None:
        article.source_id = page.source_id  # who listed it; the store decides whose article it is (its outlet)
        # A live feed's first sighting dates an undated article; an archive's import time never does.
        article.listed_at = article.published or article.fetched_at
    article.feed_section = page.section
    return article


def _failure_reason(error: Exception) -> str:
    """A one-line reason for an exception nobody named: its type and the start of its message."""
    if isinstance(error, RecursionError):
        return "the page nests too deeply to process (RecursionError)"
    message = " ".join(str(error).split())
    return (
        f"internal error: {type(error).__name__}: {message[:200]}"
        if message
        else f"internal error: {type(error).__name__}"
    )


def process_page(
    page: FetchedPage | LoadFailure,
    store: ArticleStore,
    *,
    extract: ExtractStage = extract_stage,
    enrich: EnrichStage = enrich_article,
    reraise: tuple[type[Exception], ...] = (),
    batch: BatchKeys | None = None,
    html_gz: bytes | None = None,
) -> PageResult:
    """One page through extract → enrich → limits → store; whatever goes wrong becomes this page's result.

    Named errors carry their own reason; any other exception (a bug, a library choking on hostile input) is
    logged with its traceback at debug level and reported as the page's failure, so the batch goes on.
    ``reraise`` names failures that are not the page's (a Celery worker passes "store unreachable", which it
    waits out and runs the page again). ``batch`` keeps the first of two pages that share one key (see
    :class:`BatchKeys`). ``html_gz``: the page's bytes already compressed (a crawl's worker did it).
    """
    if isinstance(page, LoadFailure):
        return PageResult(page.origin, Outcome.FAILED, page.reason)
    try:
        return _store_page(page, store, extract, enrich, batch, html_gz)
    except NotAnArticle as error:
        return PageResult(page.origin, Outcome.SKIPPED, error.reason)
    except NewsloomError as error:
        return PageResult(page.origin, Outcome.FAILED, error.reason)
    except Exception as error:  # every page is its own failure domain
        if isinstance(error, reraise):
            raise
        log.debug("page failed", exc_info=True, extra={"origin": page.origin})
        return PageResult(page.origin, Outcome.FAILED, _failure_reason(error))


def _without_outlet_template(article: Article, store: ArticleStore) -> Article:
    """Blocks the outlet repeats on its other stored articles are its template (extract/template.py)."""
    from newsloom.store.templates import outlet_page_keys

    engine = getattr(store, "engine", None)
    if engine is None:
        return article
    return drop_template_blocks(article, repeated_among(outlet_page_keys(engine, article)))


class BatchKeys:
    """The keys one import has stored, and which page each came from.

    Two different pages may name one canonical URL (two captures of an article saved under two addresses, a
    gallery's pages all pointing at its first): stored in turn, each overwrote the other on every re-import, which
    then reported them "updated" for ever. The first page of a batch keeps the key; a later, different page with the
    same key is reported as a copy of it and stored over nothing. A later capture of the same page (the same URL,
    e.g. a revised article in a crawl's WARC) is a new version of it and updates it as before.
    """

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, str]] = {}  # key -> (page identity, origin)

    @staticmethod
    def identity(page: FetchedPage) -> str:
        """What a page is: its URL when it has one (WARC records, fetched pages), else its file."""
        if page.final_url or page.url:
            return url_key(page.final_url or page.url or "")
        origin = Path(page.origin)
        return str(origin.resolve()) if origin.exists() else page.origin

    def copy_of(self, key: str, page: FetchedPage) -> str | None:
        """The origin of the earlier, different page that holds ``key`` in this batch; None after claiming it."""
        identity = self.identity(page)
        holder = self.first.setdefault(key, (identity, page.origin))
        return holder[1] if holder[0] != identity else None


def _store_page(
    page: FetchedPage,
    store: ArticleStore,
    extract: ExtractStage,
    enrich: EnrichStage,
    batch: BatchKeys | None = None,
    html_gz: bytes | None = None,
) -> PageResult:
    from newsloom.store.base import UpsertOutcome

    article = enrich(_without_outlet_template(extract(page), store))
    if not article.canonical_url:
        # A saved page that names no URL of its own: its file is its identity, so re-imports stay idempotent.
        origin_path = Path(page.origin)
        if not origin_path.exists():
            return PageResult(page.origin, Outcome.FAILED, "no URL: the page names none and none was given")
        article.url = article.canonical_url = origin_path.resolve().as_uri()
    if batch is not None and (first := batch.copy_of(url_key(article.canonical_url), page)) is not None:
        return PageResult(page.origin, Outcome.SKIPPED, f"a copy: {first} has the same canonical URL and was kept")
    cuts = tuple(limit_article(article))
    if cuts:
        log.info("article cut to limits", extra={"origin": page.origin, "cuts": list(cuts)})
    if html_gz is not None:
        result = store.upsert_article(article, final_url=page.final_url, html_gz=html_gz)
    else:
        result = store.upsert_article(article, raw_html=page.content, final_url=page.final_url)
    if result.outcome == UpsertOutcome.UNCHANGED:
        return PageResult(page.origin, Outcome.SKIPPED, "unchanged", result.article_id, cuts)
    outcome = Outcome.NEW if result.outcome == UpsertOutcome.NEW else Outcome.UPDATED
    return PageResult(page.origin, outcome, None, result.article_id, cuts)


def process_record(
    record: Record | LoadFailure,
    origin: str,
    store: SQLStore,
    *,
    enrich: EnrichStage = enrich_article,
) -> PageResult:
    """One article record (``newsloom/records.py``) through enrich → limits → store, as a page after extraction:
    language detected where the record gives none, publisher tags cleaned, section placed, outlet by registrable
    domain. An exported record's own decisions (tags, section, language) win over enrichment's, and its story,
    edition link and comments are stored with it. Like ``process_page``, it raises nothing for a bad record."""
    from newsloom.store.base import UpsertOutcome
    from newsloom.store.records import store_record

    if isinstance(record, LoadFailure):
        return PageResult(origin, Outcome.FAILED, record.reason)
    try:
        article = record.keep_decisions(enrich(record.article))
        cuts = tuple(limit_article(article))
        result = store_record(store, record, article)
    except NewsloomError as error:
        return PageResult(origin, Outcome.FAILED, error.reason)
    except Exception as error:  # every record is its own failure domain
        log.debug("record failed", exc_info=True, extra={"origin": origin})
        return PageResult(origin, Outcome.FAILED, _failure_reason(error))
    if result.outcome == UpsertOutcome.UNCHANGED:
        return PageResult(origin, Outcome.SKIPPED, "unchanged", result.article_id, cuts)
    outcome = Outcome.NEW if result.outcome == UpsertOutcome.NEW else Outcome.UPDATED
    return PageResult(origin, outcome, None, result.article_id, cuts)


def process_pages(
    pages: Iterable[FetchedPage | LoadFailure],
    store: ArticleStore,
    on_result: Callable[[PageResult], None] | None = None,
) -> BatchReport:
    report = BatchReport()
    batch = BatchKeys()
    for page in pages:
        result = process_page(page, store, batch=batch)
        report.add(result)
        if on_result is not None:
            on_result(result)
    return report


def update_stories(store: SQLStore, now: datetime | None = None, hints: Hints | None = None) -> StoryChanges:
    """Group the articles that have no story yet with each other and with the stories around them in time.

    A batch stage, not a per-page one: a story is a relation between articles, so it is decided once a batch
    is stored (end of an import, of a crawl round, or ``newsloom stories``). ``hints``: copy signatures the
    crawl's extraction workers computed (``pipeline/hints.py``).
    """
    from newsloom.store.copies import CopyStore
    from newsloom.store.stories import StoryChanges, StoryStore
    from newsloom.store.translations import TranslationStore

    # syndicated copies first: one pass over the same new articles
    CopyStore(store.engine).index_new(hints.signature if hints is not None else None)
    stories = StoryStore(store.engine)
    docs = TranslationStore(store.engine).with_translated_text(stories.pending_window(WINDOW))
    considered = [doc.id for doc in docs if doc.story is None and not doc.checked]
    if not considered:
        return StoryChanges()
    central: dict[int, int] = {}
    grouping = group_into_stories(docs, central=central)
    return stories.save(grouping, considered, now or datetime.now(UTC), central)


def _story_changes() -> StoryChanges:
    from newsloom.store.stories import StoryChanges

    return StoryChanges()


RunSync = Callable[..., Awaitable[Any]]  # runs a blocking store call: ``run_sync(function, *args)``


async def _inline(function: Callable[..., T], *args: Any) -> T:
    return function(*args)


@dataclass(slots=True)
class StageReport:
    """What one run of the batch stages did."""

    media: MediaReport | None = None  # None: ``fetch_images`` is off
    translation: TranslationStats | None = None  # None: no backend, or it failed (``translation_error``)
    translation_error: str | None = None
    stories: StoryChanges = field(default_factory=_story_changes)
    enrichment: EnrichChanges | None = None
    pages: int = 0  # article pages stored (``web.prerender``)


class Batch:
    """The batch stages after store, in their one order, over whatever the store holds pending.

    One per crawler, queue worker or command: it keeps the translation backend (and its model) loaded between
    runs, and runs one batch at a time (two polls that finish together do not fetch the same pictures twice).
    ``fetcher`` is the crawler's (robots.txt, pacing, the SSRF guard); without one, a run makes its own that
    tries each picture once, so an offline import pays one short failure per image host. ``run_sync`` runs the
    blocking stages: the crawler passes its writer thread, so they stay serial with its article writes.
    """

    def __init__(
        self,
        store: SQLStore,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        run_sync: RunSync | None = None,
        pages: PageStage | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.fetcher = fetcher
        self.run_sync: RunSync = run_sync or _inline
        self._translator: Translator | None = None
        self._running: asyncio.Lock | None = None
        self.hints = Hints()  # what the crawl's extraction workers computed for these stages (``pipeline/hints.py``)
        self._pages_with = pages or _pages_with
        self._pages: Callable[[], int] | None = None  # made on the first run that has a pages stage

    async def run(
        self,
        *,
        logos: bool = True,
        on_stage: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> StageReport:
        """Media (the pictures, and with ``logos`` the outlets' logos), translated editions (before stories, so an
        edition joins its language's coverage), stories, entity tags and section placement, then the stored pages
        of the articles all that wrote (last: each stage before changes what they show). ``on_stage`` hears each
        stage's name as it starts; ``on_progress`` counts the articles enriched."""
        if self._running is None:
            self._running = asyncio.Lock()
        async with self._running:
            report = StageReport()
            if self.settings.fetch_images:
                _tell(on_stage, "media")
                report.media = await self._media(logos)
            from newsloom.pipeline.translation import active_backend

            if active_backend(self.settings) != "none":
                _tell(on_stage, "translation")
                report.translation, report.translation_error = await self.run_sync(self._translate)
            _tell(on_stage, "stories")
            report.stories = await self.run_sync(update_stories, self.store, None, self.hints)
            release_memory()
            _tell(on_stage, "enrichment")
            report.enrichment = await self.run_sync(self._enrich, on_progress)
            release_memory()
            if self._pages_with is not None:
                _tell(on_stage, "pages")
                if self._pages is None:
                    self._pages = self._pages_with(self.store, self.settings)
                report.pages = await self.run_sync(self._pages)
            return report

    async def _media(self, logos: bool) -> MediaReport:
        from newsloom.fetch.fetcher import Fetcher
        from newsloom.media.stage import fetch_pending_media

        if self.fetcher is not None:
            return await fetch_pending_media(self.settings, self.store, self.fetcher, logos=logos)
        settings = self.settings.model_copy(update={"fetch_retries": min(self.settings.fetch_retries, 1)})
        async with Fetcher(settings) as fetcher:
            return await fetch_pending_media(settings, self.store, fetcher, logos=logos)

    def _translate(self) -> tuple[TranslationStats | None, str | None]:
        """A failing backend never fails the batch: the articles stay stored and are retried on a later run."""
        from newsloom.pipeline.translation import make_translator, translate_pending

        try:
            if self._translator is None:
                self._translator = make_translator(self.settings)
            return translate_pending(self.store, self.settings, translator=self._translator), None
        except NewsloomError as error:
            log.warning("translation skipped", extra={"reason": error.reason})
            return None, error.reason

    def _enrich(self, on_progress: Callable[[int], None] | None) -> EnrichChanges:
        from newsloom.pipeline.enrichment import enrich_stored

        return enrich_stored(self.store, self.settings, on_progress=on_progress, hints=self.hints)


def release_memory() -> None:
    """Hand the heap a batch stage freed back to the system (glibc keeps it otherwise), so the next stage's peak
    starts from what is in use, not from the last stage's peak: a long-running crawler's size is its largest
    stage, not the sum of them. Elsewhere than glibc, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl, or no libc by that name
        return


# The pages stage renders article pages, which the web layer does (above this one): whoever runs batches with the
# web layer at hand sets it (the CLI does, for ``import``, ``crawl``, ``run`` and the queue's workers).
PageStage: TypeAlias = "Callable[[SQLStore, Settings], Callable[[], int]]"
_pages_with: PageStage | None = None


def store_pages_with(stage: PageStage | None) -> None:
    """Every ``Batch`` made after this ends with ``stage(store, settings)()``: the pages it stored."""
    global _pages_with
    _pages_with = stage


def _tell(on_stage: Callable[[str], None] | None, name: str) -> None:
    if on_stage is not None:
        on_stage(name)


def run_batch(store: SQLStore, settings: Settings, **options: Any) -> StageReport:
    """``Batch(store, settings).run(...)`` for a command outside an event loop (``newsloom import``)."""
    return run_to_completion(Batch(store, settings).run(**options))
