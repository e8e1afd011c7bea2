"""Rate limits every serving process shares: sliding windows of events per key, in a SQLite file beside the store.

With ``serve --workers N`` each process used to count on its own, so N processes allowed N times the limit, and
an attacker's requests spread over them. The events live in the views database (``views.db`` in the data
directory, see ``store.read_counts``) rather than the store: a write to the store moves its change token, and a flood
of failed logins would then empty every page cache. One ``BEGIN IMMEDIATE`` transaction per check makes the
count and the insert atomic across processes. Keys are opaque strings (hashed addresses, account names).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from newsloom.store.files import private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_events (
    bucket TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_events_bucket_at ON rate_events (bucket, at);
"""


class SharedRateLimits:
    """One connection to the limits file; ``limiter(name, limit, window)`` gives a limiter over it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        private_file(self.path)
        self._connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(_SCHEMA)

    def limiter(self, name: str, limit: int, window: float) -> SharedRateLimiter:
        return SharedRateLimiter(self, name, limit, window)

    def hit(self, bucket: str, limit: int, window: float, now: float | None = None) -> bool:
        """Records an event in ``bucket`` and says whether it is within ``limit`` per ``window`` seconds.
        Refused events are not recorded, so a client that waits gets through again."""
        now = time.time() if now is None else now
        with self._lock, self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute("DELETE FROM rate_events WHERE bucket = ? AND at <= ?", (bucket, now - window))
            (count,) = self._connection.execute(
                "SELECT COUNT(*) FROM rate_events WHERE bucket = ?", (bucket,)
            ).fetchone()
            if count >= limit:
                return False
            self._connection.execute("INSERT INTO rate_events (bucket, at) VALUES (?, ?)", (bucket, now))
            return True

    def close(self) -> None:
        self._connection.close()


class SharedRateLimiter:
    """At most ``limit`` events per ``window`` seconds per key, across every process using the same file."""

    def __init__(self, limits: SharedRateLimits, name: str, limit: int, window: float) -> None:
        self.limits = limits
        self.name = name
        self.limit = limit
        self.window = window

    def allow(self, key: str) -> bool:
        return self.limits.hit(f"{self.name}:{key}", self.limit, self.window)
