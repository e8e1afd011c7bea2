"""The score floors the tests enforce, from bench/floors.json: one file, so a floor is raised in one place and the
benches can print it beside the figure it guards."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().with_name("floors.json")


@cache
def _floors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return data


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a floor must be a number, not {value!r}")
    return float(value)


def floor(stage: str, name: str) -> float:
    """The floor of ``name`` in ``stage`` (a KeyError names a floor the file lacks: a typo must not pass)."""
    return _number(_floors()[stage][name]["floor"])


def stage_floors(stage: str) -> dict[str, float]:
    """Every floor of one stage, by name."""
    return {name: _number(entry["floor"]) for name, entry in _floors()[stage].items()}
