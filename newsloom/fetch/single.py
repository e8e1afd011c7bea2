"""One page on request, for ``newsloom extract URL``: the crawler's :class:`Fetcher` for a single GET.

Same guard (checked at connection time, every redirect), size and decompression caps, timeouts and retries as
the crawl. robots.txt is not consulted: a person asked for this one page, as a browser would.
"""

from __future__ import annotations

from newsloom.aio import run_to_completion
from newsloom.fetch.fetcher import Fetcher
from newsloom.model import FetchedPage
from newsloom.settings import Settings


def fetch_url(url: str, settings: Settings) -> FetchedPage:
    async def fetch() -> FetchedPage:
        async with Fetcher(settings) as fetcher:
            result = await fetcher.fetch(url, obey_robots=False)
        return result.to_page()

    return run_to_completion(fetch())
