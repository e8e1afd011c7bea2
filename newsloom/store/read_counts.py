"""Reads per article per day, for "most read", kept in a SQLite file of their own beside the store.

Not in the store: every commit there moves its change token, and the page cache treats a moved token as "every
page may be stale". A read is not a change to any page but the home page's list, so counting reads in the store
would empty the cache once per read. Reads are also the hottest write there is; they are summed in memory and
written in one transaction every few seconds (and on shutdown), so a crash loses seconds of counts, never the
day. The due write runs in a thread of its own: a busy worker sums thousands of articles' reads in those seconds,
and writing them took 15-100 ms, which the reader whose read made it due, and every request behind it on the
event loop, waited for. Each serving process adds its own sums (``count = count + ?``), so totals are the whole site's, whatever
the number of workers. On a PostgreSQL deployment with several front machines, each machine counts its own
readers: point ``path`` at shared storage or accept per-machine lists.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newsloom.store.files import private_file

log = logging.getLogger(__name__)
FLUSH_SECONDS = 5.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_views (
    article_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (article_id, day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_views_day ON article_views (day);
"""


def _today() -> date:
    return datetime.now(UTC).date()


class ViewCounter:
    def __init__(self, path: Path | str, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.path = Path(path)
        self.flush_seconds = flush_seconds
        self._pending: Counter[tuple[int, str]] = Counter()
        self._lock = threading.Lock()  # guards the sums: held for moments only, never while writing
        self._writing = threading.RLock()  # the connection: one thread at a time (a write, or a read after one)
        self._flushing = False  # a due write is under way in its thread
        self._last_flush = time.monotonic()
        private_file(self.path)
        self._connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(_SCHEMA)

    def count(self, article_id: int) -> None:
        with self._lock:
            self._pending[(article_id, _today().isoformat())] += 1
            due = not self._flushing and time.monotonic() - self._last_flush >= self.flush_seconds
            if due:
                self._flushing = True
                self._last_flush = time.monotonic()
        if due:
            threading.Thread(target=self._flush_due, name="newsloom-read-counts", daemon=True).start()

    def _flush_due(self) -> None:
        try:
            self.flush()
        except sqlite3.Error:
            log.warning("read counts not written yet (kept for the next write)", exc_info=True)
        finally:
            with self._lock:
                self._flushing = False

    def flush(self) -> None:
        """Writes the sums so far (callers that read the counts, and shutdown, write them first)."""
        with self._writing:
            with self._lock:
                pending, self._pending = self._pending, Counter()
                self._last_flush = time.monotonic()
            if not pending:
                return
            rows = [(article_id, day, views) for (article_id, day), views in pending.items()]
            try:
                with self._connection:
                    self._connection.execute("BEGIN IMMEDIATE")
                    self._connection.executemany(
                        "INSERT INTO article_views (article_id, day, views) VALUES (?, ?, ?) "
                        "ON CONFLICT (article_id, day) DO UPDATE SET views = views + excluded.views",
                        rows,
                    )
            except sqlite3.Error:
                with self._lock:
                    self._pending.update(pending)  # kept for the next flush: counts are never dropped on a busy file
                raise

    def most_read(self, limit: int, days: int = 2) -> list[int]:
        """Article ids by reads over the last ``days`` days (today included), most read first."""
        since = (_today() - timedelta(days=days - 1)).isoformat()
        with self._writing:
            self.flush()
            rows = self._connection.execute(
                "SELECT article_id FROM article_views WHERE day >= ? GROUP BY article_id "
                "ORDER BY SUM(views) DESC, article_id DESC LIMIT ?",
                (since, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def views_of(self, article_id: int) -> int:
        with self._writing:
            self.flush()
            row = self._connection.execute(
                "SELECT COALESCE(SUM(views), 0) FROM article_views WHERE article_id = ?", (article_id,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._writing:
            self.flush()
            self._connection.close()
