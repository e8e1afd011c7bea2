"""The media table's reads and writes: which image URLs are stored (and as which files) or failed, and the
covers of listed articles. Files themselves live behind ``newsloom.media.storage``; this keeps only the index.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from newsloom.model import Media
from newsloom.store import schema

_m = schema.media
_a = schema.articles
MAX_BOUND = 500  # ids or URLs bound in one IN (...) list
# Run for every first render of a page (its pictures, its listed articles' covers): built once, values bound per
# call; building a select costs more than SQLite takes to run it.
_MEDIA_BY_URL = sa.select(_m).where(_m.c.url.in_(sa.bindparam("urls", expanding=True)))
_IMAGES_BY_ARTICLE = sa.select(_a.c.id, _a.c.images).where(_a.c.id.in_(sa.bindparam("ids", expanding=True)))


def _chunks(values: list[Any], size: int = MAX_BOUND) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def media_from_row(row: sa.Row[Any]) -> Media:
    widths = tuple(int(w) for w in (row.widths or "").split(",") if w)
    return Media(
        url=row.url, status=row.status, digest=row.digest, mime=row.mime, width=row.width, height=row.height,
        widths=widths, reason=row.reason,
    )  # fmt: skip


def cover_url(images: list[dict[str, Any]] | None) -> str | None:
    """The stored images list's cover, as ``Article.cover_image`` chooses it (marked cover, else the first)."""
    if not images:
        return None
    for image in images:
        if image.get("is_cover"):
            return str(image.get("url") or "") or None
    return str(images[0].get("url") or "") or None


class MediaStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def lookup(self, urls: Iterable[str]) -> dict[str, Media]:
        """Rows for these URLs (stored or failed); URLs never tried are absent."""
        wanted = sorted({url for url in urls if url})
        found: dict[str, Media] = {}
        if not wanted:  # most list entries and many pages have no picture: no connection, no transaction
            return found
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                for row in conn.execute(_MEDIA_BY_URL, {"urls": chunk}):
                    found[row.url] = media_from_row(row)
        return found

    def record(self, media: Media) -> None:
        """Insert or replace what is known about one URL."""
        values = {
            "status": media.status, "reason": media.reason, "digest": media.digest, "mime": media.mime,
            "width": media.width, "height": media.height, "widths": ",".join(str(w) for w in media.widths) or None,
            "fetched_at": datetime.now(UTC),
        }  # fmt: skip
        with self.engine.begin() as conn:
            updated = conn.execute(sa.update(_m).where(_m.c.url == media.url).values(**values)).rowcount
            if not updated:
                conn.execute(sa.insert(_m).values(url=media.url, **values))

    def image_urls(self, article_ids: Iterable[int], per_article: int) -> list[str]:
        """Image URLs of these articles, each article's cover first then its body's, at most ``per_article``."""
        urls: list[str] = []
        ids = sorted(set(article_ids))
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                for row in conn.execute(sa.select(_a.c.images, _a.c.blocks).where(_a.c.id.in_(chunk))):
                    urls.extend(_article_image_urls(row.images or [], row.blocks or [])[:per_article])
        return list(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))

    def pending(self, limit: int, after_id: int = 0) -> list[int]:
        """Articles whose pictures the media stage has not handled yet (new, changed, or left by a killed run),
        oldest id first, after ``after_id``."""
        query = (
            sa.select(_a.c.id).where(_a.c.media_checked_at.is_(None), _a.c.id > after_id).order_by(_a.c.id).limit(limit)
        )
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def mark_checked(self, article_ids: Iterable[int]) -> None:
        """The media stage is done with these articles' pictures (stored, failed or known: each URL has its row)."""
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            for chunk in _chunks(sorted(set(article_ids))):
                conn.execute(sa.update(_a).where(_a.c.id.in_(chunk)).values(media_checked_at=now))

    def with_videos(self, limit: int = 20, scan: int = 5000) -> list[int]:
        """Newest articles whose body holds a video, among the newest ``scan`` (a bounded walk of the listing
        index: the stored blocks are JSON text, so this is a substring test, not an index lookup)."""
        newest = (
            sa.select(_a.c.id, _a.c.blocks, _a.c.listed_at)
            .where(_a.c.hidden.is_(False))
            .order_by(_a.c.listed_at.desc(), _a.c.id.desc())
            .limit(scan)
            .subquery()
        )
        query = (
            sa.select(newest.c.id)
            .where(sa.cast(newest.c.blocks, sa.Text).like('%"kind": "video"%'))
            .order_by(newest.c.listed_at.desc(), newest.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def covers(self, article_ids: Iterable[int]) -> dict[int, Media]:
        """Each listed article's stored cover picture (articles whose cover is not stored are absent)."""
        ids = sorted({i for i in article_ids if i is not None})
        by_article: dict[int, str] = {}
        if not ids:
            return {}
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                for row in conn.execute(_IMAGES_BY_ARTICLE, {"ids": chunk}):
                    url = cover_url(row.images)
                    if url:
                        by_article[row.id] = url
        stored = self.lookup(by_article.values())
        return {i: stored[url] for i, url in by_article.items() if url in stored and stored[url].ok}


def _article_image_urls(images: list[dict[str, Any]], blocks: list[dict[str, Any]]) -> list[str]:
    cover = cover_url(images)
    # Pictures of the body and posters of its videos, in reading order.
    body = [str(b["image"].get("url") or "") for b in blocks if b.get("image")]
    rest = [str(image.get("url") or "") for image in images]
    return list(dict.fromkeys(url for url in [cover or "", *body, *rest] if url))
