"""Scoring functions of the extraction corpora, as their SOURCE.md files define them.

- AEB (article-extraction-benchmark): 4-token shingle multisets, per-page normalised tp/fp/fn, mean precision and
  mean recall over pages, F1 their harmonic mean (the benchmark's own evaluate.py).
- fundus-evaluation: the same metric; optional paragraphs (``[...]``) may be kept or dropped, best variant counts.
- trafilatura-eval: "with"/"without" snippets found as substrings of the whitespace-normalised output, micro counts.
- fundus-publishers: field checks (title, authors, date to the minute, topics recall, body, cover image, captions).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def shingles(text: str, size: int = 4) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


def page_precision_recall(truth: str, prediction: str) -> tuple[float, float]:
    true_shingles, predicted = shingles(truth), shingles(prediction)
    tp = sum((true_shingles & predicted).values())
    fp = sum((predicted - true_shingles).values())
    fn = sum((true_shingles - predicted).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


@dataclass(frozen=True, slots=True)
class BodyScore:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def body_score(pairs: list[tuple[float, float]]) -> BodyScore:
    if not pairs:
        return BodyScore(0.0, 0.0, 0)
    return BodyScore(sum(p for p, _ in pairs) / len(pairs), sum(r for _, r in pairs) / len(pairs), len(pairs))


def _optional(paragraph: str) -> bool:
    return paragraph.startswith("[") and paragraph.endswith("]")


def best_variant_precision_recall(paragraphs: list[str], prediction: str, max_optional: int = 8) -> tuple[float, float]:
    """fundus-evaluation: each ``[optional]`` paragraph may be kept or dropped; the best-F1 variant counts.

    Beyond ``max_optional`` optional paragraphs the rest are dropped (enumeration is exponential).
    """
    free = [index for index, paragraph in enumerate(paragraphs) if _optional(paragraph)][:max_optional]
    best: tuple[float, float] = (0.0, 0.0)
    best_f1 = -1.0
    for choice in itertools.product((True, False), repeat=len(free)):
        kept = {index for index, keep in zip(free, choice, strict=True) if keep}
        text = "\n\n".join(
            (paragraph[1:-1] if index in kept else "") if _optional(paragraph) else paragraph
            for index, paragraph in enumerate(paragraphs)
        )
        precision, recall = page_precision_recall(text, prediction)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best, best_f1 = (precision, recall), f1
    return best


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


@dataclass(slots=True)
class SnippetCounts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, output: str, with_snippets: list[str], without_snippets: list[str]) -> None:
        text = normalise_space(output)
        for snippet in with_snippets:
            if normalise_space(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without_snippets:
            if normalise_space(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


def normalise_field(text: str | None) -> str:
    return normalise_space(unicodedata.normalize("NFC", text or "").casefold())


def same_minute(expected: str | None, found: datetime | None) -> bool:
    if not expected or found is None:
        return False
    try:
        truth = datetime.fromisoformat(expected)
    except ValueError:
        return False
    if truth.tzinfo is None or found.tzinfo is None:
        return truth.replace(tzinfo=None, second=0, microsecond=0) == found.replace(
            tzinfo=None, second=0, microsecond=0
        )
    return abs((truth - found).total_seconds()) < 60 and truth.replace(second=0, microsecond=0) == found.astimezone(
        truth.tzinfo
    ).replace(second=0, microsecond=0)
