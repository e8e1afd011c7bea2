"""Syndicated copies: reports that are one text run by several outlets (a wire story, a press release), lightly
edited (new chrome, trimmed ends, another headline, a dateline or attribution added, paragraphs moved).

Across the store, copies are found at ingest with MinHash signatures of word 5-shingles (datasketch) and an LSH
index of ``BANDS`` bands of ``ROWS`` hash values, kept in the store (``store/copies.py``): a new article is
compared only with the articles sharing a band with it, and is a copy when the signatures agree on at least
``COPY_JACCARD`` of their values (the estimated Jaccard similarity of the shingle sets). The bands are those
datasketch's ``MinHashLSH`` picks for a 0.5 threshold with 128 permutations (25 × 5), so a pair at Jaccard 0.5
shares a band with probability 0.97, and one at 0.2 with 0.008.

Inside a story (tens of reports) ``copy_groups`` compares shingle sets directly, by containment over the
shorter one, so a copy cut short still counts.
"""

from __future__ import annotations

import hashlib
import re
from itertools import combinations
from typing import TYPE_CHECKING

from newsloom.lazy import LazyModule
from newsloom.model import Article

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: the portal imports this module for its pages, which need numpy only for copies
    np = LazyModule("numpy")

SHINGLE = 5
MIN_CONTAINMENT = 0.6
PERMUTATIONS = 128
BANDS, ROWS = 25, 5
COPY_JACCARD = 0.5
MIN_SHINGLES = 20  # shorter texts (a caption, a one-line brief) are too short to call copies
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [word.casefold() for word in _WORD.findall(text)]
    return {tuple(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def signature(text: str) -> np.ndarray | None:
    """The MinHash hash values of a body's word 5-shingles, or None for a text too short to compare."""
    shingles = _shingles(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    # Imported here: datasketch's package imports its LSH classes and, through them, scipy.integrate, a second and
    # more of start-up for every process that imports the pipeline (the portal, each worker) and never hashes.
    from datasketch import MinHash

    minhash = MinHash(num_perm=PERMUTATIONS, seed=_SEED)
    minhash.update_batch([" ".join(s).encode() for s in shingles])
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def band_buckets(values: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) pairs of a signature: the LSH index keys (a bucket is a signed 63-bit hash of the band)."""
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        keys.append((band, int.from_bytes(_digest(chunk), "big", signed=True)))
    return keys


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(first == second)) / len(first)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def copy_groups(articles: list[Article]) -> list[list[int]]:
    """Groups (two or more article ids, in the given order) of reports that are the same text."""
    shingles = {a.id: _shingles(a.body) for a in articles if a.id is not None}
    parent = {article_id: article_id for article_id in shingles}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in combinations(shingles, 2):
        smaller = min(len(shingles[first]), len(shingles[second]))
        if smaller and len(shingles[first] & shingles[second]) / smaller >= MIN_CONTAINMENT:
            parent[root(second)] = root(first)
    groups: dict[int, list[int]] = {}
    for article_id in shingles:
        groups.setdefault(root(article_id), []).append(article_id)
    return [members for members in groups.values() if len(members) > 1]
