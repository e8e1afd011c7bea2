"""``newsloom serve``'s worker processes: the app from the environment, with its start-up objects out of the
collector's way (the command owns the process, so it may throw that process-wide switch)."""

from __future__ import annotations

import gc
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
