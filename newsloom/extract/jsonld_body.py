"""Cross-checking the extracted text with the ``articleBody`` a page publishes in JSON-LD.

When the publisher's own articleBody covers most of what we extracted, paragraphs absent from it are page
furniture that slipped through (captions of unrelated teasers, newsletter boxes) and are dropped. A JSON-LD body
that disagrees with most of our text (a teaser, a truncated summary, another article) is ignored.
"""

from __future__ import annotations

import re

from newsloom.model import Block, BlockKind

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_AGREEMENT = 0.8
MIN_SHARED_TRIGRAMS = 0.5


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def _contained(block_words: list[str], reference: set[tuple[str, ...]]) -> bool:
    """Most of the block's word trigrams occur in the reference (quotes and dashes may differ, words do not)."""
    grams = _trigrams(block_words)
    if not grams:
        return True
    return len(grams & reference) / len(grams) >= MIN_SHARED_TRIGRAMS


def reconcile_with_json_ld(blocks: list[Block], json_ld_body: str) -> list[Block]:
    reference = _trigrams(_words(json_ld_body))
    text_blocks = [(block, _words(block.plain_text())) for block in blocks if block.kind != BlockKind.IMAGE]
    total = sum(len(words) for _, words in text_blocks)
    if total == 0:
        return blocks
    agreed = sum(len(words) for _, words in text_blocks if _contained(words, reference))
    if agreed / total < MIN_AGREEMENT:
        return blocks
    rejected = {id(block) for block, words in text_blocks if not _contained(words, reference)}
    return [block for block in blocks if id(block) not in rejected]
