"""What an aggregator knows and a one-page extractor does not: the outlet's other pages. A block that stands word
for word in several other articles of the same outlet (a newsletter call, an author box, a "follow us" line, an
editorial note) is the outlet's template, not this article's text.

Used at run time by the pipeline with the outlet's recently stored articles (``store/templates.py``), so a new
outlet's bodies get cleaner after its first pages, with no rule written for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsloom.model import Article, BlockKind

MIN_PAGES = 2  # a block in two other articles of the outlet is template; in one, it may be a quoted passage
MAX_SHARE = 0.3  # dropping more of the body than this means a copy of the same article, not a template
MIN_KEY_CHARS = 12


def block_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def page_keys(texts: Iterable[str]) -> frozenset[str]:
    """The keys of one page's block texts that are long enough to count as template."""
    return frozenset(key for text in texts if len(key := block_key(text)) >= MIN_KEY_CHARS)


def repeated_keys(pages: Iterable[Iterable[str]], min_pages: int = MIN_PAGES) -> set[str]:
    """Keys of the block texts found on at least ``min_pages`` of the given pages (each page counted once)."""
    return repeated_among((page_keys(texts) for texts in pages), min_pages)


def repeated_among(pages: Iterable[frozenset[str]], min_pages: int = MIN_PAGES) -> set[str]:
    """``repeated_keys`` of pages already reduced to their keys (``page_keys``)."""
    counts: Counter[str] = Counter()
    for keys in pages:
        counts.update(keys)
    return {key for key, count in counts.items() if count >= min_pages}


def drop_template_blocks(article: Article, template: set[str]) -> Article:
    """The article without its outlet's template blocks, unless that would cut away much of its body."""
    if not template:
        return article
    total = sum(len(block.plain_text()) for block in article.blocks)
    kept = [
        block
        for block in article.blocks
        if block.kind == BlockKind.IMAGE or block_key(block.plain_text()) not in template
    ]
    dropped = total - sum(len(block.plain_text()) for block in kept)
    if dropped and dropped <= MAX_SHARE * total:
        article.blocks = kept
    return article
