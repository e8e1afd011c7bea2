"""What one GET returned (``FetchResult``): the fetcher makes it, the WARC writer records it, the crawl loop reads it.

Its own module so the writer, which the fetcher calls, does not import the fetcher back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsloom.model import FetchedPage


@dataclass(slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def to_page(self, *, source_id: int | None = None, section: str | None = None) -> FetchedPage:
        return FetchedPage(
            content=self.content,
            origin=self.url,
            url=self.url,
            final_url=self.final_url,
            content_type=self.content_type,
            fetched_at=self.fetched_at,
            source_id=source_id,
            section=section,
        )
