"""Entry points to article URLs: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed 1.x (read here: feedparser 6.0
does not know it), XML sitemaps, sitemap indexes and Google News sitemaps (lxml), and plain section pages (links
that look like articles).

Each entry carries a ``marker``: what the listing says about the article's version (an entry's updated date, a
sitemap ``lastmod``), normalised to ``YYYY-MM-DDTHH:MM:SSZ`` so markers from different listings compare as
strings. The crawl loop fetches a known URL again only when its marker is newer than the one it recorded (newer,
not different: a feed's publication date and a sitemap's lastmod for the same URL must not flip-flop). Malformed input that
yields nothing raises ``FetchError`` with the parser's complaint, so the feed is marked unhealthy with a reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from urllib.parse import urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from newsloom.errors import FetchError
from newsloom.extract.tree import TreeElement
from newsloom.fetch.inflate import BoundedInflater
from newsloom.urls import host_of, join_url, strip_userinfo

FEED_KINDS = ("rss", "atom", "jsonfeed")
SITEMAP_KINDS = ("sitemap", "news_sitemap")
SECTION_KIND = "section_page"
MAX_LISTING_BYTES = 50_000_000
_SITEMAP_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?(urlset|sitemapindex)\b", re.DOTALL)
_STATIC_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".css", ".js", ".pdf", ".xml", ".rss", ".zip")


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    marker: str | None = None
    title: str | None = None
    published: datetime | None = None


@dataclass(slots=True)
class Listing:
    kind: str
    entries: list[Entry] = field(default_factory=list)
    child_sitemaps: list[Entry] = field(default_factory=list)  # from a sitemap index, newest first


def parse_listing(content: bytes, url: str, kind: str | None = None) -> Listing:
    """Parse whatever ``url`` served; the declared ``kind`` only matters for section pages (HTML)."""
    if content[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served as a file, not as Content-Encoding
        inflater = BoundedInflater("gzip", MAX_LISTING_BYTES, url)
        content = inflater.feed(content) + inflater.finish()
    if _SITEMAP_ROOT.match(content[:4096]):
        return parse_sitemap(content, url)
    if kind == SECTION_KIND:
        return parse_section_page(content, url)
    if content.lstrip()[:1] == b"{":
        return parse_json_feed(content, url)
    return parse_feed(content, url)


def item_url(base: str, link: str) -> str:
    """A listed link made absolute, without credentials: ``user:pass@`` in an item's link is neither sent with
    its fetch, nor part of its key, nor shown (it made a second copy of the article and was published)."""
    return strip_userinfo(join_url(base, link))


def parse_json_feed(content: bytes, url: str) -> Listing:
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FetchError(f"malformed JSON Feed: {error}", url) from error
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FetchError("JSON that is not a JSON Feed", url)
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if isinstance(link, str) and link:
            published = _parse_date(item.get("date_published"))
            marker = marker_of(_parse_date(item.get("date_modified")) or published)
            entries.append(Entry(item_url(url, link), marker, item.get("title"), published))
    return Listing("jsonfeed", entries)


def parse_feed(content: bytes, url: str) -> Listing:
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    kind = "atom" if version.startswith("atom") else "rss"
    entries = []
    for item in parsed.entries:
        link = item.get("link") or item.get("id")
        if not link or not str(link).startswith(("http://", "https://", "/")):
            continue
        published = _from_struct(item.get("published_parsed"))
        # Asking feedparser for a missing "updated" warns (it maps it to "published"): look in the dict itself.
        updated = _from_struct(dict.get(item, "updated_parsed")) or published
        entries.append(Entry(item_url(url, str(link)), marker_of(updated), item.get("title"), published))
    if not entries and parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        raise FetchError(f"malformed feed: {problem}", url)
    if not entries and not version:
        raise FetchError("not a feed or sitemap (no entries found)", url)
    return Listing(kind, entries)


def marker_of(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def _from_struct(value: struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: TreeElement, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_sitemap(content: bytes, url: str) -> Listing:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise FetchError(f"malformed sitemap: {error}", url) from error
    if root is None:
        raise FetchError("malformed sitemap: no root element", url)
    if _local(root.tag) == "sitemapindex":
        children = [
            Entry(item_url(url, loc), marker_of(_parse_date(_child_text(node, "lastmod"))))
            for node in root
            if _local(node.tag) == "sitemap" and (loc := _child_text(node, "loc"))
        ]
        children.sort(key=lambda entry: entry.marker or "", reverse=True)
        return Listing("sitemap", child_sitemaps=children)
    entries = []
    is_news = False
    for node in root:
        if _local(node.tag) != "url" or not (loc := _child_text(node, "loc")):
            continue
        lastmod = _parse_date(_child_text(node, "lastmod"))
        title = published = None
        for child in node:
            if _local(child.tag) == "news":
                is_news = True
                title = _child_text(child, "title")
                published = _parse_date(_child_text(child, "publication_date"))
        entries.append(Entry(item_url(url, loc), marker_of(lastmod or published), title, published))
    return Listing("news_sitemap" if is_news else "sitemap", entries)


def looks_like_article(link: str, host: str) -> bool:
    """Section pages link to everything; keep same-site links whose last path segment reads like a slug or id."""
    try:
        parts = urlsplit(link)
        hostname = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or (hostname or "").lower() != host:
        return False
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1].lower()
    if last.endswith(_STATIC_SUFFIXES):
        return False
    return (last.count("-") >= 2 and len(last) >= 15) or bool(re.search(r"\d{5,}", last))


def parse_section_page(content: bytes, url: str) -> Listing:
    try:
        document = lxml_html.document_fromstring(content)
    except (etree.ParserError, ValueError) as error:
        raise FetchError(f"unreadable section page: {error}", url) from error
    host = host_of(url)
    seen: dict[str, Entry] = {}
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        link = item_url(url, href.strip()).split("#", 1)[0]
        if link not in seen and looks_like_article(link, host):
            title = " ".join(anchor.text_content().split()) or None
            seen[link] = Entry(link, None, title)
    return Listing(SECTION_KIND, list(seen.values()))
