"""Which URL keys an article: the page's declared canonical URL, but only where the page may speak for it.

A page declares its canonical URL (``<link rel=canonical>``, ``og:url``) so that the copies of one article under
several addresses (tracking parameters, AMP, mobile hosts) are stored once. Believed blindly, the declaration lets
any outlet overwrite any other's article: outlet B's page declaring outlet A's URL would replace A's stored article
(title, body, outlet), and the crawler would then skip A's real page as "known". So the declaration is believed
only when it lies on the same registrable domain as the URL the page was fetched from (``domains``), or on a domain
the operator declared an alias of it (setting ``canonical_aliases``); otherwise the fetched URL is the key.

A saved page imported without any URL has nothing to compare against: its declaration is believed (it is what the
operator saved, and ``--url`` gives the check when wanted). A declaration that cannot be parsed is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsloom.domains import same_publisher
from newsloom.errors import InvalidURL
from newsloom.urls import canonicalize_url


def _parsed(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return canonicalize_url(url)
    except InvalidURL:
        return None


def article_key(declared: str | None, fetched: str | None, aliases: Iterable[frozenset[str]] = ()) -> str:
    """The canonical URL to store the article under ("" when there is neither URL).

    Raises :class:`InvalidURL` when ``fetched`` itself cannot be parsed (that page has no usable identity).
    """
    fetched_key = canonicalize_url(fetched) if fetched else None
    declared_key = _parsed(declared)
    if fetched_key is None:
        return declared_key or ""
    if declared_key is None or declared_key == fetched_key:
        return fetched_key
    return declared_key if same_publisher(declared_key, fetched_key, aliases) else fetched_key
