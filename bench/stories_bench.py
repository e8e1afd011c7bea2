"""Stories benchmark: newsloom's story grouping beside datasketch's MinHash LSH, same process, same articles.

    make bench-stories
    .venv/bin/python bench/stories_bench.py --threshold 0.2

Every ``*.jsonl`` of ``../shared/corpora/stories`` (see its SOURCE.md): BCubed precision/recall/F1 over articles
(the corpus' metric) and pairwise F1, for newsloom (``newsloom.enrich.stories``) and for the usual near-duplicate
grouping a news pipeline would otherwise use: MinHash signatures of word 3-shingles, LSH at Jaccard 0.3
(datasketch), connected components. Speed is articles/s of one pass each (CPU time, one core).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.enrich.stories import THRESHOLD, StoryDoc, group_into_stories

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "stories"
PERMUTATIONS = 128
LSH_JACCARD = 0.3


def load(path: Path) -> tuple[list[StoryDoc], dict[int, str]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    docs = [
        StoryDoc(
            i,
            row["title"],
            row["body"],
            datetime.fromisoformat(row["published"]) if row.get("published") else None,
        )
        for i, row in enumerate(rows)
    ]
    return docs, {i: str(row["story_id"]) for i, row in enumerate(rows)}


def bcubed(predicted: dict[int, object], gold: dict[int, str]) -> tuple[float, float, float]:
    clusters: defaultdict[object, set[int]] = defaultdict(set)
    classes: defaultdict[str, set[int]] = defaultdict(set)
    for doc_id in gold:
        clusters[predicted[doc_id]].add(doc_id)
        classes[gold[doc_id]].add(doc_id)
    precision = recall = 0.0
    for doc_id in gold:
        shared = len(clusters[predicted[doc_id]] & classes[gold[doc_id]])
        precision += shared / len(clusters[predicted[doc_id]])
        recall += shared / len(classes[gold[doc_id]])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall or 1)


def pairwise_f1(predicted: dict[int, object], gold: dict[int, str]) -> float:
    ids = sorted(gold)
    same_both = same_predicted = same_gold = 0
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            p, g = predicted[first] == predicted[second], gold[first] == gold[second]
            same_both += p and g
            same_predicted += p
            same_gold += g
    precision, recall = same_both / (same_predicted or 1), same_both / (same_gold or 1)
    return 2 * precision * recall / (precision + recall or 1)


def minhash_groups(docs: list[StoryDoc]) -> dict[int, object]:
    lsh = MinHashLSH(threshold=LSH_JACCARD, num_perm=PERMUTATIONS)
    parent = {doc.id: doc.id for doc in docs}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for doc in docs:
        words = f"{doc.title} {doc.text}".casefold().split()
        signature = MinHash(num_perm=PERMUTATIONS)
        for index in range(max(1, len(words) - 2)):
            signature.update(" ".join(words[index : index + 3]).encode())
        for other in lsh.query(signature):
            parent[root(doc.id)] = root(other)
        lsh.insert(doc.id, signature)
    return {doc.id: root(doc.id) for doc in docs}


def timed(function: Callable[[], dict[int, object]]) -> tuple[dict[int, object], float]:
    start = time.process_time()
    result = function()
    return result, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="newsloom's centroid cosine threshold")
    args = parser.parse_args()
    files = sorted(CORPUS.glob("*.jsonl"))
    if not files:
        sys.exit(f"no corpus at {CORPUS}")
    for path in files:
        docs, gold = load(path)
        ours, ours_seconds = timed(lambda d=docs: dict(group_into_stories(d, threshold=args.threshold)))
        theirs, theirs_seconds = timed(lambda d=docs: minhash_groups(d))
        print(f"{path.stem} ({len(docs)} articles, {len(set(gold.values()))} stories)")
        for name, found, seconds in (
            (f"newsloom (cosine {args.threshold})", ours, ours_seconds),
            (f"datasketch MinHash LSH (J {LSH_JACCARD})", theirs, theirs_seconds),
        ):
            p, r, f = bcubed(found, gold)
            print(
                f"  {name:<32} BCubed P {p:.3f} R {r:.3f} F1 {f:.3f}  pairwise F1 {pairwise_f1(found, gold):.3f}  "
                f"{len(set(found.values()))} stories  {len(docs) / max(seconds, 1e-9):8.0f} articles/s"
            )
        print(f"  speed ratio newsloom / MinHash LSH: {theirs_seconds / max(ours_seconds, 1e-9):.2f}x")


if __name__ == "__main__":
    main()
