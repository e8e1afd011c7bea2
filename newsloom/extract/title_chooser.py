"""A learned choice among a page's title candidates (``<h1>``s, JSON-LD ``headline``, ``og:title``, ``<title>``).

Why learned: which source holds the headline as readers see it varies by site (a kicker in the ``<h1>``, a site
name in ``og:title``, an SEO headline in JSON-LD), and hand-written precedence rules tuned on some sites fail on
others. A logistic regression scores each candidate from features of the page only (which sources agree, lengths,
whether it contains or is contained in another candidate, the hand-written rule's own pick): never the host or the
publisher's name. The weights ship as ``title_model.json``; ``bench/train_title_chooser.py`` retrains them
(scikit-learn) on the dev part of fundus-publishers, leave-publisher-out, prints the cross-validated figure beside
the rule's, and writes the file only when the learned choice beats the rule. Without the file the rule decides.
Scoring needs no scikit-learn: a dot product per candidate.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from newsloom.text import normalize_space

MODEL_PATH = Path(__file__).with_name("title_model.json")
SOURCES = ("h1", "h1_main", "headline", "og", "og_stripped", "html", "html_stripped")
_WORD = re.compile(r"\w+")
_SEPARATOR = re.compile(r"\s[|\-–—:·»]\s")


def fold(text: str) -> str:
    return normalize_space(text).casefold()


@dataclass(slots=True)
class Candidate:
    text: str
    sources: set[str] = field(default_factory=set)


def candidates(found: list[tuple[str, str]]) -> list[Candidate]:
    """(source, text) pairs merged by folded text, in first-seen order."""
    merged: dict[str, Candidate] = {}
    for source, text in found:
        text = normalize_space(text)
        if not text:
            continue
        merged.setdefault(fold(text), Candidate(text)).sources.add(source)
    return list(merged.values())


def features(
    candidate: Candidate, others: list[Candidate], rule_pick: str | None, site_name: str | None
) -> list[float]:
    """Features of one candidate among the page's others (see the module docstring for why these)."""
    text = fold(candidate.text)
    words = _WORD.findall(text)
    rest = [fold(other.text) for other in others if other is not candidate]
    site = fold(site_name or "")
    return [
        *(1.0 if source in candidate.sources else 0.0 for source in SOURCES),
        float(len(candidate.sources)),
        1.0 if rule_pick is not None and fold(rule_pick) == text else 0.0,
        math.log1p(len(words)),
        1.0 if site and site in text else 0.0,
        1.0 if _SEPARATOR.search(candidate.text) else 0.0,
        1.0 if ":" in candidate.text else 0.0,
        1.0 if any(text in other and text != other for other in rest) else 0.0,  # part of a longer one
        1.0 if any(other in text and text != other for other in rest) else 0.0,  # holds a shorter one
        float(sum(1 for other in rest if other.startswith(text) or other.endswith(text))),
        1.0,  # bias
    ]


FEATURE_NAMES = (
    *(f"from_{source}" for source in SOURCES),
    "sources_agreeing",
    "rule_pick",
    "log_words",
    "has_site_name",
    "has_separator",
    "has_colon",
    "inside_another",
    "contains_another",
    "prefix_or_suffix_of_others",
    "bias",
)


@cache
def _weights() -> tuple[float, ...] | None:
    try:
        model = json.loads(MODEL_PATH.read_text())
    except (OSError, ValueError):
        return None
    weights = model.get("weights")
    if model.get("features") != list(FEATURE_NAMES) or not isinstance(weights, list):
        return None  # a model trained on other features: keep the hand-written rule
    return tuple(float(w) for w in weights)


def available() -> bool:
    return _weights() is not None


def choose(found: list[tuple[str, str]], rule_pick: str | None, site_name: str | None) -> str | None:
    """The best-scoring candidate, or ``rule_pick`` when there is no model or nothing to choose between."""
    weights = _weights()
    pool = candidates(found)
    if weights is None or len(pool) < 2:
        return rule_pick
    scored = [
        (sum(w * x for w, x in zip(weights, features(c, pool, rule_pick, site_name), strict=True)), c) for c in pool
    ]
    return max(scored, key=lambda item: item[0])[1].text
