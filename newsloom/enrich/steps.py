"""The ordered enrichment steps; each takes an article and returns it enriched."""

from __future__ import annotations

from collections.abc import Callable

from newsloom.enrich.language import detect_language
from newsloom.model import Article

EnrichStep = Callable[[Article], Article]

STEPS: list[EnrichStep] = [detect_language]


def enrich_article(article: Article) -> Article:
    for step in STEPS:
        article = step(article)
    return article
