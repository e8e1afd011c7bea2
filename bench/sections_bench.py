"""Section classifier bench: VNTC (train on the shared train split, score once on the shared test split, after
removing articles duplicated across train and test) and BBC News (5-fold cross-validation, folds fixed by seed).

Hyperparameters are chosen by 3-fold cross-validation on VNTC's train split only (``--tune``); the test split is
scored once, with the chosen setting. Printed beside a named peer run in the same process: the syllable TF-IDF +
LinearSVC baseline of SOURCE.md (``peer``), and throughput in articles/s for training and classifying.

    nice .venv/bin/python bench/sections_bench.py [--tune] [--corpora ../shared/corpora]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.sections.classifier import Labelled, Params, SectionClassifier, read_jsonl

SEED = 42
GRID = [
    Params(use_chars=False, c=1.0),
    Params(use_chars=False, c=0.5),
    Params(use_chars=False, c=0.3),
    Params(use_chars=False, word_ngrams=(1, 3), c=0.5),
]


def _key(item: Labelled) -> str:
    text = re.sub(r"\W+", " ", f"{item.title} {item.body}".casefold()).strip()
    return hashlib.sha1(text.encode()).hexdigest()


def dedupe(train: list[Labelled], test: list[Labelled]) -> tuple[list[Labelled], list[Labelled], int]:
    """Exact copies (same words, punctuation and case aside) within train, and test articles also in train, out."""
    seen: dict[str, Labelled] = {}
    for item in train:
        seen.setdefault(_key(item), item)
    kept_test, dropped = [], 0
    test_seen: set[str] = set()
    for item in test:
        key = _key(item)
        if key in seen or key in test_seen:
            dropped += 1
            continue
        test_seen.add(key)
        kept_test.append(item)
    return list(seen.values()), kept_test, dropped + (len(train) - len(seen))


def accuracy(model: SectionClassifier, items: list[Labelled]) -> tuple[float, float]:
    start = time.perf_counter()
    predicted = model.predict([(item.title, item.body) for item in items])
    seconds = time.perf_counter() - start
    right = sum(1 for (label, _), item in zip(predicted, items, strict=True) if label == item.label)
    return right / len(items), len(items) / seconds


def folds(items: list[Labelled], k: int) -> list[tuple[list[Labelled], list[Labelled]]]:
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    parts = [order[i::k] for i in range(k)]
    return [
        ([items[i] for j, part in enumerate(parts) if j != f for i in part], [items[i] for i in parts[f]])
        for f in range(k)
    ]


def cross_validate(items: list[Labelled], params: Params, k: int) -> float:
    scores = []
    for train, test in folds(items, k):
        scores.append(accuracy(SectionClassifier.train(train, params), test)[0])
    return sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpora", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpora")
    parser.add_argument("--tune", action="store_true", help="choose hyperparameters by 3-fold CV on VNTC train")
    args = parser.parse_args()
    train = list(read_jsonl(args.corpora / "vntc/train.jsonl.gz"))
    test = list(read_jsonl(args.corpora / "vntc/test.jsonl.gz"))
    train, test, dropped = dedupe(train, test)
    print(f"VNTC: {len(train)} train, {len(test)} test after removing {dropped} duplicates")
    chosen = Params()
    if args.tune:
        best = -1.0
        for params in GRID:
            score = cross_validate(train, params, 3)
            print(f"  dev (3-fold CV on train) {score:.4f}  {params}")
            if score > best:
                best, chosen = score, params
        print(f"  chosen: {chosen}")
    # SOURCE.md's baseline: syllable uni+bigram TF-IDF, LinearSVC, title as the first line of the text.
    peer = Params(use_chars=False, c=1.0, min_df=1, sublinear_tf=False, title_repeat=1)
    for name, params in (("peer: syllable 1-2gram TF-IDF + LinearSVC", peer), ("newsloom", chosen)):
        start = time.perf_counter()
        model = SectionClassifier.train(train, params)
        train_rate = len(train) / (time.perf_counter() - start)
        score, rate = accuracy(model, test)
        print(f"  VNTC test {name}: accuracy {score:.4f} (train {train_rate:.0f}/s, classify {rate:.0f}/s)")
    bbc = list(read_jsonl(args.corpora / "bbc-news/bbc.jsonl.gz"))
    for name, params in (("peer", peer), ("newsloom", chosen)):
        print(f"  BBC 5-fold CV {name}: accuracy {cross_validate(bbc, params, 5):.4f} ({len(bbc)} articles)")


if __name__ == "__main__":
    main()
