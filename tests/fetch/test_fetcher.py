"""The downloader against a real loopback server with faults: retries, 304s, redirects, caps, robots, pacing."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from newsloom.errors import BlockedError, FetchError, TooLargeError
from newsloom.extract import extract_article
from newsloom.fetch.fetcher import ROBOTS_MAX_BYTES, Fetcher, FetchResult, retry_after_seconds, robots_text
from newsloom.settings import Settings
from tests.conftest import article_html
from tests.fetch.site import FaultSite, Reply, conditional, failing_first
from tests.support.crawl import crawl_settings


def fetch(settings: Settings, url: str, **kwargs: object) -> tuple[FetchResult, Fetcher]:
    async def run() -> tuple[FetchResult, Fetcher]:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, **kwargs), fetcher  # type: ignore[arg-type]

    return asyncio.run(run())


def test_plain_fetch_sends_user_agent_and_records_final_url(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/old", Reply(301, headers={"Location": "/new"}))
        site.route("/new", Reply(200, b"<html>hello</html>"))
        result, fetcher = fetch(fast_settings, site.url("/old"))
    assert result.status == 200 and result.content == b"<html>hello</html>"
    assert result.url == site.url("/old") and result.final_url == site.url("/new")
    page_request = next(request for request in site.log if request.path == "/new")
    assert page_request.headers["user-agent"].startswith("newsloom/")
    assert fast_settings.contact_url in page_request.headers["user-agent"]
    assert fetcher.stats["redirects"] == 1


def test_conditional_get_returns_304_without_body(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/feed.xml", conditional(b"<rss/>", '"v1"'))
        first, _ = fetch(fast_settings, site.url("/feed.xml"))
        second, fetcher = fetch(fast_settings, site.url("/feed.xml"), etag=first.etag)
    assert first.status == 200 and first.etag == '"v1"'
    assert second.not_modified and second.content == b""
    assert fetcher.stats["not_modified"] == 1


def test_server_errors_are_retried_then_succeed(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/flaky", failing_first(2, Reply(200, b"ok"), Reply(503, b"busy")))
        result, fetcher = fetch(fast_settings, site.url("/flaky"))
    assert result.content == b"ok"
    assert site.hits["/flaky"] == 3 and fetcher.stats["retries"] == 2


def test_persistent_500_gives_up_with_reason(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/broken", Reply(500, b"oops"))
        with pytest.raises(FetchError, match="HTTP 500"):
            fetch(fast_settings, site.url("/broken"))
        assert site.hits["/broken"] == fast_settings.fetch_retries + 1


def test_429_honours_retry_after(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/limited", failing_first(1, Reply(200, b"ok"), Reply(429, headers={"Retry-After": "1"})))
        started = time.monotonic()
        result, _ = fetch(fast_settings, site.url("/limited"))
        elapsed = time.monotonic() - started
    assert result.content == b"ok"
    assert elapsed >= 0.95


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_slow_response_times_out_and_retries(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, fetch_read_timeout=0.5)
    with FaultSite() as site:
        site.route("/slow", Reply(200, b"late", delay=1.5))
        with pytest.raises(FetchError, match="timeout"):
            fetch(settings, site.url("/slow"))
        assert site.hits["/slow"] == settings.fetch_retries + 1


def test_redirect_loop_is_detected(fast_settings: Settings) -> None:
    with FaultSite() as site:
        site.route("/a", Reply(302, headers={"Location": "/b"}))
        site.route("/b", Reply(302, headers={"Location": "/a"}))
        with pytest.raises(FetchError, match="redirect loop"):
            fetch(fast_settings, site.url("/a"))
        assert site.hits["/a"] == 1 and site.hits["/b"] == 1


def test_redirect_chain_is_capped(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, fetch_max_redirects=3)
    with FaultSite() as site:
        for hop in range(10):
            site.route(f"/hop{hop}", Reply(302, headers={"Location": f"/hop{hop + 1}"}))
        with pytest.raises(FetchError, match="more than 3 redirects"):
            fetch(settings, site.url("/hop0"))
        assert sum(site.hits.values()) - site.hits["/robots.txt"] == 4


def test_oversized_body_is_refused(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, max_page_bytes=100_000)
    with FaultSite() as site:
        site.route("/big", Reply(200, b"x" * 200_000))
        with pytest.raises(TooLargeError):
            fetch(settings, site.url("/big"))


def test_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, max_page_bytes=1_000_000)
    bomb = gzip.compress(b"\0" * 200_000_000, 9)
    assert len(bomb) < settings.max_page_bytes  # small on the wire, huge inflated
    with FaultSite() as site:
        site.route("/bomb", Reply(200, bomb, headers={"Content-Encoding": "gzip"}))
        with pytest.raises(TooLargeError, match="inflates"):
            fetch(settings, site.url("/bomb"))


def test_gzip_body_is_inflated(fast_settings: Settings) -> None:
    html = article_html().encode()
    with FaultSite() as site:
        site.route("/gz", Reply(200, gzip.compress(html), headers={"Content-Encoding": "gzip"}))
        result, _ = fetch(fast_settings, site.url("/gz"))
    assert result.content == html


def test_robots_disallow_blocks_without_fetching_and_is_cached(fast_settings: Settings) -> None:
    async def run(site: FaultSite) -> list[str]:
        outcomes = []
        async with Fetcher(fast_settings) as fetcher:
            for path in ("/private/a", "/private/b", "/public"):
                try:
                    await fetcher.fetch(site.url(path))
                    outcomes.append("ok")
                except BlockedError as error:
                    outcomes.append(error.reason)
        return outcomes

    with FaultSite() as site:
        site.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
        site.route("/private/a", Reply(200, b"secret"))
        site.route("/private/b", Reply(200, b"secret"))
        site.route("/public", Reply(200, b"fine"))
        outcomes = asyncio.run(run(site))
    assert outcomes == ["disallowed by robots.txt", "disallowed by robots.txt", "ok"]
    assert site.hits["/private/a"] == 0 and site.hits["/private/b"] == 0
    assert site.hits["/robots.txt"] == 1


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_an_oversized_robots_txt_is_read_up_to_500_kib(fast_settings: Settings, encoding: str) -> None:
    """RFC 9309: a robots.txt past the cap is parsed on its first 500 KiB, not treated as absent."""
    filler = b"".join(b"# padding line %08d of a robots.txt far too long to read whole\n" % n for n in range(220_000))
    tail = b"Disallow: /also-private\n"  # past the cap: never read
    robots = b"User-agent: *\nDisallow: /private\n" + filler + tail
    assert len(robots) > 13_000_000
    headers = {"Content-Encoding": "gzip"} if encoding == "gzip" else {}
    body = gzip.compress(robots, 1) if encoding == "gzip" else robots

    async def run(site: FaultSite) -> list[str]:
        outcomes = []
        async with Fetcher(fast_settings) as fetcher:
            for path in ("/private/a", "/public", "/also-private"):
                try:
                    await fetcher.fetch(site.url(path))
                    outcomes.append("ok")
                except BlockedError as error:
                    outcomes.append(error.reason)
        return outcomes

    with FaultSite() as site:
        site.route("/robots.txt", Reply(200, body, headers=headers, content_type="text/plain"))
        for path in ("/private/a", "/public", "/also-private"):
            site.route(path, Reply(200, b"page"))
        outcomes = asyncio.run(run(site))
    assert outcomes == ["disallowed by robots.txt", "ok", "ok"]
    assert site.hits["/private/a"] == 0 and site.hits["/robots.txt"] == 1


def test_robots_text_drops_a_line_cut_by_the_cap() -> None:
    content = b"User-agent: *\nDisallow: /private\n" + b"#" * (ROBOTS_MAX_BYTES - 40) + b"\nDisallow: /pri"
    content = content[:ROBOTS_MAX_BYTES]
    assert robots_text(content).endswith("#\n") and "/pri\n" not in robots_text(content)
    assert robots_text(b"Disallow: /a") == "Disallow: /a"  # a short file is whole


def test_crawl_delay_spaces_requests_to_one_host(fast_settings: Settings) -> None:
    async def run(site: FaultSite) -> None:
        async with Fetcher(fast_settings) as fetcher:
            await asyncio.gather(*(fetcher.fetch(site.url(f"/p{n}")) for n in range(4)))

    with FaultSite() as site:
        site.route("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 0.25\n", content_type="text/plain"))
        for n in range(4):
            site.route(f"/p{n}", Reply(200, b"page"))
        started = time.monotonic()
        asyncio.run(run(site))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.7  # four starts, three gaps of 0.25 s


def test_loopback_is_refused_without_allow_networks(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, allow_networks="")
    with FaultSite() as site:
        site.route("/page", Reply(200, b"x"))
        with pytest.raises(BlockedError, match="not public"):
            fetch(settings, site.url("/page"))
        assert sum(site.hits.values()) == 0


def test_redirect_into_a_refused_network_is_blocked(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, allow_networks="127.0.0.1/32")
    with FaultSite() as site, FaultSite("127.0.0.2") as inner:
        inner.route("/admin", Reply(200, b"internal"))
        site.route("/go", Reply(302, headers={"Location": inner.url("/admin")}))
        with pytest.raises(BlockedError):
            fetch(settings, site.url("/go"))
        assert site.hits["/go"] == 1
        assert sum(inner.hits.values()) == 0


def to_windows_1258(text: str) -> bytes:
    """Encode Vietnamese the way windows-1258 does: precomposed where the code page has it, else base + marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        for index in range(1, len(decomposed)):
            base = unicodedata.normalize("NFC", decomposed[:index] + decomposed[index + 1 :])
            try:
                out += base.encode("cp1258") + decomposed[index].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(char)
    return bytes(out)


