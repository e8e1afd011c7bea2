"""Images kept in WARC archives (our own crawl archive records every response, pictures included): stored from
the archive at import, so a replayed crawl needs no network for its pictures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsloom.settings import Settings
from newsloom.store.sql import SQLStore


def iter_warc_images(path: Path, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """(URL, bytes) of each complete 200 image response; a damaged archive simply ends the iteration (its pages
    are reported by the page reader)."""
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if record.http_headers.get_statuscode() != "200" or not kind.startswith("image/"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                content = record.content_stream().read(max_bytes + 1)
                if url and len(content) <= max_bytes:
                    yield url, content
    except Exception:
        return


def store_warc_images(path: Path, settings: Settings, store: SQLStore) -> int:
    from newsloom.media.stage import store_archived

    stored = 0
    for url, content in iter_warc_images(path, settings.image_max_bytes):
        found = store_archived(url, content, settings, store)
        stored += bool(found and found.ok)
    return stored
