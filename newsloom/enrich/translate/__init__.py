"""Machine translation of stored articles into language editions, with checks of what a translation must keep.

``translate_pending`` is the stage (run after import, crawl rounds and ``newsloom translate``); backends sit
behind the ``Translator`` protocol in ``base``; ``checks`` compares each block with its translation.
"""

from newsloom.enrich.translate.base import TranslationError, Translator
from newsloom.enrich.translate.stage import TranslationStats, make_translator, translate_article, translate_pending

__all__ = [
    "TranslationError",
    "TranslationStats",
    "Translator",
    "make_translator",
    "translate_article",
    "translate_pending",
]
