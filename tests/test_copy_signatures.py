"""Syndicated copies: one text run by several outlets is found, independent reports of the event are not."""

from newsloom.copy_signatures import copy_groups
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
