"""Adaptive poll intervals: busy feeds sooner, idle feeds later, failing feeds back off, all within bounds."""

from __future__ import annotations

from pathlib import Path

from newsloom.sources.schedule import next_interval
from tests.support.crawl import crawl_settings


def test_intervals_adapt_and_stay_in_bounds(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, poll_interval_seconds=900, poll_min_seconds=120, poll_max_seconds=21600)

    def after(current: int, new: int = 0, ok: bool = True, streak: int = 0) -> int:
        return next_interval(current, new_articles=new, ok=ok, error_streak=streak, settings=settings)

    assert after(900, new=10) == 450
    assert 450 < after(900, new=1) < 900
    assert after(900, new=0) == 1350
    assert after(130, new=50) == 120  # floor
    assert after(20000, new=0) == 21600  # ceiling
    failures = [after(900, ok=False, streak=streak) for streak in range(6)]
    assert failures == sorted(failures) and failures[0] == 1800 and failures[-1] == 21600
    busy = 900
    for _ in range(10):
        busy = after(busy, new=8)
    assert busy == 120
