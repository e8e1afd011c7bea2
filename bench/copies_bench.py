"""Copies benchmark: syndicated copies made from real shared articles, found by newsloom's MinHash signatures and
LSH bands (``newsloom.copy_signatures``), beside datasketch's own ``MinHashLSH`` index with the same signatures.

    make bench-stories          # runs this after the stories benchmark
    .venv/bin/python bench/copies_bench.py

Originals: every article of ``../shared/corpora/stories`` (real news text; ECB+ and PAC stories hold many
distinct reports of one event, the hardest non-copies). Each original gets one copy, edited with a seeded mix of
what syndication does: new chrome lines at the start and end, the last paragraphs trimmed, a dateline or an
attribution line added, two paragraphs swapped (the headline is not part of the signature, so a changed headline
changes nothing). Positives: a copy must be matched to its original. Negatives: every original, looked up among
the other originals, must match nothing. Precision = right matches / all matches; recall = right matches /
copies.

Lookups/s at 100k: the index holds 100,000 signatures (the originals and random fillers); each lookup is the
band query and the signature check, (a) in the store's SQL table (SQLite, as ``store/copies.py`` runs it) and
(b) in datasketch's in-memory ``MinHashLSH``.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsloom.copy_signatures import (
    BANDS,
    COPY_JACCARD,
    PERMUTATIONS,
    ROWS,
    _shingles,
    band_buckets,
    signature,
    similarity,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "stories"
SEED = 12
STORE_SIZE = 100_000
CHROME = ["Sign up for our daily newsletter.", "Follow us on social media for the latest updates.", "Advertisement"]
DATELINES = ["WASHINGTON (Reuters) - ", "LONDON, Oct 25 (AFP) - ", "NEW YORK (AP) — "]
CREDITS = ["Reporting by Jane Roe; editing by John Doe", "This story was provided by a news agency."]


def make_copy(body: str, rng: random.Random) -> str:
    lines = [line for line in body.splitlines() if line.strip()]
    if len(lines) > 4 and rng.random() < 0.7:
        lines = lines[: len(lines) - rng.randint(1, max(1, len(lines) // 6))]  # trimmed end
    if len(lines) > 3 and rng.random() < 0.6:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]  # paragraphs reordered
    if rng.random() < 0.6:
        lines[0] = rng.choice(DATELINES) + lines[0]
    if rng.random() < 0.5:
        lines.append(rng.choice(CREDITS))
    return "\n".join([rng.choice(CHROME), *lines, rng.choice(CHROME)])


def datasketch_minhash(values: np.ndarray) -> MinHash:
    return MinHash(num_perm=PERMUTATIONS, hashvalues=values, scheme=MinHash(num_perm=1).scheme)


def main() -> None:
    rows = [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl")) for line in path.read_text().splitlines()]
    rng = random.Random(SEED)
    originals = {i: signature(row["body"]) for i, row in enumerate(rows)}
    originals = {i: s for i, s in originals.items() if s is not None}
    copies = {i: signature(make_copy(rows[i]["body"], rng)) for i in originals}
    buckets: dict[tuple[int, int], set[int]] = {}
    for i, values in originals.items():
        for key in band_buckets(values):
            buckets.setdefault(key, set()).add(i)

    def lookup(values: np.ndarray, exclude: int | None = None) -> int | None:
        best, best_score = None, COPY_JACCARD
        for other in {o for key in band_buckets(values) for o in buckets.get(key, ())}:
            if other != exclude and (score := similarity(values, originals[other])) >= best_score:
                best, best_score = other, score
        return best

    def exact(first: int, second: int) -> float:
        a, b = _shingles(rows[first]["body"]), _shingles(rows[second]["body"])
        return len(a & b) / max(1, len(a | b))

    right = wrong = missed = 0
    for i, values in copies.items():  # matching an original the corpus holds as a copy of i's is right too
        found = lookup(values) if values is not None else None
        good = found is not None and (found == i or exact(found, i) >= COPY_JACCARD)
        right += good
        wrong += found is not None and not good
        missed += found is None
    false_alarms = already_copies = 0
    for i, values in originals.items():
        found = lookup(values, exclude=i)
        if found is not None:  # the corpus itself holds some syndicated copies: judge by the exact shingle sets
            already_copies += exact(i, found) >= COPY_JACCARD
            false_alarms += exact(i, found) < COPY_JACCARD
    precision = right / max(1, right + wrong + false_alarms)
    recall = right / max(1, len(copies))
    print(f"copies: {len(copies)} copies of real articles, {len(originals)} distinct originals (seed {SEED})")
    print(
        f"  newsloom MinHash {PERMUTATIONS} perm, {BANDS}x{ROWS} bands, Jaccard >= {COPY_JACCARD}: "
        f"precision {precision:.3f} recall {recall:.3f}  ({right} right, {wrong} wrong, {missed} missed, "
        f"{false_alarms} distinct originals matched; {already_copies} originals matched another original that "
        "the corpus itself holds as a copy, exact Jaccard >= the threshold: right, not counted)"
    )
    lookups_at_100k(list(originals.values()), [v for v in copies.values() if v is not None])


def lookups_at_100k(real: list[np.ndarray], queries: list[np.ndarray]) -> None:
    rng = np.random.default_rng(SEED)
    fillers = [rng.integers(0, 2**32 - 1, PERMUTATIONS, dtype=np.uint64) for _ in range(STORE_SIZE - len(real))]
    signatures = real + fillers
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE copy_bands (band INTEGER, bucket INTEGER, article_id INTEGER, "
        "PRIMARY KEY (band, bucket, article_id))"
    )
    conn.execute("CREATE TABLE article_copies (article_id INTEGER PRIMARY KEY, signature BLOB)")
    conn.executemany(
        "INSERT INTO copy_bands VALUES (?, ?, ?)",
        ((b, k, i) for i, s in enumerate(signatures) for b, k in band_buckets(s)),
    )
    conn.executemany(
        "INSERT INTO article_copies VALUES (?, ?)", ((i, s.astype("<u8").tobytes()) for i, s in enumerate(signatures))
    )
    lsh = MinHashLSH(num_perm=PERMUTATIONS, params=(BANDS, ROWS))
    for i, values in enumerate(signatures):
        lsh.insert(i, datasketch_minhash(values), check_duplication=False)
    where = " OR ".join(["(band = ? AND bucket = ?)"] * BANDS)
    start = time.perf_counter()
    for values in queries:
        keys = [x for key in band_buckets(values) for x in key]
        ids = [r[0] for r in conn.execute(f"SELECT DISTINCT article_id FROM copy_bands WHERE {where}", keys)]
        marks = ",".join("?" * len(ids))
        for _, data in conn.execute(
            f"SELECT article_id, signature FROM article_copies WHERE article_id IN ({marks})", ids
        ):
            similarity(values, np.frombuffer(data, dtype="<u8"))
    ours = len(queries) / (time.perf_counter() - start)
    start = time.perf_counter()
    for values in queries:
        for other in lsh.query(datasketch_minhash(values)):
            similarity(values, signatures[other])
    theirs = len(queries) / (time.perf_counter() - start)
    print(
        f"  lookups at {STORE_SIZE:,} signatures: newsloom SQL bands (SQLite) {ours:,.0f}/s, "
        f"datasketch MinHashLSH in memory {theirs:,.0f}/s, ratio {ours / theirs:.2f}x"
    )


if __name__ == "__main__":
    main()
