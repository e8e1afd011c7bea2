import pytest

from newsloom.errors import InvalidURL
from newsloom.urls import MAX_URL_CHARS, canonicalize_url, join_url, strip_userinfo, url_key


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
        ("http://user:pass@example.com/ok2.html", "http://example.com/ok2.html"),
        ("http://user@Example.com:8080/a", "http://example.com:8080/a"),
    ],
)
def test_canonicalize_url(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


def test_canonical_urls_of_the_same_article_are_equal() -> None:
    assert canonicalize_url("https://News.example.com/x?utm_campaign=a#top") == canonicalize_url(
        "https://news.example.com/x?fbclid=zz"
    )


def test_ipv6_literals_keep_their_brackets() -> None:
    assert canonicalize_url("http://[::1]:8080/a") == "http://[::1]:8080/a"
    assert canonicalize_url("HTTP://[2001:DB8::1]/x?utm_source=y") == "http://[2001:db8::1]/x"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("https://bad.example:99999/two", "bad port"),
        ("https://[::1/four", "unparseable URL"),
        ("http://exa mple.com/a", "bad host name"),
        ("http:///no-host", "no host"),
        ("https://example.com/" + "a" * 130_000, "longer than"),
        ("https://example.com/a\x00b", "control characters"),
        ("http://xn--/x", "bad international host name"),
        ("http://xn--abc.example/x", "bad international host name"),
        ("http://\U0001f4a9.la/", "bad host name"),
        ("http://" + "a" * 300 + ".example/", "over 63"),
        ("http://" + "a." * 130 + "example/", "over 63"),
        ("http://0177.0.0.1/", "bad IPv4 address"),
        ("http://1.2.3.999/x", "bad IPv4 address"),
        ("http://127.1/", "bad IPv4 address"),
        ("http://0x7f.0.0.1/", "bad IPv4 address"),
    ],
)
def test_unparseable_urls_are_one_named_error(raw: str, reason: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        canonicalize_url(raw)
    assert reason in caught.value.reason
    assert url_key(raw) == raw.strip()[:MAX_URL_CHARS]  # still recordable as what the feed listed


def test_hosts_that_encode_are_kept() -> None:
    assert canonicalize_url("http://xn--d1acufc.xn--p1ai/a") == "http://xn--d1acufc.xn--p1ai/a"
    assert canonicalize_url("https://bücher.de/a") == "https://bücher.de/a"
    assert canonicalize_url("http://93.184.216.34/a") == "http://93.184.216.34/a"
    assert canonicalize_url("http://v2.example/a") == "http://v2.example/a"


def test_join_url_never_raises() -> None:
    assert join_url("https://example.com/a/b", "../c") == "https://example.com/c"
    assert join_url("https://[::1/x", "/y") == "/y"
    assert join_url(None, "/y") == "/y"


def test_strip_userinfo_keeps_the_rest_and_never_raises() -> None:
    assert strip_userinfo("http://u:p@host:81/a?b=1#c") == "http://host:81/a?b=1#c"
    assert strip_userinfo("https://host/a@b") == "https://host/a@b"  # an @ in the path is not userinfo
    assert strip_userinfo("https://[::1/x") == "https://[::1/x"
