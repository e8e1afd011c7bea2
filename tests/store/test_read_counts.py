"""Read counts: summed in memory, written in batches to their own file, shared by every serving process."""

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
    assert other.views_of(3) == 1


def test_old_days_leave_most_read(tmp_path: Path) -> None:
    import sqlite3

    counter = ViewCounter(tmp_path / "views.db")
    counter.count(1)
    with sqlite3.connect(tmp_path / "views.db") as connection:
        connection.execute("INSERT INTO article_views VALUES (2, '2001-01-01', 500)")
    assert counter.most_read(5) == [1]
    assert counter.views_of(2) == 500
