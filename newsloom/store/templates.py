"""The outlet's recently stored articles' block texts, for the extractor's template memory (extract/template.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from newsloom.model import Article
from newsloom.store import schema
from newsloom.text import slugify
from newsloom.urls import canonicalize_url, host_of

RECENT_ARTICLES = 12


def _texts(blocks: Any) -> list[str]:
    texts = []
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            text = block.get("text") or "\n".join(block.get("items") or [])
            if text:
                texts.append(str(text))
    return texts


def outlet_pages(engine: sa.Engine, article: Article, limit: int = RECENT_ARTICLES) -> list[list[str]]:
    """Block texts of the outlet's newest other articles (the outlet: the article's source, else its host's)."""
    articles, sources = schema.articles, schema.sources
    source_id = article.source_id
    with engine.connect() as conn:
        if source_id is None:
            host = host_of(article.canonical_url or article.url)
            if not host:
                return []
            slug = slugify(host.removeprefix("www."))
            source_id = conn.execute(sa.select(sources.c.id).where(sources.c.slug == slug)).scalar()
            if source_id is None:
                return []
        canonical = (
            canonicalize_url(article.canonical_url or article.url) if (article.canonical_url or article.url) else ""
        )
        query = (
            sa.select(articles.c.blocks)
            .where(articles.c.source_id == source_id, articles.c.canonical_url != canonical)
            .order_by(articles.c.id.desc())
            .limit(limit)
        )
        return [_texts(row.blocks) for row in conn.execute(query)]
