"""Syndicated copies: one text run by several outlets is found, independent reports of the event are not."""

import numpy as np
import pytest

from newsloom.copy_signatures import PERMUTATIONS, _shingles, copy_groups, signature
from newsloom.model import Article, Block, BlockKind

WIRE = (
    "Rescue teams in Nepal searched collapsed buildings through the night after a magnitude 6.1 earthquake struck "
    "the west of the country on Tuesday, officials said, as aftershocks shook the region and roads were blocked."
)
OWN = (
    "Our correspondent in Kathmandu saw families sleeping outside for a second night, afraid to go back into "
    "cracked houses, while the army flew supplies to villages cut off by landslides."
)


def _report(article_id: int, *paragraphs: str) -> Article:
    blocks = [Block(BlockKind.PARAGRAPH, text=text) for text in paragraphs]
    url = f"https://example.com/{article_id}"
    return Article(url=url, canonical_url=url, title="Quake", id=article_id, blocks=blocks)


def test_copies_group_even_when_trimmed_or_extended() -> None:
    original = _report(1, WIRE, "The death toll was expected to rise.")
    trimmed = _report(2, WIRE)
    extended = _report(3, WIRE, "The death toll was expected to rise.", "Local media reported heavy rain.")
    independent = _report(4, OWN)
    assert copy_groups([original, trimmed, extended, independent]) == [[1, 2, 3]]


def test_independent_reports_are_not_copies() -> None:
    assert copy_groups([_report(1, WIRE), _report(2, OWN)]) == []


def test_signature_is_datasketchs_minhash() -> None:
    """The signature is computed without datasketch (its import costs a worker SciPy) but must equal its MinHash:
    the store keeps signatures computed before, and a new one must still match them."""
    datasketch = pytest.importorskip("datasketch")
    texts = [WIRE, OWN, WIRE + " " + OWN, " ".join(f"word{i} token{i * 7 % 13}" for i in range(400))]
    for text in texts:
        shingles = _shingles(text)
        expected = datasketch.MinHash(num_perm=PERMUTATIONS, seed=1)
        expected.update_batch([" ".join(shingle).encode() for shingle in shingles])
        values = signature(text)
        assert values is not None
        assert values.dtype == np.uint64
        assert values.tolist() == np.asarray(expected.hashvalues, dtype=np.uint64).tolist()
    assert signature("too short to sign") is None
