"""The media stage: after a batch of articles is stored, fetch their images (and outlet logos), check them and
store their renditions. A stage after ``store`` so a slow or absent image host never delays an article.

Fetching goes through the crawler's :class:`~newsloom.fetch.fetcher.Fetcher`: robots.txt, per-host pacing, the
SSRF guard on every connection and redirect, and a byte cap (``image_max_bytes``). Each URL is tried once: the
``media`` table keeps the stored picture or the failure's reason. A host that cannot be reached at all (no DNS,
refused, timed out) fails the rest of its URLs in the batch at once, so importing saved pages from an offline
machine costs one failure per host, not one timeout per picture. Images found in a WARC archive are taken from
it (``store_archived``) and never fetched. Settings: ``fetch_images``, ``image_max_bytes``,
``image_max_pixels``, ``images_per_article``, ``media_dir``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from newsloom.aio import run_to_completion
from newsloom.domains import registrable_domain
from newsloom.errors import BlockedError, FetchError, NewsloomError
from newsloom.fetch.fetcher import Fetcher
from newsloom.known_outlets import logo_for
from newsloom.media.images import make_renditions
from newsloom.media.storage import MediaStorage, open_storage
from newsloom.model import Media
from newsloom.settings import Settings
from newsloom.store.media import MediaStore
from newsloom.store.sources import SourceStore
from newsloom.store.sql import SQLStore

log = logging.getLogger(__name__)
ACCEPT_IMAGE = "image/webp,image/jpeg,image/png,image/gif;q=0.9"
PENDING_BATCH = 200  # articles whose pictures are fetched, then marked handled, at a time
UNREACHABLE = ("cannot resolve", "ConnectError", "ConnectTimeout", "timeout", "not public")


@dataclass(slots=True)
class MediaReport:
    counts: Counter[str] = field(default_factory=Counter)  # stored | failed | known
    reasons: Counter[str] = field(default_factory=Counter)


def store_image(url: str, data: bytes, settings: Settings, storage: MediaStorage, media: MediaStore) -> Media:
    """Check ``data``, store its renditions (once per content hash) and record the URL; a rejection is recorded
    as a failure with its reason and returned, never raised."""
    try:
        made = make_renditions(data, max_bytes=settings.image_max_bytes, max_pixels=settings.image_max_pixels,
                               origin=url)  # fmt: skip
    except NewsloomError as error:
        failed = Media(url=url, status="failed", reason=error.reason)
        media.record(failed)
        return failed
    for name, content in made.files.items():
        storage.put(name, content)
    stored = Media(url=url, status="ok", digest=made.digest, mime=made.mime, width=made.width, height=made.height,
                   widths=made.widths)  # fmt: skip
    media.record(stored)
    return stored


async def fetch_media(
    urls: Iterable[str], settings: Settings, store: SQLStore, fetcher: Fetcher, storage: MediaStorage | None = None
) -> MediaReport:
    """Fetch and store the URLs not tried before. Never raises for a bad image or host."""
    media = MediaStore(store.engine)
    storage = storage or open_storage(settings)
    report = MediaReport()
    wanted = list(dict.fromkeys(urls))
    known = await asyncio.to_thread(media.lookup, wanted)
    report.counts["known"] = len(known)
    todo = [url for url in wanted if url not in known]
    dead_hosts: dict[str, str] = {}

    async def one(url: str) -> None:
        host = urlsplit(url).hostname or ""
        if host in dead_hosts:
            await asyncio.to_thread(media.record, Media(url=url, status="failed", reason=dead_hosts[host]))
            report.counts["failed"] += 1
            return
        try:
            result = await fetcher.fetch(url, accept=ACCEPT_IMAGE, max_bytes=settings.image_max_bytes)
        except (FetchError, httpx.HTTPError) as error:
            reason = error.reason if isinstance(error, FetchError) else f"{type(error).__name__}: {error}"
            if isinstance(error, BlockedError) or any(mark in reason for mark in UNREACHABLE):
                dead_hosts.setdefault(host, reason)
            await asyncio.to_thread(media.record, Media(url=url, status="failed", reason=reason))
            report.counts["failed"] += 1
            report.reasons[reason.split(":")[0]] += 1
            return
        stored = await asyncio.to_thread(store_image, url, result.content, settings, storage, media)
        report.counts["stored" if stored.ok else "failed"] += 1
        if not stored.ok:
            report.reasons[(stored.reason or "").split(":")[0]] += 1

    # Hosts are paced by the fetcher; one task per host at a time keeps a dead host's first failure ahead of
    # its other URLs (so they fail at once instead of each waiting for its own timeout).
    by_host: dict[str, list[str]] = {}
    for url in todo:
        by_host.setdefault(urlsplit(url).hostname or "", []).append(url)

    async def host_queue(queue: list[str]) -> None:
        for url in queue:
            await one(url)

    await asyncio.gather(*(host_queue(queue) for queue in by_host.values()))
    log.info("media", extra={"stored": report.counts["stored"], "failed": report.counts["failed"]})
    return report


async def fetch_article_media(
    article_ids: Iterable[int], settings: Settings, store: SQLStore, fetcher: Fetcher,
    storage: MediaStorage | None = None, *, logos: bool = True,
) -> MediaReport:  # fmt: skip
    """The images of these articles and (with ``logos``) the logos of every outlet. A queue worker fetches one
    article's images per page and leaves logos to the scheduled batch task, so a page does not list every outlet."""
    media = MediaStore(store.engine)
    urls = await asyncio.to_thread(media.image_urls, list(article_ids), settings.images_per_article)
    logo_urls = await asyncio.to_thread(_logo_urls, store) if logos else []
    return await fetch_media([*logo_urls, *urls], settings, store, fetcher, storage)


