"""The storage seam: what any store behind newsloom must guarantee.

An implementation must make ``upsert_article`` atomic (the article, its tags, authors, raw HTML and search entry
change together or not at all) and idempotent by canonical URL: the same article stored twice is one row, and
storing identical content reports ``UNCHANGED`` without touching it. Reads never return hidden articles unless
asked. Every implementation runs ``tests/store/test_store.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from newsloom.model import Article


class UpsertOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    outcome: UpsertOutcome
    article_id: int


@dataclass(frozen=True, slots=True)
class Cursor:
    """Keyset position in a listing ordered newest first: the last row's ``listed_at`` and ``id``."""

    listed_at: datetime
    article_id: int


@dataclass(slots=True)
class StoreStats:
    articles: int
    by_source: dict[str, int] = field(default_factory=dict)
    by_section: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    size_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    snippet: str
    rank: float


class ArticleStore(Protocol):
    def upsert_article(
        self,
        article: Article,
        raw_html: bytes | None = None,
        final_url: str | None = None,
        *,
        html_gz: bytes | None = None,
    ) -> UpsertResult:
        """Insert or update by canonical URL, atomically, keeping ``raw_html`` compressed for reprocessing
        (``html_gz``: already compressed, by ``html_gz.compress_html``)."""
        ...

    def get_article(self, article_id: int, *, include_hidden: bool = False) -> Article | None: ...

    def get_article_by_url(self, url: str) -> Article | None:
        """Look up by any URL of the article (it is canonicalised first)."""
        ...

    def latest_articles(
        self,
        limit: int = 20,
        *,
        before: Cursor | None = None,
        section: str | None = None,
        source_id: int | None = None,
        tag: str | None = None,
        author: str | None = None,
        summaries: bool = False,
    ) -> list[Article]:
        """Newest first, keyset-paginated with ``before``; ``summaries`` leaves out body, blocks, images and
        attribution (lists of links)."""
        ...

    def iter_articles(self, batch_size: int = 500) -> Iterator[Article]: ...

    def raw_html(self, article_id: int) -> bytes | None: ...

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]: ...

    def stats(self) -> StoreStats: ...

    def change_token(self) -> object:
        """Differs from every earlier value once anything was committed, by any process."""
        ...
