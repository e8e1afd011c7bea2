"""The dev/test split of the extraction corpora is fixed: same seed, same parts, whole groups on one side."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from extract_split import SEED, fundus_evaluation_group, host_group, split_groups


def test_split_is_fixed_by_the_seed_and_halves_the_groups() -> None:
    groups = [f"publisher-{number}" for number in range(40)]
    first = split_groups(groups)
    assert first == split_groups(reversed(groups))  # order of reading does not matter
    assert sum(part == "test" for part in first.values()) == 20
    assert first != split_groups(groups, seed=SEED + 1)


def test_pages_are_grouped_by_publisher_or_host() -> None:
    assert fundus_evaluation_group("FoxNews_3.html.gz") == "FoxNews"
    assert host_group("https://www.rtl.de/cms/bericht-4723862.html ") == "rtl.de"
    assert host_group("hard::bahamaslocal.com-atlantis.html") == "bahamaslocal.com"
    assert host_group("hard::blog.python.org.html") == "blog.python.org"
