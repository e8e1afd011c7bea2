from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.settings import Settings
from tests.support.crawl import crawl_settings

__all__ = ["crawl_settings"]  # importable from here, as it always was


@pytest.fixture
def fast_settings(tmp_path: Path) -> Settings:
    return crawl_settings(tmp_path)
