"""Tags: the publisher's keywords cleaned (``clean.py``), merged with the people, organisations and places found in
the text (``ner.py``, ``merge.py``; run in batches after store by ``newsloom/pipeline/enrichment.py``, where a model's
start-up and per-call costs are shared by many articles).
"""

from __future__ import annotations

from newsloom.enrich.tags.clean import clean_publisher_tags, is_noise
from newsloom.model import Article


def clean_article_tags(article: Article) -> Article:
    """Enrichment step: publisher tags without CMS flags, wire labels, ids or duplicates; every one a topic."""
    article.tags = clean_publisher_tags(article.tags)
    article.tag_kinds = {tag: article.tag_kinds.get(tag, "topic") for tag in article.tags}
    return article


__all__ = ["clean_article_tags", "clean_publisher_tags", "is_noise"]
