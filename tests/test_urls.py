import pytest

from newsloom.urls import canonicalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/a/B", "https://example.com/a/B"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y", "https://example.com/a"),
        ("https://example.com/a?id=3&fbclid=abc&gclid=1", "https://example.com/a?id=3"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
    ],
)
def test_canonicalize_url(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


def test_canonical_urls_of_the_same_article_are_equal() -> None:
    assert canonicalize_url("https://News.example.com/x?utm_campaign=a#top") == canonicalize_url(
        "https://news.example.com/x?fbclid=zz"
    )
