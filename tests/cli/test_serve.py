"""``newsloom serve``'s worker processes: the app from the environment, with its start-up objects out of the
collector's way (the command owns the process, so it may throw that process-wide switch)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from newsloom.cli.serve import worker_app
from tests.conftest import LiveServer


def test_worker_app_serves_and_hides_its_start_up_objects_from_the_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSLOOM_DATA_DIR", str(tmp_path / "data"))
    gc.unfreeze()
    try:
        app = worker_app()
        assert gc.get_freeze_count() > 10_000  # modules, templates and schema, not walked by full collections
        with LiveServer(app) as server:
            assert httpx.get(server.url + "/healthz").status_code == 200
    finally:
        gc.unfreeze()


FROZEN_CHECK = """
import gc
from tld.trie import TrieNode
from newsloom.cli.serve import settle_heap
from newsloom.domains import registrable_domain
settle_heap()
registrable_domain("https://www.example.co.uk/news")  # what a first render showing an outlet does
print(sum(isinstance(found, TrieNode) for found in gc.get_objects()), gc.get_freeze_count())
"""


def test_the_public_suffix_list_is_frozen_before_the_first_render_needs_it() -> None:
    """The list loads on a render that shows an outlet; loaded after the freeze, its ~21,000 objects would be walked
    by every full collection (5 ms each). In a process of its own: a test process may have loaded it already."""
    walked, frozen = subprocess.run(
        [sys.executable, "-c", FROZEN_CHECK], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert int(walked) == 0 and int(frozen) > 20_000
