"""The text classifier that places what the rules leave: TF-IDF of words (uni- and bigrams; a Vietnamese syllable is
a word here, so bigrams catch two-syllable words) and of character n-grams within words, into a linear SVM.

It learns from whatever it is given: JSON lines of labelled articles (``newsloom sections train FILE``), or the
store's own articles already placed by the rules (``newsloom sections train`` without a file), so it improves as the
portal grows. The model is one file in the data directory (``sections-model.joblib``); a missing or corrupt file is a
clear ``ModelError``, never a crash of the import that wanted it. ``confidence`` is the softmax of the SVM's margins:
a ranking signal, not a calibrated probability.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsloom.errors import NewsloomError

MODEL_FILE = "sections-model.joblib"
FORMAT_VERSION = 1
BODY_CHARS = 6000  # the start of an article says what it is about; the rest costs time and adds little


class ModelError(NewsloomError):
    """The section model is missing, unreadable or of another version."""


@dataclass(slots=True)
class Labelled:
    id: str
    title: str
    body: str
    label: str | None = None


@dataclass(slots=True)
class Params:
    """Hyperparameters; the defaults are those chosen by cross-validation on VNTC's train split (bench)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 4)
    use_chars: bool = False  # character n-grams cost far more time and did not help on VNTC's train split (bench)
    c: float = 1.0
    min_df: int = 2
    sublinear_tf: bool = True
    title_repeat: int = 2  # the title is the densest statement of the topic, and short next to the body


def document_text(title: str, body: str, title_repeat: int = 2) -> str:
    return "\n".join([title] * title_repeat + [body[:BODY_CHARS]])


def read_jsonl(path: Path) -> Iterator[Labelled]:
    """Labelled articles from JSON lines, plain or gzipped: ``id``, ``title``, ``body``, ``label_en`` or ``label``."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as error:
                    raise NewsloomError(f"line {number}: not JSON ({error})", str(path)) from error
                if not isinstance(record, dict):
                    raise NewsloomError(f"line {number}: not a JSON object", str(path))
                label = record.get("label_en") or record.get("label")
                yield Labelled(
                    id=str(record.get("id", number)),
                    title=str(record.get("title") or ""),
                    body=str(record.get("body") or ""),
                    label=str(label) if label else None,
                )
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise NewsloomError(f"cannot read: {error}", str(path)) from error


def build_pipeline(params: Params) -> Any:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features: list[tuple[str, Any]] = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=params.word_ngrams,
                token_pattern=r"(?u)\b\w+\b",
                sublinear_tf=params.sublinear_tf,
                min_df=params.min_df,
                max_df=0.9,
                dtype=np.float32,
            ),
        )
    ]
    if params.use_chars:
        features.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=params.char_ngrams,
                    sublinear_tf=True,
                    min_df=params.min_df,
                    dtype=np.float32,
                ),
            )
        )
    return Pipeline([("features", FeatureUnion(features)), ("svm", LinearSVC(C=params.c))])


def _softmax_top(scores: Sequence[float]) -> tuple[int, float]:
    best = max(range(len(scores)), key=lambda i: scores[i])
    top = scores[best]
    total = sum(math.exp(3.0 * (score - top)) for score in scores)
    return best, 1.0 / total


class SectionClassifier:
    def __init__(
        self, pipeline: Any, labels: list[str], trained_on: int, title_repeat: int = 2, origin: str = "files"
    ) -> None:
        self.origin = origin  # "files" (an operator's corpus: kept) or "store" (retrained as the store grows)
        self.pipeline = pipeline
        self.labels = labels
        self.trained_on = trained_on
        self.title_repeat = title_repeat

    @classmethod
    def train(cls, items: Iterable[Labelled], params: Params | None = None) -> SectionClassifier:
        params = params or Params()
        texts, labels = [], []
        for item in items:
            if item.label and (item.title or item.body):
                texts.append(document_text(item.title, item.body, params.title_repeat))
                labels.append(item.label)
        if len(set(labels)) < 2:
            raise ModelError(f"need articles of at least two sections to learn from, got {len(set(labels))}")
        pipeline = build_pipeline(params)
        pipeline.fit(texts, labels)
        return cls(pipeline, [str(label) for label in pipeline.classes_], len(texts), params.title_repeat)

    def predict(self, items: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """``(section, confidence)`` for each ``(title, body)``."""
        if not items:
            return []
        texts = [document_text(title, body, self.title_repeat) for title, body in items]
        scores = self.pipeline.decision_function(texts)
        result = []
        for row in scores.tolist():
            row = row if isinstance(row, list) else [-row, row]  # two classes: one margin
            best, confidence = _softmax_top(row)
            result.append((self.labels[best], round(confidence, 4)))
        return result

    def save(self, path: Path) -> None:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        payload = {
            "version": FORMAT_VERSION,
            "pipeline": self.pipeline,
            "labels": self.labels,
            "trained_on": self.trained_on,
            "title_repeat": self.title_repeat,
            "origin": self.origin,
        }
        joblib.dump(payload, partial, compress=3)
        partial.replace(path)  # a reader never sees half a model

    @classmethod
    def load(cls, path: Path) -> SectionClassifier:
        import joblib

        if not path.is_file():
            raise ModelError("no section model: run `newsloom sections train` first", str(path))
        try:
            payload = joblib.load(path)
        except Exception as error:  # joblib/pickle raise many kinds for a truncated or foreign file
            raise ModelError(f"section model unreadable ({type(error).__name__}); train it again", str(path)) from error
        if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
            raise ModelError("section model of another version; train it again", str(path))
        return cls(
            payload["pipeline"],
            list(payload["labels"]),
            int(payload.get("trained_on", 0)),
            int(payload.get("title_repeat", 2)),
            str(payload.get("origin", "files")),
        )


def model_path(data_dir: Path) -> Path:
    return data_dir / MODEL_FILE
