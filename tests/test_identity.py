"""Which URL keys an article (``identity``) and which names are one publisher (``domains``)."""

from __future__ import annotations

import pytest

from newsloom.domains import parse_aliases, registrable_domain, same_publisher
from newsloom.errors import InvalidURL
from newsloom.identity import article_key


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://news.bbc.co.uk/", "bbc.co.uk"),
        ("https://a.blogspot.com/p", "a.blogspot.com"),  # a private suffix: each blog is its own publisher
        ("https://vnexpress.net/a", "vnexpress.net"),
        ("http://127.0.0.1:8080/a", "127.0.0.1"),
        ("http://[::1]:8080/a", "::1"),
        ("http://localhost:8000/", "localhost"),
        ("file:///tmp/page.html", ""),
    ],
)
def test_registrable_domain(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


def test_declared_canonical_is_believed_on_its_own_domain_only() -> None:
    fetched = "https://m.outlet-a.com/2026/story?utm_source=rss"
    assert article_key("https://www.outlet-a.com/2026/story", fetched) == "https://www.outlet-a.com/2026/story"
    forged = article_key("https://outlet-b.com/their-story", "https://outlet-a.com/copy")
    assert forged == "https://outlet-a.com/copy"


def test_aliases_and_missing_urls() -> None:
    aliases = parse_aliases("outlet-a.com, outlet-a.co.uk; other.org")
    assert aliases == [frozenset({"outlet-a.com", "outlet-a.co.uk"})]
    assert same_publisher("https://www.outlet-a.co.uk/x", "https://outlet-a.com/y", aliases)
    assert article_key("https://outlet-a.co.uk/x", "https://outlet-a.com/y", aliases) == "https://outlet-a.co.uk/x"
    # a saved page without a URL: nothing to compare with, the declaration is believed
    assert article_key("https://outlet-b.com/x", None) == "https://outlet-b.com/x"
    # a declaration that does not parse is ignored; a fetched URL that does not parse is an error
    assert article_key("https://[::1/four", "https://outlet-a.com/y") == "https://outlet-a.com/y"
    assert article_key("https://[::1/four", None) == ""
    with pytest.raises(InvalidURL):
        article_key(None, "https://outlet-a.com:99999/y")
