from __future__ import annotations

from pathlib import Path

import pytest

from tests.enrich.translate.helpers import tiny_model_dir


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory holding the tiny vi→en model (built once per session: about half a second)."""
    root = tmp_path_factory.mktemp("models")
    tiny_model_dir(root)
    return root
