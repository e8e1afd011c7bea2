"""Pages from WARC archives (CC-NEWS style backfills, or our own crawl archive), via warcio.

A ``response`` record with status 200 and an HTML content type becomes a page whose URL is the record's
``WARC-Target-URI``. A truncated or corrupt archive yields the records read so far and then one failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from newsloom.model import FetchedPage, LoadFailure

MAX_RECORD_BYTES = 20_000_000


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith((".warc", ".warc.gz"))


def _record_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def iter_warc_pages(path: Path) -> Iterator[FetchedPage | LoadFailure]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield LoadFailure(str(path), f"unreadable: {error}")
        return
    with handle:
        offset = 0
        records = 0
        last_record = None
        try:
            from warcio.archiveiterator import ArchiveIterator  # here: `extract` of an HTML file never needs it

            iterator = ArchiveIterator(handle)
            for record in iterator:
                records += 1
                last_record = record
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if status != "200" or "html" not in content_type.lower():
                    continue
                content = record.content_stream().read(MAX_RECORD_BYTES + 1)
                truncated = record.raw_stream.limit > 0 and len(content) <= MAX_RECORD_BYTES
                # Offsets are known only once the record is read (asking earlier consumes it).
                offset = iterator.get_record_offset()
                origin = f"{path}#{offset}"
                if truncated:
                    yield LoadFailure(origin, "corrupt or truncated WARC: record ends early")
                    return
                if len(content) > MAX_RECORD_BYTES:
                    yield LoadFailure(origin, "record too large")
                    continue
                target = record.rec_headers.get_header("WARC-Target-URI")
                yield FetchedPage(
                    content=content,
                    origin=origin,
                    url=target,
                    final_url=target,
                    content_type=content_type,
                    fetched_at=_record_date(record.rec_headers.get_header("WARC-Date")),
                )
        except Exception as error:  # warcio raises assorted errors on truncated or corrupt archives
            yield LoadFailure(f"{path}#{offset}", f"corrupt or truncated WARC: {type(error).__name__}: {error}")
            return
        # The iterator drains each record before the next; a record still owed bytes at the end was cut off.
        if last_record is not None and last_record.raw_stream.limit > 0:
            yield LoadFailure(f"{path}#{offset}", "corrupt or truncated WARC: last record ends early")
        elif records == 0 and path.stat().st_size > 0:
            yield LoadFailure(str(path), "no WARC records found (truncated or not a WARC file)")
