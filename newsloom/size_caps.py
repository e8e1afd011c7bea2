"""Limits on what is stored of one article, so that no single page can swell every page that lists it.

A publisher's page may hold a 2 MB ``<title>``, 20,000 tags or a body of many megabytes; stored as they come, they
would be copied into the home page, every feed, search results and the API. ``limit_article`` cuts each field to a
size no real article reaches and returns what it cut, so the pipeline can report it (the page still stores).
URLs are not cut (a cut URL names another resource): ``urls.canonicalize_url`` refuses those past its limit.

Place in the pipeline: the last stage before the store (``pipeline.process_page``).
"""

from __future__ import annotations

from newsloom.model import Article, Block

MAX_TITLE_CHARS = 500
MAX_LEAD_CHARS = 2_000
MAX_AUTHORS = 20
MAX_AUTHOR_CHARS = 200
MAX_TAGS = 100  # a real page of the shared corpora lists 86
MAX_TAG_CHARS = 100
MAX_NAME_CHARS = 200  # site name, section
MAX_BODY_CHARS = 300_000  # the longest article of the shared corpora is ~60,000 characters
MAX_BLOCKS = 3_000
MAX_BLOCK_ITEMS = 500
MAX_IMAGES = 100
MAX_ATTRIBUTION = 20
MAX_CAPTION_CHARS = 2_000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_field(article: Article, name: str, limit: int, cuts: list[str]) -> None:
    value = getattr(article, name)
    if value and len(value) > limit:
        setattr(article, name, _cut(value, limit))
        cuts.append(f"{name} cut from {len(value)} to {limit} characters")


def _cut_list(values: list[str], name: str, count: int, length: int, cuts: list[str]) -> list[str]:
    kept = values[:count]
    if len(values) > count:
        cuts.append(f"{name}: kept {count} of {len(values)}")
    if any(len(value) > length for value in kept):
        cuts.append(f"{name}: entries cut to {length} characters")
        kept = list(dict.fromkeys(_cut(value, length) for value in kept))
    return kept


def _cut_blocks(blocks: list[Block], cuts: list[str]) -> list[Block]:
    kept: list[Block] = []
    total = 0
    for block in blocks[:MAX_BLOCKS]:
        if len(block.items) > MAX_BLOCK_ITEMS:
            block.items = block.items[:MAX_BLOCK_ITEMS]
        size = len(block.text) + sum(len(item) for item in block.items)
        if total + size > MAX_BODY_CHARS:
            break
        total += size
        kept.append(block)
    if len(kept) < len(blocks):
        cuts.append(f"body: kept {len(kept)} of {len(blocks)} blocks ({total} characters, limit {MAX_BODY_CHARS})")
    return kept


def limit_article(article: Article) -> list[str]:
    """Cut ``article``'s fields to the limits above, in place; return a line per field that was cut."""
    cuts: list[str] = []
    _cut_field(article, "title", MAX_TITLE_CHARS, cuts)
    _cut_field(article, "lead", MAX_LEAD_CHARS, cuts)
    _cut_field(article, "site_name", MAX_NAME_CHARS, cuts)
    _cut_field(article, "section", MAX_NAME_CHARS, cuts)
    article.authors = _cut_list(article.authors, "authors", MAX_AUTHORS, MAX_AUTHOR_CHARS, cuts)
    article.tags = _cut_list(article.tags, "tags", MAX_TAGS, MAX_TAG_CHARS, cuts)
    article.blocks = _cut_blocks(article.blocks, cuts)
    if len(article.images) > MAX_IMAGES:
        cuts.append(f"images: kept {MAX_IMAGES} of {len(article.images)}")
        article.images = article.images[:MAX_IMAGES]
    for image in article.images:
        for name in ("caption", "credit", "alt"):
            value = getattr(image, name)
            if value and len(value) > MAX_CAPTION_CHARS:
                setattr(image, name, _cut(value, MAX_CAPTION_CHARS))
    if len(article.attribution) > MAX_ATTRIBUTION:
        cuts.append(f"attribution: kept {MAX_ATTRIBUTION} of {len(article.attribution)}")
        article.attribution = article.attribution[:MAX_ATTRIBUTION]
    return cuts