def test_vietnamese_windows_1258_page_comes_out_right(fast_settings: Settings) -> None:
    title = "Hà Nội mưa lớn, nhiều tuyến phố ngập sâu"
    paragraph = "Người dân thủ đô vất vả di chuyển qua những con đường ngập nước sau trận mưa kéo dài nhiều giờ. "
    html = article_html(title=title, canonical="https://vi.example.com/ha-noi-mua-lon").replace(
        '<meta charset="utf-8">', '<meta charset="windows-1258">'
    )
    html = html.replace("<p>", f"<p>{paragraph * 2}", 3)
    with FaultSite() as site:
        site.route("/vn", Reply(200, to_windows_1258(html), content_type="text/html"))
        result, _ = fetch(fast_settings, site.url("/vn"))
    page = result.to_page()
    article = extract_article(page.content, url=page.final_url, content_type=page.content_type)
    assert unicodedata.normalize("NFC", article.title) == title
    assert "Người dân thủ đô" in article.body


def test_names_are_checked_after_resolution(tmp_path: Path) -> None:
    """``localhost`` is not an address literal: the guard must resolve it and refuse what it points to."""
    settings = crawl_settings(tmp_path, allow_networks="")
    with FaultSite() as site:
        site.route("/page", Reply(200, b"x"))
        with pytest.raises(BlockedError, match="not public"):
            fetch(settings, f"http://localhost:{site.port}/page")
        assert sum(site.hits.values()) == 0


