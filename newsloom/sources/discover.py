"""Finding a site's entry points from its homepage: ``<link rel="alternate">`` feeds and robots.txt ``Sitemap:``.

Used by ``newsloom sources add URL``. Also reads what the homepage says about the publisher (site name, language,
icon). A URL that serves a feed or a sitemap itself is taken as that entry point. A page with neither feeds nor
sitemaps is refused with the reason: following a page's links (a "section page") is only done when asked, since a
mistyped URL would otherwise become a source that yields nothing useful.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from newsloom.errors import FetchError, InputError
from newsloom.extract.decode import decode_html
from newsloom.fetch.fetcher import Fetcher
from newsloom.model import Feed, Source
from newsloom.sources.listing import SECTION_KIND, parse_listing

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
                return str(content).strip()
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


async def discover_source(fetcher: Fetcher, url: str, as_kind: str | None = None) -> Source:
    """Fetch ``url`` (and its site's robots.txt); return the publisher with every entry point found.

    ``url`` may be a homepage (its linked feeds and robots.txt sitemaps are taken) or a feed or sitemap itself.
    ``as_kind`` takes ``url`` itself as an entry point of that kind (``section_page``: follow its links).
    Raises ``InputError`` when nothing can be followed and no kind was given.
    """
    result = await fetcher.fetch(url)
    html = "html" in (result.content_type or "").lower() or (
        result.content.lstrip()[:1] == b"<"
        and (b"<html" in result.content[:2048].lower() or b"<!doctype html" in result.content[:2048].lower())
    )
    listing_kind = None if html or as_kind else _listing_kind(result.content, result.final_url)
    if html:
        source, feeds = describe_homepage(result.content, result.final_url, result.content_type)
    else:
        host = (urlsplit(result.final_url).hostname or url).removeprefix("www.")
        source, feeds = Source(name=host, homepage=f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"), []
    if as_kind or listing_kind:
        source.feeds = [Feed(url=result.final_url, kind=as_kind or listing_kind or SECTION_KIND)]
        return source
    source.homepage = url
    robots = await fetcher.robots_for(result.final_url)
    sitemaps = list(robots.rules.sitemaps) if robots.rules is not None else []
    feeds.extend(Feed(url=found, kind="sitemap") for found in sitemaps)
    if not feeds:
        what = "page" if html else f"{result.content_type or 'unknown'} document"
        raise InputError(
            f"found no feed (<link rel=alternate>) and no sitemap (robots.txt) for this {what}; to follow the "
            "page's own links, add it with --as section_page",
            url,
        )
    source.feeds = list({feed.url: feed for feed in feeds}.values())
    return source


def _listing_kind(content: bytes, url: str) -> str | None:
    """The kind of feed or sitemap ``content`` is, or None if it is neither."""
    try:
        listing = parse_listing(content, url)
    except FetchError:
        return None
    return listing.kind
