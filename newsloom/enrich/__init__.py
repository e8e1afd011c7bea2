"""Enrichment stage: what we add to an extracted article before it is stored.

``enrich_article`` is the stage's entry point; today it settles the language. Entity tags, categories,
near-duplicates, story clusters and provenance arrive as further steps listed in ``STEPS``.
"""

from newsloom.enrich.steps import STEPS, enrich_article

__all__ = ["STEPS", "enrich_article"]