def test_non_http_schemes_are_refused(fast_settings: Settings) -> None:
    with pytest.raises(BlockedError, match="http"):
        fetch(fast_settings, "file:///etc/passwd")


def test_retry_after_beyond_the_limit_fails_at_once(tmp_path: Path) -> None:
    settings = crawl_settings(tmp_path, fetch_max_retry_after=5)
    with FaultSite() as site:
        site.route("/limited", Reply(429, headers={"Retry-After": "3600"}))
        started = time.monotonic()
        with pytest.raises(FetchError, match="Retry-After 3600s is too long"):
            fetch(settings, site.url("/limited"))
        assert time.monotonic() - started < 2 and site.hits["/limited"] == 1


def test_utf8_page_mislabelled_as_latin1_comes_out_right(fast_settings: Settings) -> None:
    title = "Đà Nẵng đón khách quốc tế trở lại"
    html = article_html(title=title, canonical="https://vi.example.com/da-nang").encode("utf-8")
    with FaultSite() as site:
        site.route("/mislabelled", Reply(200, html, content_type="text/html; charset=iso-8859-1"))
        result, _ = fetch(fast_settings, site.url("/mislabelled"))
    assert result.content_type == "text/html; charset=iso-8859-1"
    article = extract_article(result.content, url=result.final_url, content_type=result.content_type)
    assert article.title == title


def _fetch_with_resolver(settings: Settings, url: str, resolve: Any) -> tuple[BaseException, Fetcher]:
    """Fetch ``url`` with the event loop's ``getaddrinfo`` replaced (DNS is outside the machine: the one part mocked);
    returns the error the fetch raised and the fetcher."""

    async def run() -> tuple[BaseException, Fetcher]:
        asyncio.get_running_loop().getaddrinfo = resolve  # type: ignore[method-assign]
        async with Fetcher(settings) as fetcher:
            try:
                await fetcher.fetch(url, obey_robots=False)
            except FetchError as error:
                return error, fetcher
        raise AssertionError(f"{url} was fetched")

    return asyncio.run(run())


def test_a_host_that_does_not_exist_fails_at_once_without_retries(tmp_path: Path) -> None:
    lookups: list[str] = []

    async def nxdomain(host: str, *args: object, **kwargs: object) -> list[object]:
        lookups.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    settings = crawl_settings(tmp_path, fetch_backoff_seconds=5.0)  # a retry would cost seconds
    started = time.monotonic()
    error, fetcher = _fetch_with_resolver(settings, "https://no-such-host.example/news/1", nxdomain)
    assert time.monotonic() - started < 4
    assert lookups == ["no-such-host.example"]
    assert "cannot resolve no-such-host.example: no such host" in str(error)
    assert "https://no-such-host.example/news/1" in str(error) and "attempts" not in str(error)
    assert fetcher.stats["retries"] == 0 and fetcher.stats["errors"] == 1


def test_a_resolver_that_fails_for_now_is_retried(fast_settings: Settings) -> None:
    """EAI_AGAIN (no answer from the resolver) may pass: it keeps the retries a timeout gets."""
    lookups: list[str] = []

    async def busy(host: str, *args: object, **kwargs: object) -> list[object]:
        lookups.append(host)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    error, fetcher = _fetch_with_resolver(fast_settings, "https://busy-resolver.example/news/1", busy)
    assert "cannot resolve busy-resolver.example" in str(error) and "attempts" in str(error)
    assert len(lookups) == fast_settings.fetch_retries + 1 and fetcher.stats["retries"] == fast_settings.fetch_retries
