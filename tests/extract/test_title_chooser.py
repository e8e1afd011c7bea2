"""The learned title chooser scores candidates from page features only, and the rule decides without a model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsloom.extract import title_chooser

FOUND = [
    ("h1_main", "Storm hits the coast"),
    ("og", "Storm hits the coast | Example News"),
    ("og_stripped", "Storm hits the coast"),
    ("html", "Storm hits the coast | Example News"),
]


@pytest.fixture
def model_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "title_model.json"
    monkeypatch.setattr(title_chooser, "MODEL_PATH", path)
    title_chooser._weights.cache_clear()
    yield path
    title_chooser._weights.cache_clear()


def weights(**named: float) -> list[float]:
    return [named.get(name, 0.0) for name in title_chooser.FEATURE_NAMES]


def test_without_a_model_the_rule_decides(model_at: Path) -> None:
    assert not title_chooser.available()
    assert title_chooser.choose(FOUND, "Rule pick", "Example News") == "Rule pick"


def test_a_model_picks_the_best_scoring_candidate(model_at: Path) -> None:
    model_at.write_text(
        json.dumps(
            {"features": list(title_chooser.FEATURE_NAMES), "weights": weights(has_site_name=-2, sources_agreeing=1)}
        )
    )
    assert title_chooser.available()
    assert title_chooser.choose(FOUND, None, "Example News") == "Storm hits the coast"
    title_chooser._weights.cache_clear()
    model_at.write_text(
        json.dumps({"features": list(title_chooser.FEATURE_NAMES), "weights": weights(has_site_name=3)})
    )
    assert title_chooser.choose(FOUND, None, "Example News") == "Storm hits the coast | Example News"


def test_a_model_for_other_features_is_ignored(model_at: Path) -> None:
    model_at.write_text(json.dumps({"features": ["from_host"], "weights": [1.0]}))
    assert not title_chooser.available()


def test_features_never_read_the_host() -> None:
    pool = title_chooser.candidates(FOUND)
    assert len(pool) == 2 and pool[0].sources == {"h1_main", "og_stripped"}
    assert len(title_chooser.features(pool[0], pool, None, "Example News")) == len(title_chooser.FEATURE_NAMES)
    assert not any("host" in name or "publisher" in name for name in title_chooser.FEATURE_NAMES)
