"""``newsloom prerender``'s work: article pages rendered through the live path and stored (``web.article_blocks``).

Above the pages and the portal in the import graph (it renders with ``pages.article_page``); nothing in the serving
path imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any

from starlette.requests import Request

from newsloom.settings import Settings
from newsloom.store.sql import SQLStore
from newsloom.web.article_blocks import stored_blocks
from newsloom.web.editions import EDITION_KEY, PREFIX_KEY
from newsloom.web.pages import _edition_redirect, article_page
from newsloom.web.portal import CSRF_PLACEHOLDER, Portal, article_path

# A batch's pages stage renders at most this many pages (the newest articles first), about 10 s of CPU: a store
# whose pages were never made (built before this stage, or in bulk) is not rendered whole by the first crawl round,
# which would hold the writer for minutes; `newsloom prerender` makes the rest.
PAGES_PER_RUN = 2_000


def precompute(
    portal: Portal,
    article_ids: Iterable[int] | None = None,
    variants: Iterable[tuple[str, str]] | None = None,
    batch: int = 200,
    only_stale: bool = False,
    done: Callable[[int], None] | None = None,
    prune: bool = True,
) -> int:
    """Renders and stores the pages of ``article_ids`` (every visible article by default) in each ``(edition,
    prefix)`` of ``variants`` (by default the un-prefixed page in the default edition, the address feeds, sitemaps
    and the bench link to); a ``batch`` of pages per transaction; with ``only_stale``, only pages with no valid
    row. ``done`` is told how many articles each batch went through. Returns the number of pages stored.

    Each batch first reads the newest change (the rows' ``stamp``), then renders: a write committed meanwhile is
    newer than the stamp, and the row it affects is stale from the start, never wrong."""
    blocks = portal.blocks
    if not blocks.usable(None):
        return 0
    chosen = list(variants or [(portal.settings.edition_list[0], "")])
    fingerprint = blocks.fingerprint
    stored = 0

    def pages(ids: list[int]) -> None:
        nonlocal stored
        stamp = blocks.store.stamp()
        rows = []
        for article_id in ids:
            wanted = [
                (edition, prefix)
                for edition, prefix in chosen
                if not only_stale
                or blocks.store.valid(article_id, blocks.variant(edition, prefix), fingerprint) is None
            ]
            article = portal.store.get_article(article_id) if wanted else None
            if article is None:
                continue
            editions = portal.queries.editions(article)
            for edition, prefix in wanted:
                if _edition_redirect(portal, article, editions, edition, prefix):
                    continue
                request = request_for(portal, article_path(article), edition, prefix)
                response, keys = article_page(portal, request, article, editions, CSRF_PLACEHOLDER, stored=True)
                page = blocks.stored_page(bytes(response.body).decode())
                slug = article_path(article).rsplit("/", 1)[1]
                rows.append((article_id, blocks.variant(edition, prefix),
                             stored_blocks(blocks.fingerprint, stamp, slug, keys, page)))  # fmt: skip
        blocks.store.write(rows)
        stored += len(rows)
        if done is not None:
            done(len(ids))

    if article_ids is not None:
        wanted = list(article_ids)
        for start in range(0, len(wanted), batch):
            pages(wanted[start : start + batch])
    else:
        after = 0
        while ids := blocks.store.article_ids(after, batch):
            pages(ids)
            after = ids[-1]
    if prune:
        blocks.store.prune()
    return stored


def visible_article_ids(portal: Portal, page: int = 10_000) -> list[int]:
    """Every visible article's id, in order (what a full precompute walks)."""
    ids: list[int] = []
    while found := portal.blocks.store.article_ids(ids[-1] if ids else 0, page):
        ids += found
    return ids


def precompute_in_processes(
    portal: Portal,
    article_ids: list[int],
    workers: int,
    variants: Iterable[tuple[str, str]] | None = None,
    batch: int = 200,
    only_stale: bool = False,
    done: Callable[[int], None] | None = None,
) -> int:
    """``precompute`` over ``article_ids`` shared by ``workers`` processes, each with its own portal on the same
    store (a page's render is CPU; the writes are short transactions, so they share SQLite's one writer well).

    Rendering a whole store again is what every deploy asks for (new code outdates every stored page): a
    million pages take about 40 minutes of one core. Parts of ``batch * 5`` articles are handed out as processes
    free up; ``done`` hears of each part as it ends."""
    chosen = list(variants) if variants is not None else None
    part = batch * 5
    parts = [article_ids[start : start + part] for start in range(0, len(article_ids), part)]
    stored = 0
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_open_portal, initargs=(portal.settings,)
    ) as pool:
        running = {pool.submit(_render_part, ids, chosen, batch, only_stale): len(ids) for ids in parts}
        for finished in as_completed(running):
            stored += finished.result()
            if done is not None:
                done(running[finished])
    portal.blocks.store.prune()
    return stored


_portal: Portal | None = None  # a prerendering process's own portal (``precompute_in_processes``)


def _open_portal(settings: Settings) -> None:
    from newsloom.store import open_store

    global _portal
    _portal = Portal(settings, open_store(settings))


def _render_part(ids: list[int], variants: list[tuple[str, str]] | None, batch: int, only_stale: bool) -> int:
    assert _portal is not None, "the process was started without its portal"
    return precompute(_portal, ids, variants, batch, only_stale, prune=False)


def request_for(portal: Portal, path: str, edition: str, prefix: str) -> Request:
    """A plain GET of ``path`` as a reader of ``edition`` would send it (how ``precompute`` renders a page)."""
    scope: dict[str, Any] = {
        "type": "http", "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80), "app": None, EDITION_KEY: edition, PREFIX_KEY: prefix,
    }  # fmt: skip
    return Request(scope)


class PageStage:
    """The batch's last stage (``pipeline.Batch``): stores the pages of the articles written since its last run
    (by the batch's stages, the pages stored before them, or anyone else), only those whose row is missing or
    stale, so a crawl or import leaves its articles' pages ready without ``newsloom prerender``. A process's first
    run starts from the newest stored row (from the start on a store with none); a run renders at most
    ``PAGES_PER_RUN`` pages, the newest articles'."""

    def __init__(self, store: SQLStore, settings: Settings) -> None:
        self.portal = Portal(settings, store)
        self.after: int | None = None  # the newest change seen

    def __call__(self) -> int:
        blocks = self.portal.blocks
        if not blocks.usable(None):
            return 0
        after = blocks.store.newest_stamp() if self.after is None else self.after
        upto = blocks.store.stamp()
        changed = sorted(blocks.store.changed_articles(after, upto))[-PAGES_PER_RUN:]
        stored = precompute(self.portal, changed, only_stale=True) if changed else 0
        self.after = upto
        return stored
