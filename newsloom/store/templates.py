"""The outlet's recently stored articles' block texts, for the extractor's template memory (extract/template.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa

from newsloom.extract.template import page_keys
from newsloom.model import Article
from newsloom.store import schema
from newsloom.text import slugify
from newsloom.urls import canonicalize_url, host_of

RECENT_ARTICLES = 12
KEY_CACHE = 1024  # articles' block keys kept between pages (by content hash), a few KiB each: 85 outlets' newest


def _texts(blocks: Any) -> list[str]:
    texts = []
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            text = block.get("text") or "\n".join(block.get("items") or [])
            if text:
                texts.append(str(text))
    return texts


def _outlet_of(conn: sa.Connection, article: Article) -> tuple[int, str] | None:
    """The article's outlet (its source, else the source named after its host) and its own canonical URL, which
    the outlet's other pages are read without."""
    source_id = article.source_id
    if source_id is None:
        host = host_of(article.canonical_url or article.url)
        if not host:
            return None
        slug = slugify(host.removeprefix("www."))
        source_id = conn.execute(sa.select(schema.sources.c.id).where(schema.sources.c.slug == slug)).scalar()
        if source_id is None:
            return None
    address = article.canonical_url or article.url
    return source_id, canonicalize_url(address) if address else ""


def outlet_pages(engine: sa.Engine, article: Article, limit: int = RECENT_ARTICLES) -> list[list[str]]:
    """Block texts of the outlet's newest other articles (the outlet: the article's source, else its host's)."""
    articles = schema.articles
    with engine.connect() as conn:
        outlet = _outlet_of(conn, article)
        if outlet is None:
            return []
        source_id, canonical = outlet
        query = (
            sa.select(articles.c.blocks)
            .where(articles.c.source_id == source_id, articles.c.canonical_url != canonical)
            .order_by(articles.c.id.desc())
            .limit(limit)
        )
        return [_texts(row.blocks) for row in conn.execute(query)]


_keys: OrderedDict[str, frozenset[str]] = OrderedDict()
_keys_lock = threading.Lock()


def outlet_page_keys(engine: sa.Engine, article: Article, limit: int = RECENT_ARTICLES) -> list[frozenset[str]]:
    """``outlet_pages`` reduced to each page's block keys (``extract.template.page_keys``), the same pages.

    Every stored page asks for its outlet's newest articles, so the same few are read again and again: each one's
    keys are kept by its content hash (which covers its blocks), and only articles not seen yet (or changed) have
    their blocks read and decoded. A crawl's writer spent more on decoding those blocks than on storing the page."""
    articles = schema.articles
    with engine.connect() as conn:
        outlet = _outlet_of(conn, article)
        if outlet is None:
            return []
        source_id, canonical = outlet
        newest = conn.execute(
            sa.select(articles.c.id, articles.c.content_hash)
            .where(articles.c.source_id == source_id, articles.c.canonical_url != canonical)
            .order_by(articles.c.id.desc())
            .limit(limit)
        ).all()
        with _keys_lock:
            have = {row.content_hash: _keys[row.content_hash] for row in newest if row.content_hash in _keys}
        missing = [row.id for row in newest if row.content_hash not in have]
        read = {}
        if missing:
            query = sa.select(articles.c.id, articles.c.blocks).where(articles.c.id.in_(missing))
            read = {row.id: page_keys(_texts(row.blocks)) for row in conn.execute(query)}
    found = []
    with _keys_lock:
        for row in newest:
            keys = read.get(row.id)
            if keys is None:
                keys = have.get(row.content_hash)
                if keys is None:  # deleted between the two queries, as ``outlet_pages`` would not have seen it
                    continue
                if row.content_hash in _keys:
                    _keys.move_to_end(row.content_hash)
            elif row.content_hash is not None:
                _keys[row.content_hash] = keys
            found.append(keys)
        while len(_keys) > KEY_CACHE:
            _keys.popitem(last=False)
    return found
