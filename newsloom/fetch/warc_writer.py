"""Optional archive of every fetched response in rotating WARC files (warcio), replayable by ``newsloom import``.

Settings: ``warc_dir`` (off when unset) and ``warc_max_bytes`` (a file is closed and a new one begun past this
size). Bodies are stored decoded (the fetcher has already inflated them), so ``Content-Encoding`` and framing
headers are dropped from the recorded HTTP headers: a replay must not try to inflate them again.
"""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from newsloom.fetch.result import FetchResult

DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length", "connection"})


class WarcWriter:
    def __init__(self, directory: Path, max_bytes: int, prefix: str = "newsloom-crawl") -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.handle: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.path: Path | None = None
        self.files: list[Path] = []
        self.lock = threading.Lock()

    def _open(self) -> WARCWriter:
        if self.writer is not None and self.handle is not None and self.handle.tell() < self.max_bytes:
            return self.writer
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        self.path = self.directory / f"{self.prefix}-{stamp}-{len(self.files):05d}.warc.gz"
        self.handle = self.path.open("wb")
        self.writer = WARCWriter(self.handle, gzip=True)
        self.files.append(self.path)
        return self.writer

    def write_response(self, result: FetchResult, headers: dict[str, str]) -> None:
        kept = [(name, value) for name, value in headers.items() if name.lower() not in DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(result.content))))
        # Recorded as HTTP/1.1 whatever was spoken (HTTP/2 has no status line); replay tools expect one.
        http_headers = StatusAndHeaders(f"{result.status} OK", kept, protocol="HTTP/1.1")
        with self.lock:
            writer = self._open()
            record = writer.create_warc_record(
                result.final_url,
                "response",
                payload=io.BytesIO(result.content),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": result.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.handle = None
        self.writer = None