async def fetch_pending_media(
    settings: Settings, store: SQLStore, fetcher: Fetcher, storage: MediaStorage | None = None, *,
    logos: bool = True, batch: int = PENDING_BATCH,
) -> MediaReport:  # fmt: skip
    """The batch stage: the images of every article still waiting for them (``articles.media_checked_at`` is
    NULL: stored by this run, by another process, or by a run killed before its media stage) and the outlets'
    logos. Each article is marked handled once its URLs are stored or failed, so a re-run after a kill finishes
    the rest and a finished one costs one query."""
    media = MediaStore(store.engine)
    report = MediaReport()
    urls = await asyncio.to_thread(_logo_urls, store) if logos else []
    after = 0
    while article_ids := await asyncio.to_thread(media.pending, batch, after):
        after = article_ids[-1]
        urls += await asyncio.to_thread(media.image_urls, article_ids, settings.images_per_article)
        part = await fetch_media(urls, settings, store, fetcher, storage)
        report.counts.update(part.counts)
        report.reasons.update(part.reasons)
        await asyncio.to_thread(media.mark_checked, article_ids)
        urls = []
    if urls:  # no article waiting: the logos alone
        part = await fetch_media(urls, settings, store, fetcher, storage)
        report.counts.update(part.counts)
        report.reasons.update(part.reasons)
    return report


def _logo_urls(store: SQLStore) -> list[str]:
    """Every outlet's logo: its own, else the registry's, else its favicon (``known_outlets.logo_for``)."""
    found = (
        logo_for(source.logo_url, source.homepage, registrable_domain(source.homepage) if source.homepage else None)
        for source in SourceStore(store.engine).list_sources()
    )
    return [url for url in found if url and url.startswith(("http://", "https://"))]


def run_media_stage(
    article_ids: Iterable[int], settings: Settings, store: SQLStore, transport: httpx.AsyncBaseTransport | None = None
) -> MediaReport:
    """Synchronous entry for import: its own fetcher, images only (no pages)."""

    async def run() -> MediaReport:
        async with Fetcher(settings, transport=transport) as fetcher:
            return await fetch_article_media(article_ids, settings, store, fetcher)

    return run_to_completion(run())


def store_archived(url: str, data: bytes, settings: Settings, store: SQLStore) -> Media | None:
    """An image response found in a WARC archive: stored unless its URL is already known."""
    media = MediaStore(store.engine)
    if url in media.lookup([url]):
        return None
    return store_image(url, data, settings, open_storage(settings), media)
