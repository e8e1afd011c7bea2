"""Machine translation of stored articles into language editions, with checks of what a translation must keep.

Backends sit behind the ``Translator`` protocol in ``base``; ``checks`` compares each block with its translation.
The stage that reads the store and writes the editions (``translate_pending``) is a batch stage of the pipeline:
``newsloom/pipeline/translation.py``.
"""

from newsloom.enrich.translate.base import TranslationError, Translator

__all__ = ["TranslationError", "Translator"]
