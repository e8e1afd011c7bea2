"""Figures read in page order whatever the interpreter's string hashing: re-extracting a page must give the same
article (ingest compares it with what is stored)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # eight fresh interpreters, one a hash seed

SCRIPT = """
from lxml import html
from newsloom.extract.figures import read_figure_elements
page = html.fromstring('''<html><body>
<figure><img src="https://x.test/a.jpg" srcset="https://x.test/a-800.jpg 800w, https://x.test/shared.jpg 1600w">
<figcaption>First picture</figcaption></figure><p>First paragraph after the first figure.</p>
<figure><img src="https://x.test/shared.jpg" srcset="https://x.test/c-800.jpg 800w"><figcaption>Second</figcaption>
</figure><p>Second paragraph after the second figure.</p></body></html>''')
print([(url, info.caption) for url, info in read_figure_elements(page, "https://x.test/").items()])
"""


def test_figures_come_in_page_order_under_any_hash_seed() -> None:
    outputs = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT],
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(8)
    }
    assert len(outputs) == 1, outputs
