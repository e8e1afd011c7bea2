"""Extraction stage: HTML bytes in, an :class:`~newsloom.model.Article` out, or ``NotAnArticle`` with a reason.

``extract_article`` is the stage's one entry point. It never raises anything but ``ExtractError``: malformed,
binary or empty input becomes a reason, not a traceback.
"""

from newsloom.extract.article import extract_article

__all__ = ["extract_article"]
