"""How the store keeps a fetched page's bytes (``articles.article_html``): gzip at ``HTML_GZ_LEVEL``.

A module of its own, below the store, so that a crawl's extraction workers (which compress each page so the
writer need not) do not import the store, and with it SQLAlchemy and the migrations, for one call to gzip.
"""

from __future__ import annotations

import gzip

HTML_GZ_LEVEL = 6


def compress_html(raw_html: bytes) -> bytes:
    """A fetched page as ``article_html`` keeps it."""
    return gzip.compress(raw_html, HTML_GZ_LEVEL)
