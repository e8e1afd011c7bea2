"""Finding a site's entry points from its homepage: ``<link rel="alternate">`` feeds and robots.txt ``Sitemap:``.

Used by ``newsloom sources add URL``. Also reads what the homepage says about the publisher (site name, language,
icon). A homepage with neither feeds nor sitemaps is itself kept as a section page, so the source still yields
articles.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.decode import decode_html
from newsloom.fetch.fetcher import Fetcher
from newsloom.model import Feed, Source

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "jsonfeed",
    "application/json": "jsonfeed",
}


def _meta(document: lxml_html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for element in document.iter("meta"):
            if name in (element.get("property"), element.get("name")) and (content := element.get("content")):
                return content.strip()
    return None


def describe_homepage(content: bytes, url: str, content_type: str | None = None) -> tuple[Source, list[Feed]]:
    """Publisher details and the feeds linked from the homepage's head (text decoded as extraction does)."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    text, _ = decode_html(content, content_type)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input that declares an encoding
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return Source(name=host, homepage=url), []
    title = document.findtext(".//title")
    name = _meta(document, "og:site_name", "application-name") or (title.strip() if title else None) or host
    language = (document.get("lang") or "").split("-")[0].lower() or None
    logo = None
    feeds: list[Feed] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href")
        if not href:
            continue
        if "alternate" in rel and (kind := FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())):
            feeds.append(Feed(url=urljoin(url, href.strip()), kind=kind))
        elif logo is None and ("apple-touch-icon" in rel or "icon" in rel):
            logo = urljoin(url, href.strip())
    return Source(name=name, homepage=url, language=language, logo_url=logo), feeds


async def discover_source(fetcher: Fetcher, homepage: str) -> Source:
    """Fetch ``homepage`` and robots.txt; return the publisher with every entry point found."""
    result = await fetcher.fetch(homepage)
    source, feeds = describe_homepage(result.content, result.final_url, result.content_type)
    source.homepage = homepage
    robots = await fetcher.robots_for(result.final_url)
    sitemaps = list(robots.rules.sitemaps) if robots.rules is not None else []
    feeds.extend(Feed(url=url, kind="sitemap") for url in sitemaps)
    if not feeds:
        feeds.append(Feed(url=result.final_url, kind="section_page"))
    source.feeds = list({feed.url: feed for feed in feeds}.values())
    return source
