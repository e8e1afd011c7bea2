"""Quality gate: AEB body scores must not fall below the pinned baseline (trafilatura keeps such a gate too)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsloom.errors import NewsloomError
from newsloom.extract import extract_article
from tests.conftest import corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from extract_metrics import body_score, page_precision_recall

# Pinned a little under the figures in BENCHMARKS.md; raise them when extraction improves.
MIN_F1 = 0.977
MIN_PRECISION = 0.972


@pytest.mark.corpus
def test_aeb_body_scores_hold() -> None:
    import gzip
    import json

    root = corpus("article-extraction-benchmark")
    truth = json.loads((root / "ground-truth.json").read_text())
    pairs = []
    for key, value in truth.items():
        try:
            body = extract_article(gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())).body
        except NewsloomError:
            body = ""
        pairs.append(page_precision_recall(value["articleBody"], body))
    score = body_score(pairs)
    assert score.pages == len(truth)
    assert score.f1 >= MIN_F1, score
    assert score.precision >= MIN_PRECISION, score
