"""WARC import on archives the tests write with warcio."""

from __future__ import annotations

from pathlib import Path

from newsloom.fetch.warc import iter_warc_pages
from newsloom.model import FetchedPage, LoadFailure
from tests.conftest import article_html
from tests.support.pages import write_warc


def test_html_responses_become_pages(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    write_warc(
        archive,
        [
            ("https://news.example.com/a", "200 OK", "text/html; charset=utf-8", article_html().encode()),
            ("https://news.example.com/logo.png", "200 OK", "image/png", b"\x89PNG"),
            ("https://news.example.com/gone", "404 Not Found", "text/html", b"<html>gone</html>"),
        ],
    )
    pages = list(iter_warc_pages(archive))
    assert len(pages) == 1
    page = pages[0]
    assert isinstance(page, FetchedPage)
    assert page.url == "https://news.example.com/a"
    assert page.content_type == "text/html; charset=utf-8"
    assert page.fetched_at is not None
    assert page.origin.startswith(str(archive) + "#")


def test_truncated_warc_keeps_records_before_the_cut(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    body = article_html().encode()
    write_warc(archive, [(f"https://news.example.com/{n}", "200 OK", "text/html", body) for n in range(3)])
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * 0.8)])
    results = list(iter_warc_pages(archive))
    assert sum(isinstance(r, FetchedPage) for r in results) == 2
    assert isinstance(results[-1], LoadFailure)
    assert "WARC" in results[-1].reason


def test_uncompressed_warc(tmp_path: Path) -> None:
    archive = tmp_path / "plain.warc"
    write_warc(archive, [("https://news.example.com/p", "200 OK", "text/html", b"<html>x</html>")], gzip=False)
    assert [p.url for p in iter_warc_pages(archive) if isinstance(p, FetchedPage)] == ["https://news.example.com/p"]
