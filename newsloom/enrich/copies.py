"""Syndicated copies inside a story: reports that are one text run by several outlets (a wire story, a press
release), lightly edited. A story page shows them as one report carried by many, not as independent coverage.

Two reports are copies when most of their word 5-shingles are shared (Jaccard over the shorter one's shingles,
so a copy cut short or with an added paragraph still counts). A story holds tens of reports, so sets are
compared directly; MinHash (datasketch) would pay off only across a whole store.
"""

from __future__ import annotations

import re
from itertools import combinations

from newsloom.model import Article

SHINGLE = 5
MIN_CONTAINMENT = 0.6
_WORD = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [word.casefold() for word in _WORD.findall(text)]
    return {tuple(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


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
