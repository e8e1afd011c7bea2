"""The order in which the test files are handed to pytest-xdist's workers: the costliest first.

Under ``--dist loadfile`` a file's tests run on one worker, and xdist hands the files out one at a time as workers
free up. By default it hands out the files with the most tests first, so the files holding one or two long tests (a
corpus imported for a browser test, Celery workers on a real Redis, a portal crawled link by link) came last, and
one worker ran them alone while the other had nothing left. Handing out the longest files first (the
longest-processing-time rule) leaves only short files for the end: the workers finish within seconds of each other.

A file's cost is the sum of its selected tests' costs: each test's wall time (setup, call and teardown) in the last
run that ran it, kept in pytest's cache by the controlling process at the end of a run, or, for a test no run has
timed yet (a fresh clone, CI), an estimate from its markers. Per test, so a run of the quick tests alone
(``make check``) neither counts the slow tests it deselected nor leaves its own smaller figures for a whole file.
Only the order changes: every test still runs, and a file's tests keep their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

CACHE_KEY = "newsloom/test-seconds"
# Seconds a test is taken to cost when no run has timed its file: a quick test, or one marked as taking seconds.
QUICK = 0.15
MARKED = {"slow": 4.0, "browser": 3.0, "services": 3.0}


class Marked(Protocol):
    """What the ordering reads of a collected test (``pytest.Item`` has both)."""

    @property
    def nodeid(self) -> str: ...

    def iter_markers(self, name: str | None = None) -> Iterable[object]: ...


T = TypeVar("T", bound=Marked)


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def estimate(item: Marked) -> float:
    """A test's cost guessed from its markers (``slow``, ``browser``, ``services``: seconds each)."""
    names = {getattr(mark, "name", "") for mark in item.iter_markers()}
    return QUICK + sum(seconds for name, seconds in MARKED.items() if name in names)


def cost(item: Marked, recorded: Mapping[str, float]) -> float:
    """A test's seconds in the last run that timed it, else its estimate."""
    seconds = recorded.get(item.nodeid)
    return float(seconds) if seconds is not None else estimate(item)


def file_costs(items: Sequence[Marked], recorded: Mapping[str, float]) -> dict[str, float]:
    """Each file's cost: the sum of its tests' costs."""
    costs: dict[str, float] = {}
    for item in items:
        name = file_of(item.nodeid)
        costs[name] = costs.get(name, 0.0) + cost(item, recorded)
    return costs


def costliest_first(items: Sequence[T], recorded: Mapping[str, float]) -> list[T]:
    """The items regrouped by file, the costliest file first; ties and each file's own tests keep their order."""
    costs = file_costs(items, recorded)
    first_seen: dict[str, int] = {}
    for position, item in enumerate(items):
        first_seen.setdefault(file_of(item.nodeid), position)
    order = sorted(first_seen, key=lambda name: (-costs[name], first_seen[name]))
    rank = {name: index for index, name in enumerate(order)}
    return sorted(items, key=lambda item: rank[file_of(item.nodeid)])  # stable: a file's tests keep their order


def merged(previous: Mapping[str, float], timed: Mapping[str, float]) -> dict[str, float]:
    """The recorded costs after a run: the tests it timed replace their old figures, the others are kept."""
    return {**previous, **{name: round(seconds, 2) for name, seconds in timed.items()}}
