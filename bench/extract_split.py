"""The fixed dev/test split of the shared extraction corpora.

Why: figures tuned and scored on the same pages overstate what a new outlet gets. Each corpus is split once, with a
seed, by the unit a new user meets (publisher or host; AEB by page, its pages are one per site): rules are tuned
looking at the dev part only, and the test part is scored at the end of a piece of work, never debugged on.

The split is a pure function of the group names and ``SEED``: sort the groups, shuffle them with
``random.Random(SEED)``, the first ``TEST_SHARE`` of them (rounded) are test. Changing the seed or the share is a new
split and voids every figure recorded with the old one (BENCHMARKS.md names both).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SEED = 20261201
TEST_SHARE = 0.5

_TRAFILATURA_FILE = re.compile(r"^(?:hard::)?(?P<host>.+?)(?:-[^.]*)?\.html?$")


def split_groups(groups: Iterable[str], seed: int = SEED, test_share: float = TEST_SHARE) -> dict[str, str]:
    """Map each distinct group name to "dev" or "test"."""
    ordered = sorted(set(groups))
    random.Random(seed).shuffle(ordered)
    test_count = round(len(ordered) * test_share)
    return {group: ("test" if index < test_count else "dev") for index, group in enumerate(ordered)}


def host_group(url: str) -> str:
    """The host without ``www.``: trafilatura-eval's pages are grouped by site."""
    url = url.strip()
    if url.startswith("hard::"):
        match = _TRAFILATURA_FILE.match(url)
        host = match.group("host") if match else url
    else:
        host = urlsplit(url).hostname or url
    return host.removeprefix("www.").lower()


def fundus_evaluation_group(file_name: str) -> str:
    """``FoxNews_3.html.gz`` → ``FoxNews``: the publisher."""
    return file_name.split("_", 1)[0]
