from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.settings import Settings


def crawl_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for loopback crawling with delays and backoff shrunk so fault tests run in milliseconds.

    Timeouts stay generous: on a loaded 2-core CI machine a loopback answer has taken over half a second, and
    a test that wants a timeout sets its own."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "allow_networks": "127.0.0.0/8",
        "crawl_min_delay": 0.0,
        "fetch_backoff_seconds": 0.01,
        "fetch_retries": 2,
        "fetch_read_timeout": 5.0,
        "fetch_connect_timeout": 5.0,
        "crawl_workers": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def fast_settings(tmp_path: Path) -> Settings:
    return crawl_settings(tmp_path)
