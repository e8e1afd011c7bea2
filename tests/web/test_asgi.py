"""The ASGI entry point: an app built from the environment that leaves the process's collector alone (the
library embeds in someone else's process; ``newsloom serve`` tunes its own, tests/cli/test_serve.py)."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx
import pytest

from newsloom.web.asgi import app_from_environment
from tests.conftest import LiveServer


def test_app_from_the_environment_serves_and_leaves_the_collector_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSLOOM_DATA_DIR", str(tmp_path / "data"))
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    app = app_from_environment()
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled() == enabled
    with LiveServer(app) as server:
        assert httpx.get(server.url + "/healthz").status_code == 200
