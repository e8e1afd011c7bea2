"""Search pages shared by the server's worker processes.

Each worker keeps rendered pages in its own memory (``web.page_cache``), so a search asked of one worker is
rendered again when the same address reaches another: with two workers, a third of the renders of a stream of
new searches that repeat (links shared, a reader paging back) are another worker's. Search pages are the pages
that cost most to render and are the least shared by readers, so they are kept here too, in a small SQLite
file beside the store that every worker of the server reads and writes.

An entry is served only under the store change token it was rendered under, and that token must be the same in
every process:

- SQLite: the WAL index header (the first 48 bytes of ``newsloom.db-shm``, written twice by SQLite so a torn read
  shows as two different copies). Its change counter moves with every commit from any connection, like
  ``PRAGMA data_version``, which is per connection and so cannot be compared between processes.
- PostgreSQL: the store's change token, the current snapshot, which is the same for every session.
- Otherwise (a store not in WAL mode, another database): nothing is shared.

Entries of an older token are dropped when a newer one is written; the file holds at most ``MAX_ENTRIES``. A
search that found nothing (most new searches) is shared as ``NOTHING_FOUND`` instead of its page, and the reader
puts the page together itself without searching: writing a row of twenty kilobytes, and trimming it later, cost
four times what a row of a few bytes does (bench/search_profile.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

from newsloom.settings import Settings
from newsloom.store import SQLStore

MAX_ENTRIES = 20_000
NOTHING_FOUND = b""  # an entry's body when its search found nothing
FILE_NAME = "search-pages.db"


class SharedPages:
    """Rendered pages by address, under the change token they were rendered under."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0.05)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=OFF")  # a cache: a lost write is a render, not data lost
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS pages (address TEXT PRIMARY KEY, token BLOB NOT NULL, "
                "placeholder TEXT NOT NULL, language TEXT NOT NULL, body BLOB NOT NULL)"
            )
        self._last_token: bytes | None = None
        self._writes = 0

    def get(self, address: str, token: bytes) -> tuple[bytes, str, str] | None:
        """(body, the writer's CSRF placeholder, Content-Language) of a page rendered under ``token``; the body is
        ``NOTHING_FOUND`` when that search found nothing."""
        try:
            with self._lock:
                row = self._connection.execute(
                    "SELECT body, placeholder, language FROM pages WHERE address = ? AND token = ?", (address, token)
                ).fetchone()
        except sqlite3.Error:  # busy or broken: render, as without the file
            return None
        return (bytes(row[0]), str(row[1]), str(row[2])) if row is not None else None

    def put(self, address: str, token: bytes, body: bytes, placeholder: str, language: str) -> None:
        try:
            with self._lock:
                if token != self._last_token:  # the store changed: what older tokens hold is never served again
                    self._connection.execute("DELETE FROM pages WHERE token != ?", (token,))
                    self._last_token = token
                self._connection.execute(
                    "INSERT OR REPLACE INTO pages (address, token, placeholder, language, body) VALUES (?, ?, ?, ?, ?)",
                    (address, token, placeholder, language, body),
                )
                self._writes += 1
                if self._writes % 1000 == 0:
                    self._connection.execute(
                        "DELETE FROM pages WHERE rowid <= (SELECT max(rowid) FROM pages) - ?", (MAX_ENTRIES,)
                    )
        except sqlite3.Error:  # another worker holds the file a moment: this page is not shared
            return

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def shared_token(store: SQLStore) -> bytes | None:
    """The store's change token as every process reads it, or None when there is none (see the module's notes)."""
    dialect = store.engine.dialect.name
    if dialect == "postgresql":
        return repr(store.change_token()).encode()
    database = store.engine.url.database
    if dialect != "sqlite" or not database or database == ":memory:":
        return None
    try:
        with open(database + "-shm", "rb") as index:
            header = index.read(96)
    except OSError:
        return None
    # Two copies of the header; a commit writes both, so copies that differ were read mid-write.
    if len(header) < 96 or header[:48] != header[48:96] or not header[12]:
        return None
    return header[:48]


_SHARED: dict[Path, SharedPages] = {}
_SHARED_LOCK = threading.Lock()


def shared_pages(data_dir: Path) -> SharedPages:
    """The process's handle on the data directory's shared pages (one per directory)."""
    with _SHARED_LOCK:
        found = _SHARED.get(data_dir)
        if found is None:
            found = _SHARED[data_dir] = SharedPages(data_dir / FILE_NAME)
        return found


_MARKS: dict[int, tuple[Settings, str]] = {}


def settings_mark(settings: Settings) -> str:
    """A short digest of the settings a page was rendered under: servers configured differently (another base
    URL, other editions) on one data directory never serve each other's pages."""
    found = _MARKS.get(id(settings))
    if found is None or found[0] is not settings:
        digest = hashlib.blake2b(settings.model_dump_json().encode(), digest_size=8).hexdigest()
        found = _MARKS[id(settings)] = (settings, digest)
    return found[1]
