"""Syndicated copies: reports that are one text run by several outlets (a wire story, a press release), lightly
edited (new chrome, trimmed ends, another headline, a dateline or attribution added, paragraphs moved).

Across the store, copies are found at ingest with MinHash signatures of word 5-shingles (datasketch's scheme,
computed with numpy alone) and an LSH index of ``BANDS`` bands of ``ROWS`` hash values, kept in the store
(``store/copies.py``): a new article is compared only with the articles sharing a band with it, and is a copy
when the signatures agree on at least ``COPY_JACCARD`` of their values (the estimated Jaccard similarity of the
shingle sets). The bands are those datasketch's ``MinHashLSH`` picks for a 0.5 threshold with 128 permutations
(25 × 5), so a pair at Jaccard 0.5 shares a band with probability 0.97, and one at 0.2 with 0.008.

Inside a story (tens of reports) ``copy_groups`` compares shingle sets directly, by containment over the
shorter one, so a copy cut short still counts.
"""

from __future__ import annotations

import hashlib
import re
import struct
from functools import cache
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
MAX_BODY_CHARS = 200_000  # a 1 MB body is compared by its first 200,000 characters: a copy shares its start
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
    first_word = _UINT32.unpack_from  # of each shingle's SHA-1: datasketch's ``sha1_hash32``
    hashed = np.array([first_word(hashlib.sha1(" ".join(s).encode()).digest())[0] for s in shingles], np.uint32)
    a, b = _permutations()
    values: np.ndarray = (_fmix32(hashed)[:, None] * a + b).min(axis=0)  # uint32 arithmetic wraps: mod 2^32, as meant
    return values.astype(np.uint64)


# datasketch's ``MinHash(num_perm=PERMUTATIONS, seed=_SEED)`` with its default ``affine32`` scheme (datasketch 2.0),
# computed here with numpy alone: the package's import pulls in its LSH classes and through them SciPy (a fifth of an
# extraction worker's memory, for a hash). Same values (``tests/test_copy_signatures.py`` compares them with
# datasketch's), so the signatures already stored stay comparable.
_UINT32 = struct.Struct("<I")
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # the MurmurHash3 32-bit finalizer


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``h -> a * h + b mod 2^32`` (``a`` odd), drawn as datasketch draws them."""
    generator = np.random.RandomState(_SEED)
    a = generator.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    first, multiplier, second, multiplier2, third = (np.uint32(c) for c in _FMIX32)
    values = values ^ (values >> first)
    values = values * multiplier
    values = values ^ (values >> second)
    values = values * multiplier2
    mixed: np.ndarray = values ^ (values >> third)
    return mixed


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
