"""Pages from local files: ``.html``, ``.htm``, ``.html.gz``, directories of them (recursively) and WARC files."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsloom.fetch.warc import is_warc, iter_warc_pages
from newsloom.model import FetchedPage, LoadFailure

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
MAX_FILE_BYTES = 50_000_000


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly are all kept; directories contribute their HTML and WARC files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file() and (child.name.lower().endswith(HTML_SUFFIXES) or is_warc(child))
                )
            )
        else:
            found.append(path)
    return found


def read_html_file(path: Path) -> bytes:
    """Raw bytes, gunzipped when the file is gzip (by magic number, not name). Raises OSError/EOFError/zlib.error."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise OSError(f"file too large ({size} bytes)")
    with path.open("rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        with gzip.open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise OSError("file too large after decompression")
        return data
    return path.read_bytes()


def iter_local_pages(paths: Iterable[Path], url: str | None = None) -> Iterator[FetchedPage | LoadFailure]:
    """Each page found under ``paths``; ``url`` applies only when a single HTML file is given."""
    files = expand_paths(paths)
    for path in files:
        origin = str(path)
        if not path.exists():
            yield LoadFailure(origin, "no such file")
            continue
        if is_warc(path):
            yield from iter_warc_pages(path)
            continue
        try:
            content = read_html_file(path)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            yield LoadFailure(origin, f"unreadable: {error}")
            continue
        yield FetchedPage(content=content, origin=origin, url=url if len(files) == 1 else None)
