"""Start-up stays light: the portal, the CLI and the pipeline import without numpy, scipy, scikit-learn or
trafilatura, which cost about a second of every process started (portal workers, commands, queue workers)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsloom.lazy import LazyModule

HEAVY = ("numpy", "scipy", "sklearn", "trafilatura", "underthesea", "datasketch", "spacy")


@pytest.mark.parametrize("entry", ["newsloom.web.app", "newsloom.cli", "newsloom.pipeline"])
def test_entry_modules_import_no_heavy_library(entry: str) -> None:
    """A fresh interpreter (this one has imported them already) lists the heavy packages the import pulled in."""
    probe = f"import sys, json; import {entry}; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True).stdout)
    assert [name for name in loaded if name.split(".")[0] in HEAVY] == []


def test_lazy_module_imports_on_first_read_and_keeps_the_attribute() -> None:
    proxy = LazyModule("json.decoder")
    assert "JSONDecodeError" not in vars(proxy)
    assert proxy.JSONDecodeError is json.JSONDecodeError
    assert "JSONDecodeError" in vars(proxy)  # the next read is a plain attribute, no __getattr__
    with pytest.raises(AttributeError):
        proxy.no_such_name  # noqa: B018
