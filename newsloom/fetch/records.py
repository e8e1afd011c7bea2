"""Article records from JSON lines: a ``.jsonl`` (or ``.ndjson``) file, gzipped or not, or standard input (``-``).

Each line is read on its own, at most ``MAX_RECORD_BYTES`` of it: a line that is not JSON, or too long, is a
failure with its line number, and the lines after it are read as usual. What a record must hold is
``newsloom/records.py``'s business.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsloom.model import LoadFailure

RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
STDIN = "-"
MAX_RECORD_BYTES = 4_000_000  # the longest article of the shared corpora is ~60,000 characters; export doubles it


def is_records(path: Path) -> bool:
    """Whether ``import`` reads ``path`` as article records (by name: ``-`` is standard input)."""
    return str(path) == STDIN or path.name.lower().endswith(RECORD_SUFFIXES)


def _open(path: Path) -> IO[bytes]:
    """The file's lines as bytes, gunzipped when it is gzip (by its first bytes, not its name: stdin has none)."""
    raw: Any = sys.stdin.buffer if str(path) == STDIN else path.open("rb")
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=buffered)  # type: ignore[return-value]
    return buffered


def origin_of(path: Path, line: int) -> str:
    return f"{'stdin' if str(path) == STDIN else path}:{line}"


def count_lines(path: Path) -> int | None:
    """Lines of a plain file, for a progress total (None for standard input or a gzipped file: read once only)."""
    if str(path) == STDIN:
        return None
    try:
        with path.open("rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                return None
            handle.seek(0)
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


def iter_records(path: Path) -> Iterator[tuple[str, object | LoadFailure]]:
    """``(origin, parsed JSON)`` per non-blank line, origin ``FILE:LINE``; a ``LoadFailure`` for a line that cannot be
    read, and one for the file when it cannot be opened or breaks off (a cut gzip stream)."""
    try:
        handle = _open(path)
    except OSError as error:
        yield str(path), LoadFailure(str(path), f"unreadable: {error.strerror or error}")
        return
    number = 0
    try:
        with handle:
            while True:
                line = handle.readline(MAX_RECORD_BYTES + 1)
                if not line:
                    return
                number += 1
                origin = origin_of(path, number)
                if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                    size = len(line) + _skip_rest(handle)
                    yield origin, LoadFailure(origin, f"line too long: {size:,} bytes (at most {MAX_RECORD_BYTES:,})")
                    continue
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if line.strip():
                    yield origin, _parse(origin, line)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        origin = origin_of(path, number + 1)
        yield origin, LoadFailure(origin, f"unreadable: {type(error).__name__}: {error}")


def _skip_rest(handle: IO[bytes]) -> int:
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _parse(origin: str, line: bytes) -> object | LoadFailure:
    try:
        parsed: object = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        return LoadFailure(origin, f"not UTF-8 (byte {error.start})")
    except json.JSONDecodeError as error:
        return LoadFailure(origin, f"not JSON: {error.msg} (column {error.colno})")
    except (ValueError, RecursionError) as error:  # a 5,000-digit number; arrays nested 100,000 deep
        return LoadFailure(origin, f"not JSON newsloom reads: {type(error).__name__}: {str(error)[:80]}")
    return parsed
