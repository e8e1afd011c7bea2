"""After importing real pages, every internal link on the portal resolves: a crawler follows them all."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from newsloom.fetch.local import iter_local_pages
from newsloom.pipeline import Outcome, process_pages, update_stories
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app
from tests.conftest import corpus
from tests.support.web import AppServer

MAX_PAGES = 600
_HREF = re.compile(r'(?:href|src)="([^"#]+)"')


@pytest.mark.slow
@pytest.mark.corpus
def test_every_internal_link_resolves(settings: Settings, store: SQLStore) -> None:
    report = process_pages(iter_local_pages([corpus("article-extraction-benchmark") / "html"]), store)
    assert report.counts[Outcome.NEW] >= 120
    assert update_stories(store).stories_created >= 5  # the benchmark's pages were collected around a few events
    with AppServer(create_app(settings, store)) as server, server.client(timeout=20) as client:
        seen: set[str] = set()
        queue = deque(["/", "/outlets", "/search?q=the", "/sitemap.xml", "/feed.xml", "/atom.xml"])
        failures: list[tuple[str, int]] = []
        kinds: set[str] = set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code >= 400:
                failures.append((path, response.status_code))
                continue
            kinds.add(path.strip("/").split("/", 1)[0].split("?", 1)[0])
            if "html" not in response.headers.get("content-type", ""):
                continue
            for link in _HREF.findall(response.text):
                absolute = urljoin(server.url + path, link.replace("&amp;", "&"))
                parts = urlsplit(absolute)
                if parts.netloc == urlsplit(server.url).netloc and not parts.path.startswith("/admin"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        # reprocessing one imported article from its stored HTML works through the pipeline
    assert failures == []
    assert {"", "article", "section", "tag", "author", "outlet", "story", "static"} <= kinds, kinds
