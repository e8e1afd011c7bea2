"""Pages as tests build them: a realistic article page, gzipped page directories, WARC archives, an outlet's pages
before and after a redesign; and the shared corpora, by path, skipped where absent."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPORA = SHARED / "corpora"


def corpus(name: str) -> Path:
    """Path of a shared corpus; skips the test where it is absent."""
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"corpus {name} not available at {path}")
    return path


def article_html(
    title: str = "Storm hits the coast",
    paragraphs: int = 5,
    canonical: str | None = "https://news.example.com/world/storm-hits-the-coast",
    extra_head: str = "",
    body_prefix: str = "",
) -> str:
    """A small, realistic article page: meta tags, chrome around an <article>."""
    text = " ".join(
        [
            "The storm reached the coast early on Tuesday, bringing heavy rain and strong winds to several towns.",
            "Officials said emergency crews were working through the night to restore power to thousands of homes.",
        ]
    )
    body = "\n".join(
        f"<p>{text} Paragraph {index} adds its own detail about the damage.</p>" for index in range(paragraphs)
    )
    canonical_link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
{canonical_link}
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example News">
<meta name="description" content="A storm brought rain and wind to the coast.">
<meta property="article:published_time" content="2024-10-26T07:24:43+07:00">
{extra_head}
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>{body_prefix}{body}</article>
<footer>Copyright Example News</footer>
</body></html>"""


def make_pages(directory: Path, count: int) -> None:
    """``count`` gzipped storm reports, one story's worth, each with its own canonical URL."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        html = article_html(title=f"Storm report number {number}", canonical=f"https://news.example.com/storm-{number}")
        (directory / f"page-{number:04d}.html.gz").write_bytes(gzip.compress(html.encode()))


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]], gzip: bool = True) -> None:
    """records: (url, status, content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for url, status, content_type, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            writer.write_record(record)


START = datetime(2026, 11, 1, 9, tzinfo=UTC)
DATE_MARKUP = '<meta property="article:published_time" content="2024-10-26T07:24:43+07:00">'
BYLINE_MARKUP = '<meta name="author" content="Jane Roe">'


def outlet_page(host: str, number: int, redesigned: bool = False) -> bytes:
    """One article page of ``host``: byline, date, deck, cover; a redesign loses the date and byline markup."""
    html = article_html(
        title=f"Harbour report number {number} from the coast",
        canonical=f"https://{host}/news/harbour-{number}",
        extra_head=f'{BYLINE_MARKUP}<meta property="og:image" content="https://{host}/img/{number}.jpg">',
    )
    assert DATE_MARKUP in html
    if redesigned:
        html = html.replace(DATE_MARKUP, "").replace(BYLINE_MARKUP, "")
    return html.encode()


def feed(store: Any, host: str, days: range, per_day: int, redesigned: bool = False) -> None:
    """``per_day`` pages of ``host`` a day through the real pipeline into ``store``, one day after another."""
    from newsloom.model import FetchedPage
    from newsloom.pipeline import Outcome, process_page

    for day in days:
        for index in range(per_day):
            number = day * 100 + index
            page = FetchedPage(
                outlet_page(host, number, redesigned),
                origin=f"{host}-{number}",
                url=f"https://{host}/news/harbour-{number}",
                fetched_at=START + timedelta(days=day),
            )
            assert process_page(page, store).outcome == Outcome.NEW
