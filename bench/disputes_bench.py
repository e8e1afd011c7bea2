"""Disputes benchmark: newsloom's rule-based stance sentences against a hand-labelled set from the shared corpora.

    .venv/bin/python bench/disputes_bench.py

``bench/disputes_labelled.jsonl``: sentences of ``../shared/corpora/stories`` holding deny/refute/reject/confirm
words, each labelled by hand ``denial``, ``confirmation`` or ``neither`` (look-alikes: "denied bail", "did not
deny", "too early to confirm", "rejected calls"). Split by source document with seed 12 into dev and test halves;
precision and recall of "a denial or confirmation of a report or claim" per part and language.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.disputes import find_stances

LABELLED = Path(__file__).with_name("disputes_labelled.jsonl")
SEED = 12


def main() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines() if line.strip()]
    sources = sorted({row["source"] for row in rows})
    random.Random(SEED).shuffle(sources)
    dev = set(sources[: len(sources) // 2])
    for part in ("dev", "test"):
        for language in sorted({row["language"] for row in rows}):
            chosen = [r for r in rows if (r["source"] in dev) == (part == "dev") and r["language"] == language]
            tp = fp = fn = kind_right = 0
            for row in chosen:
                stances = find_stances(row["sentence"], language)
                predicted = stances[0].kind.value if stances else "neither"
                gold = row["label"]
                if predicted != "neither" and gold != "neither":
                    tp += 1
                    kind_right += predicted == gold
                elif predicted != "neither":
                    fp += 1
                elif gold != "neither":
                    fn += 1
            precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
            print(
                f"{part} {language}: {len(chosen)} sentences, {tp + fn} stances  precision {precision:.3f}  "
                f"recall {recall:.3f}  (kind right in {kind_right} of {tp} found)"
            )


if __name__ == "__main__":
    main()
