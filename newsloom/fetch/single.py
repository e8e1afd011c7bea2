"""One guarded GET, for ``newsloom extract URL``: redirects checked by the SSRF guard, size capped."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from newsloom.errors import FetchError, TooLargeError
from newsloom.fetch.guard import AddressGuard
from newsloom.model import FetchedPage
from newsloom.settings import Settings

MAX_REDIRECTS = 5


def fetch_url(url: str, settings: Settings) -> FetchedPage:
    guard = AddressGuard(settings.allow_networks)
    headers = {
        "User-Agent": settings.http_user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    }
    current = url
    with httpx.Client(timeout=httpx.Timeout(20.0, connect=10.0), headers=headers, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            guard.check_url(current)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchError(f"HTTP {response.status_code}", current)
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > settings.max_page_bytes:
                            raise TooLargeError(f"larger than {settings.max_page_bytes} bytes", current)
                    return FetchedPage(
                        content=bytes(body),
                        origin=url,
                        url=url,
                        final_url=str(response.url),
                        content_type=response.headers.get("content-type"),
                        fetched_at=datetime.now(UTC),
                    )
            except httpx.HTTPError as error:
                raise FetchError(f"{type(error).__name__}: {error}", current) from error
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", url)
