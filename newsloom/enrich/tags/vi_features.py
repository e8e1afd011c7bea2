"""The features underthesea's 2017 CRF taggers (POS, chunking, NER) read, built in linear time.

underthesea's ``template2features`` re-parses the template string with a regex and rebuilds every column of the
sentence for each (token, template) pair: quadratic in the sentence's length, and most of a Vietnamese article's
entity-tagging time. The models themselves (underthesea_core's CRF) are fast. ``FastTransformer`` builds exactly the
same feature strings (same templates, same helper functions, same order) with the template parsed once and the
columns built once per sentence; ``install`` swaps it into the three predictors only after checking, on sample
sentences, that it gives what the original gives, so an underthesea release that changes its features keeps its own.

This is the one module that reaches into another package's modules (``underthesea.pipeline.*``: the predictors and
their feature helpers, which underthesea's public ``ner`` and ``chunk`` do not expose). Through the public ``ner``
alone, the first 1,000 characters of a Vietnamese article took 0.24 s against 0.036 s here, same entities: six
times the entity stage's time. tests/test_no_private_internals.py keeps it the only one; tests/enrich/test_tags.py
fails when underthesea's features or predictors change under it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

# underthesea's own template syntax: T[row] or T[row1,row2], then an optional [column] and .function
_TEMPLATE = re.compile(r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")
_FUNCTIONS = {
    "lower": "text_lower",
    "istitle": "text_istitle",
    "isallcap": "text_isallcap",
    "isdigit": "text_isdigit",
    "is_in_dict": "text_is_in_dict",
}
_SAMPLES = (
    "Ông Putin ca ngợi những thành tựu vĩ đại của Liên Xô",
    "Chủ tịch UBND TP.HCM Nguyễn Văn Được làm việc với Bộ Tài chính hôm 12/3/2024 tại Hà Nội.",
    "Theo AFP, Tổng thống Mỹ Joe Biden  và  Thủ tướng Anh gặp nhau ở Washington D.C. (ảnh: Reuters)",
    "1",
)


@dataclass(frozen=True, slots=True)
class _Slot:
    prefix: str
    index1: int
    index2: int | None
    column: int
    function: Callable[[str], str] | None


@cache
def _cached(helper: Callable[[str], object]) -> Callable[[str], str]:
    """One bounded memo per helper (a word's lower case or dictionary test is asked for by several templates);
    4,096 words each keeps the common ones for a few MB across the three taggers' 15 helpers."""
    return lru_cache(maxsize=4096)(lambda word: str(helper(word)))


def _slot(template: str, helpers: ModuleType) -> _Slot:
    matched = _TEMPLATE.match(template)
    if matched is None:
        raise ValueError(f"unknown template {template!r}")
    column = matched.group("column")
    index2 = matched.group("index2")
    name = matched.group("function")
    function: Callable[[str], str] | None = None
    if name is not None:
        function = _cached(getattr(helpers, _FUNCTIONS[name]))
    return _Slot(
        f"{template}=",
        int(matched.group("index1")),
        int(index2) if index2 else None,
        int(column) if column else 0,
        function,
    )


class FastTransformer:
    """Drop-in for underthesea's ``TaggedTransformer`` (same ``template`` attribute, same ``transform``)."""

    def __init__(self, template: Sequence[str], helpers: ModuleType) -> None:
        self.template = list(template)
        self.slots = [_slot(item, helpers) for item in self.template]

    def sentence2features(self, sentence: Sequence[Sequence[str]]) -> list[list[str]]:
        length = len(sentence)
        columns = list(zip(*sentence, strict=True))
        rows = []
        for i in range(length):
            features = []
            for slot in self.slots:
                start = i + slot.index1
                if start < 0:
                    features.append(slot.prefix + "BOS")
                    continue
                if start >= length:
                    features.append(slot.prefix + "EOS")
                    continue
                if slot.index2 is None:
                    word = sentence[start][slot.column]
                else:
                    end = i + slot.index2
                    if end >= length:
                        features.append(slot.prefix + "EOS")
                        continue
                    word = " ".join(columns[slot.column][start : end + 1])
                features.append(slot.prefix + (slot.function(word) if slot.function else word))
            rows.append(features)
        return rows

    def transform(self, sentences: Sequence[Sequence[Sequence[str]]]) -> tuple[list[Any], list[Any]]:
        return [self.sentence2features(s) for s in sentences], [[row[-1] for row in s] for s in sentences]


def _predictors() -> list[tuple[Any, ModuleType]]:
    from underthesea.pipeline.chunking import model_crf as chunk_model
    from underthesea.pipeline.chunking import tagged_feature as chunk_features
    from underthesea.pipeline.ner import model_crf as ner_model
    from underthesea.pipeline.ner import tagged_feature as ner_features
    from underthesea.pipeline.pos_tag import model_crf as pos_model
    from underthesea.pipeline.pos_tag import tagged_feature as pos_features

    return [
        (pos_model.CRFPOSTagPredictor.Instance(), pos_features),
        (chunk_model.CRFChunkingPredictor.Instance(), chunk_features),
        (ner_model.CRFNERPredictor.Instance(), ner_features),
    ]


def _sample_rows(width: int) -> list[list[tuple[str, ...]]]:
    from underthesea import word_tokenize

    rows = []
    for text in _SAMPLES:
        words = word_tokenize(text)
        rows.append([(word, *(f"c{j}{k % 3}" for j in range(1, width))) for k, word in enumerate(words)])
    return rows


def install() -> bool:
    """Swap the fast transformer into underthesea's predictors where it agrees with theirs; False if none was."""
    try:
        predictors = _predictors()
    except Exception:  # another underthesea layout: its own code stays in place
        log.debug("underthesea predictors not found; features left as they are", exc_info=True)
        return False
    installed = 0
    for predictor, helpers in predictors:
        original = predictor.transformer
        if isinstance(original, FastTransformer):
            installed += 1
            continue
        try:
            fast = FastTransformer(original.template, helpers)
            width = 1 + max(slot.column for slot in fast.slots)
            samples = [row for row in _sample_rows(width) if row]
            if fast.transform(samples) != original.transform(samples):
                log.info("underthesea features differ from the fast path's; keeping underthesea's")
                continue
        except Exception:
            log.debug("fast features unavailable for %s", type(predictor).__name__, exc_info=True)
            continue
        predictor.transformer = fast
        installed += 1
    return installed > 0
