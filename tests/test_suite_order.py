"""The order the test files are handed to xdist's workers (tests/support/schedule.py): costliest first, by the
last run's figures of each test where there are some and by markers where not, every test kept and a file's tests
in order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.support.schedule import MARKED, QUICK, costliest_first, estimate, file_costs, merged


@dataclass(frozen=True)
class Mark:
    name: str


@dataclass
class Item:
    nodeid: str
    marks: tuple[str, ...] = field(default_factory=tuple)

    def iter_markers(self, name: str | None = None) -> Iterator[Mark]:
        return (Mark(mark) for mark in self.marks if name in (None, mark))


def test_recorded_seconds_order_the_files_and_each_files_tests_keep_their_order() -> None:
    items = [
        Item("tests/a.py::one"),
        Item("tests/a.py::two"),
        Item("tests/b.py::one"),
        Item("tests/c.py::one"),
        Item("tests/c.py::two"),
        Item("tests/c.py::three"),
    ]
    recorded = {"tests/a.py::one": 1.0, "tests/a.py::two": 1.0, "tests/b.py::one": 30.0, "tests/c.py::one": 0.1}
    recorded |= {"tests/c.py::two": 0.2, "tests/c.py::three": 0.2}
    ordered = costliest_first(items, recorded)
    assert [item.nodeid for item in ordered] == [
        "tests/b.py::one",
        "tests/a.py::one",
        "tests/a.py::two",
        "tests/c.py::one",
        "tests/c.py::two",
        "tests/c.py::three",
    ]


def test_a_file_no_run_timed_is_estimated_from_its_markers() -> None:
    items = [Item(f"tests/many.py::t{n}") for n in range(10)] + [Item("tests/slow.py::t", ("slow", "browser"))]
    assert estimate(items[-1]) == QUICK + MARKED["slow"] + MARKED["browser"]
    costs = file_costs(items, {})
    assert costs == {"tests/many.py": pytest.approx(10 * QUICK), "tests/slow.py": estimate(items[-1])}
    assert costliest_first(items, {})[0].nodeid == "tests/slow.py::t"
    # once a run has timed it, the figure wins over the guess
    assert costliest_first(items, {"tests/slow.py::t": 0.1})[0].nodeid == "tests/many.py::t0"


def test_only_the_selected_tests_count() -> None:
    """A file whose one long test is not selected (``-m "not slow"``) costs what its selected tests cost."""
    recorded = {"tests/mixed.py::slow": 60.0, "tests/mixed.py::quick": 0.1, "tests/other.py::t": 5.0}
    selected = [Item("tests/mixed.py::quick"), Item("tests/other.py::t")]
    assert file_costs(selected, recorded) == {"tests/mixed.py": 0.1, "tests/other.py": 5.0}
    assert [item.nodeid for item in costliest_first(selected, recorded)] == [
        "tests/other.py::t",
        "tests/mixed.py::quick",
    ]


def test_ties_keep_the_collection_order() -> None:
    items = [Item("tests/z.py::t"), Item("tests/a.py::t")]
    assert [item.nodeid for item in costliest_first(items, {})] == ["tests/z.py::t", "tests/a.py::t"]


def test_a_run_replaces_the_figures_of_the_files_it_timed_only() -> None:
    assert merged({"tests/a.py::t": 1.0, "tests/b.py::t": 2.0}, {"tests/b.py::t": 3.14159}) == {
        "tests/a.py::t": 1.0,
        "tests/b.py::t": 3.14,
    }
