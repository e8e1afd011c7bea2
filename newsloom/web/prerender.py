"""``newsloom prerender``'s work: article pages rendered through the live path and stored (``web.article_blocks``).

Above the pages and the portal in the import graph (it renders with ``pages.article_page``); nothing in the serving
path imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
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
) -> int:
    """Renders and stores the pages of ``article_ids`` (every visible article by default) in each ``(edition,
    prefix)`` of ``variants`` (by default the un-prefixed page in the default edition, the address feeds, sitemaps
    and the bench link to); a ``batch`` of pages per transaction; with ``only_stale``, only pages with no valid
    row. Returns the number of pages stored.

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

    if article_ids is not None:
        wanted = list(article_ids)
        for start in range(0, len(wanted), batch):
            pages(wanted[start : start + batch])
    else:
        after = 0
        while ids := blocks.store.article_ids(after, batch):
            pages(ids)
            after = ids[-1]
    blocks.store.prune()
    return stored


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
