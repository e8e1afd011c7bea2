"""The reference a stored article page is held to: the page rendered from the store right now, as the route
renders it (``tests/web/test_article_blocks.py``, and the pipeline's pages stage in ``tests/pipeline``)."""

from __future__ import annotations

from newsloom.web.pages import _edition_redirect, article_page
from newsloom.web.portal import CSRF_PLACEHOLDER, Portal, article_path
from newsloom.web.prerender import request_for


def live(portal: Portal, article_id: int, edition: str, prefix: str) -> str | None:
    """The page rendered live (None where the route sends an edition's reader elsewhere)."""
    article = portal.store.get_article(article_id)
    assert article is not None
    editions = portal.queries.editions(article)
    if _edition_redirect(portal, article, editions, edition, prefix):
        return None
    request = request_for(portal, article_path(article), edition, prefix)
    response, _ = article_page(portal, request, article, editions, CSRF_PLACEHOLDER)
    return bytes(response.body).decode()
