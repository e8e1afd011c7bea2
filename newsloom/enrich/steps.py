"""The ordered enrichment steps; each takes an article and returns it enriched.

Per page, cheap and model-free: language, publisher tags cleaned, section by rules, outlet name. What needs a model
(entity tags, the section classifier) runs in batches after store: ``newsloom/pipeline/enrichment.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from newsloom.enrich.language import detect_language
from newsloom.enrich.sections import place_section
from newsloom.enrich.tags import clean_article_tags
from newsloom.model import Article
from newsloom.outlets import settle_outlet

EnrichStep = Callable[[Article], Article]

STEPS: list[EnrichStep] = [detect_language, clean_article_tags, place_section, settle_outlet]


def enrich_article(article: Article) -> Article:
    for step in STEPS:
        article = step(article)
    return article
