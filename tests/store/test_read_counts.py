"""Read counts: summed in memory, written in batches to their own file, shared by every serving process."""

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from newsloom.store.read_counts import ViewCounter


def test_counts_survive_a_restart_and_add_up_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "views.db"
    first, second = ViewCounter(path, flush_seconds=3600), ViewCounter(path, flush_seconds=3600)
    for _ in range(3):
        first.count(7)
    second.count(7)
    second.count(9)
    second.count(9)
    first.flush()
    second.close()
    first.close()
    reopened = ViewCounter(path)
    assert reopened.views_of(7) == 4
    assert reopened.most_read(5) == [7, 9]


def test_pending_counts_are_flushed_when_due(tmp_path: Path) -> None:
    counter = ViewCounter(tmp_path / "views.db", flush_seconds=0)
    counter.count(3)
    other = ViewCounter(tmp_path / "views.db", flush_seconds=3600)
    assert until(lambda: other.views_of(3) == 1)  # written in the background, within moments


def test_a_read_never_waits_for_the_counts_to_be_written(tmp_path: Path) -> None:
    """The read that makes a write due returns at once; the write waits for the file in its own thread, and no count
    is lost."""
    path = tmp_path / "views.db"
    counter = ViewCounter(path, flush_seconds=0)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the file's write lock for a while
    try:
        began = time.monotonic()
        for _ in range(5):
            counter.count(8)
        assert time.monotonic() - began < 1  # the counter's own timeout is 10 s
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    other = ViewCounter(path, flush_seconds=3600)
    assert until(lambda: other.views_of(8) >= 1)  # the due write landed once the file was free, untouched
    assert counter.views_of(8) == 5  # the reads counted meanwhile, written with the next write


def until(condition: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_old_days_leave_most_read(tmp_path: Path) -> None:
    counter = ViewCounter(tmp_path / "views.db")
    counter.count(1)
    with sqlite3.connect(tmp_path / "views.db") as connection:
        connection.execute("INSERT INTO article_views VALUES (2, '2001-01-01', 500)")
    assert counter.most_read(5) == [1]
    assert counter.views_of(2) == 500
