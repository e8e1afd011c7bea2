"""The Makefile's `run` target as an operator calls it: the address comes from PORT and HOST."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_commands(*assignments: str) -> str:
    """What `make run` would execute (``-n``), the virtualenv taken as built (``-o``) so nothing is installed."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", *assignments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout


def test_run_serves_on_the_chosen_port_and_host() -> None:
    commands = run_commands("PORT=9137", "HOST=0.0.0.0")
    assert "newsloom run --starter-sources --host 0.0.0.0 --port 9137" in commands, commands


def test_run_defaults_to_loopback_8000() -> None:
    assert "newsloom run --starter-sources --host 127.0.0.1 --port 8000" in run_commands()
