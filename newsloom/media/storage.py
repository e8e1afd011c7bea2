"""Where rendition files live: a small interface, a local directory behind it by default.

Names are ``ab/abcdef…-640.webp`` (the first two hex digits of the content hash as a directory): a name never
changes meaning, so the portal serves them as immutable. An S3-compatible bucket can implement the same four
methods later; the portal then redirects or proxies ``/media/NAME`` to it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from newsloom.settings import Settings

NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}-\d{1,5}\.(webp|jpg|png)$")


class MediaStorage(Protocol):
    """Rendition files by name. ``put`` must be atomic (a reader sees the whole file or none) and idempotent
    (putting a name twice keeps one file); names are checked against ``NAME`` before they reach an
    implementation, so no implementation sees a path outside its store."""

    def put(self, name: str, data: bytes) -> None: ...

    def exists(self, name: str) -> bool: ...

    def size(self, name: str) -> int | None: ...

    def path(self, name: str) -> Path | None:
        """A local file to send, or None when the store is remote (the caller then uses ``read``)."""
        ...

    def read(self, name: str) -> bytes | None: ...


class LocalMediaStorage:
    """Files under a directory (``media_dir``, default ``DATA_DIR/media``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, name: str) -> Path:
        if not NAME.match(name):
            raise ValueError(f"not a media name: {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        target = self._file(name)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def exists(self, name: str) -> bool:
        return NAME.match(name) is not None and self._file(name).is_file()

    def size(self, name: str) -> int | None:
        try:
            return self._file(name).stat().st_size
        except (OSError, ValueError):
            return None

    def path(self, name: str) -> Path | None:
        try:
            found = self._file(name)
        except ValueError:
            return None
        return found if found.is_file() else None

    def read(self, name: str) -> bytes | None:
        found = self.path(name)
        return found.read_bytes() if found else None


def open_storage(settings: Settings) -> MediaStorage:
    """The media store the settings name (a local directory; an S3-compatible adapter would be chosen here)."""
    return LocalMediaStorage(settings.resolved_media_dir)
