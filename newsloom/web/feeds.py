"""Syndication out: RSS 2.0, Atom and JSON Feed 1.1 for home, sections, tags and outlets; sitemap.xml (pages,
sections, the newest 1,000 articles); a Google News sitemap of the last 48 hours; and a sitemap index naming
those and the whole archive in id-range pages. XML is built with ElementTree, so every value is escaped.

What feed validators and readers expect: ``atom:link rel="self"`` on every feed, URIs percent-encoded (no raw
non-ASCII in ``link``/``guid``/``id``), authors (``dc:creator`` in RSS, ``author`` in Atom), a summary and the
full text (``content:encoded``, Atom ``content``), and the stored cover as enclosure / ``media:content``.
Feeds are marked for the page cache at the edge, so each is built and compressed once per store change.

RSS readers treat ``<description>`` as HTML, so a lead, which is plain text, is HTML-escaped before ElementTree
escapes it for XML. Only http(s) addresses of the original are published (``public_url``): never a local
``file:`` path.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape

from newsloom.model import UNDATED, Article, BlockKind, Media
from newsloom.web.editions import prefix_of
from newsloom.web.pictures import best_width, media_url, rendition_size
from newsloom.web.portal import CACHE_HEADER, Portal, article_path, public_base, public_url, valid_datetime

FEED_SIZE = 50
# Articles per page of the archive sitemaps (the protocol allows 50,000). A page is rebuilt, in a worker thread,
# when the store changes, and its cost grows with its length (reading the rows, and slugs for the addresses): a
# page is kept short enough that a large store's rebuild stays well under a second.
ARTICLES_PER_SITEMAP = 5_000
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
FEED_NAMES = {"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}
# Atom and sitemap documents are wholly in their namespace: it is their default one, given when each is written
# (``_xml``). ElementTree's prefix registry is process-wide and holds one default, so registering both there gave
# one of them ``ns0:``. RSS is namespace-less: its extension elements carry literal prefixes declared on <rss>.
ET.register_namespace("news", NEWS)
RSS_NAMESPACES = {"xmlns:atom": ATOM, "xmlns:content": CONTENT, "xmlns:dc": DC, "xmlns:media": MEDIA}

router = APIRouter()


def _portal(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def iri_to_uri(value: str) -> str:
    """Percent-encode what a URI may not hold raw (non-ASCII, spaces), keeping what is already encoded."""
    parts = urlsplit(value)
    host = parts.netloc
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        host = quote(host, safe=":@[]")
    return urlunsplit(
        (
            parts.scheme,
            host,
            quote(parts.path, safe="/%:@!$&'()*+,;="),
            quote(parts.query, safe="=&%:@!$'()*+,;/?"),
            quote(parts.fragment, safe="%:@!$&'()*+,;=/?"),
        )
    )


def _cached(body: bytes | str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={CACHE_HEADER: "0"})


def dated(article: Article) -> datetime | None:
    """When an article appeared: its publisher's date, else when newsloom first saw it; None when neither is known
    (an archive's undated page), which feeds and the news sitemap leave out rather than date to 1970."""
    if article.published is not None:
        return article.published
    if article.listed_at is not None and article.listed_at > UNDATED:
        return article.listed_at
    return None


def _when(article: Article) -> datetime:
    return dated(article) or datetime.now(UTC)


def _dated_only(articles: list[Article]) -> list[Article]:
    return [article for article in articles if dated(article) is not None]


def _authors(article: Article, portal: Portal) -> list[str]:
    if article.authors:
        return list(article.authors)
    outlets = portal.outlets_for([article])
    outlet = outlets.get(article.source_id or -1)
    return [outlet.name if outlet else article.site_name or portal.settings.site_name]


def content_html(article: Article, base: str, pictures: dict[str, Media]) -> str:
    """The article's full text as simple HTML for feed readers (every value escaped; stored pictures only)."""
    parts: list[str] = []
    for block in article.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            parts.append(f"<p>{escape(block.text)}</p>")
        elif block.kind == BlockKind.HEADING:
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == BlockKind.QUOTE:
            parts.append(f"<blockquote>{escape(block.text)}</blockquote>")
        elif block.kind in (BlockKind.LIST, BlockKind.TABLE):
            parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>")
        elif block.kind == BlockKind.IMAGE and block.image is not None:
            stored = pictures.get(block.image.url)
            if stored is not None and stored.ok:
                width = best_width(stored, "full")
                caption = escape(block.image.caption or "")
                parts.append(
                    f'<figure><img src="{base}{media_url(stored, width, "jpg" if stored.mime == "image/jpeg" else "png")}" '
                    f'alt="{escape(block.image.alt or block.image.caption or "")}">'
                    f"{f'<figcaption>{caption}</figcaption>' if caption else ''}</figure>"
                )
        elif block.kind == BlockKind.VIDEO and (video := public_url(block.url)):
            parts.append(f'<p><a href="{escape(iri_to_uri(video))}">Video</a></p>')
    original = public_url(article.url)  # never a saved page's local file: path
    if original:
        parts.append(f'<p>Source: <a href="{escape(iri_to_uri(original))}">{escape(original)}</a></p>')
    return "\n".join(parts)


class FeedItems:
    """What every feed format needs of its articles: URLs, authors, text and stored covers, looked up once."""

    def __init__(self, portal: Portal, request: Request, articles: list[Article]) -> None:
        self.portal = portal
        self.base = public_base(portal.settings, request)
        self.articles = _dated_only(articles)
        self.language = portal.edition(request)
        self.prefix = prefix_of(request.scope)
        self.latest = portal.gettext(request, "Latest news")
        self.covers = portal.covers_for(articles)
        urls = [block.image.url for a in articles for block in a.blocks if block.image is not None]
        self.pictures = portal.media.lookup(urls)

    def link(self, article: Article) -> str:
        return iri_to_uri(self.base + article_path(article))

    def cover(self, article: Article) -> tuple[str, str, int, int, int] | None:
        """URL, type, bytes, width and height of the cover's full-size fallback rendition, if stored."""
        stored = self.covers.get(article.id or -1)
        if stored is None:
            return None
        width = best_width(stored, "full")
        extension = "jpg" if stored.mime == "image/jpeg" else "png"
        name = media_url(stored, width, extension)
        size = self.portal.media_storage.size(name.removeprefix("/media/")) or 0
        shown = rendition_size(stored, width)
        return self.base + name, "image/jpeg" if extension == "jpg" else "image/png", size, shown[0], shown[1]

    def content(self, article: Article) -> str:
        return content_html(article, self.base, self.pictures)


def rss(items: FeedItems, title: str, path: str, self_path: str) -> ET.Element:
    portal, base = items.portal, items.base
    root = ET.Element("rss", version="2.0", attrib=RSS_NAMESPACES)
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = f"{title} · {portal.settings.site_name}"
    ET.SubElement(channel, "link").text = iri_to_uri(base + path)
    ET.SubElement(channel, "description").text = f"{items.latest}: {title}"
    ET.SubElement(channel, "language").text = items.language
    ET.SubElement(channel, "atom:link", href=iri_to_uri(base + self_path), rel="self", type="application/rss+xml")
    if items.articles:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(max(_when(a) for a in items.articles))
    for article in items.articles:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = items.link(article)
        ET.SubElement(item, "guid", isPermaLink="true").text = items.link(article)
        ET.SubElement(item, "pubDate").text = format_datetime(_when(article))
        for name in _authors(article, portal):
            ET.SubElement(item, "dc:creator").text = name
        # RSS readers take <description> as HTML: the plain-text lead is escaped, so "<script>" stays text.
        ET.SubElement(item, "description").text = html.escape(article.lead or article.title, quote=False)
        ET.SubElement(item, "content:encoded").text = items.content(article)
        if article.section:
            ET.SubElement(item, "category").text = portal.section_name(article.section) or article.section
        cover = items.cover(article)
        if cover is not None:
            url, kind, size, width, height = cover
            ET.SubElement(item, "enclosure", url=url, length=str(size), type=kind)
            ET.SubElement(item, "media:content", url=url, type=kind, medium="image", width=str(width),
                          height=str(height))  # fmt: skip
    return root


def atom(items: FeedItems, title: str, path: str, self_path: str) -> ET.Element:
    portal, base = items.portal, items.base
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": items.language})
    ET.SubElement(root, f"{{{ATOM}}}title").text = f"{title} · {portal.settings.site_name}"
    ET.SubElement(root, f"{{{ATOM}}}id").text = iri_to_uri(base + path)
    ET.SubElement(root, f"{{{ATOM}}}link", href=iri_to_uri(base + path), rel="alternate", type="text/html")
    ET.SubElement(root, f"{{{ATOM}}}link", href=iri_to_uri(base + self_path), rel="self",
                  type="application/atom+xml")  # fmt: skip
    updated = max((_when(a) for a in items.articles), default=datetime.now(UTC))
    ET.SubElement(root, f"{{{ATOM}}}updated").text = valid_datetime(updated)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = portal.settings.site_name
    for article in items.articles:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = items.link(article)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=items.link(article), rel="alternate", type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = valid_datetime(article.modified or _when(article))
        ET.SubElement(entry, f"{{{ATOM}}}published").text = valid_datetime(_when(article))
        for name in _authors(article, portal):
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.lead or article.title
        ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = items.content(article)
        cover = items.cover(article)
        if cover is not None:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="enclosure", href=cover[0], type=cover[1],
                          length=str(cover[2]))  # fmt: skip
    return root


def json_feed(items: FeedItems, title: str, path: str, self_path: str) -> dict[str, object]:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1): no nulls, every URL absolute."""
    portal, base = items.portal, items.base
    entries = []
    for article in items.articles:
        entry: dict[str, object] = {
            "id": items.link(article),
            "url": items.link(article),
            "title": article.title,
            "summary": article.lead or article.title,
            "content_html": items.content(article),
            "date_published": valid_datetime(_when(article)),
            "authors": [{"name": name} for name in _authors(article, portal)],
        }
        if public_url(article.url):
            entry["external_url"] = iri_to_uri(article.url)
        if article.modified:
            entry["date_modified"] = valid_datetime(article.modified)
        if article.tags:
            entry["tags"] = list(article.tags)
        if article.language:
            entry["language"] = article.language
        cover = items.cover(article)
        if cover is not None:
            entry["image"] = cover[0]
            entry["attachments"] = [{"url": cover[0], "mime_type": cover[1], "size_in_bytes": cover[2]}]
        entries.append(entry)
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{title} · {portal.settings.site_name}",
        "home_page_url": iri_to_uri(base + path),
        "feed_url": iri_to_uri(base + self_path),
        "description": f"{items.latest}: {title}",
        "language": items.language,
        "items": entries,
    }


def _feed(request: Request, kind: str, title: str, path: str, self_path: str, articles: list[Article]) -> Response:
    items = FeedItems(_portal(request), request, articles)
    if kind == "json":
        body = json.dumps(json_feed(items, title, path, self_path), ensure_ascii=False)
        return _cached(body, "application/feed+json")
    if kind == "atom":
        return _cached(_xml(atom(items, title, path, self_path), ATOM), "application/atom+xml")
    return _cached(_xml(rss(items, title, path, self_path)), "application/rss+xml")


def _xml(root: ET.Element, default_namespace: str | None = None) -> bytes:
    """The document as bytes, ``default_namespace``'s elements written unprefixed under a plain ``xmlns``.

    (ElementTree's own ``default_namespace`` option refuses the unqualified attributes every such document has.)"""
    if default_namespace is not None:
        qualified = f"{{{default_namespace}}}"
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.startswith(qualified):
                element.tag = element.tag[len(qualified) :]
        root.set("xmlns", default_namespace)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


@router.get("/feed.xml")
@router.get("/atom.xml")
@router.get("/feed.json")
def home_feed(request: Request) -> Response:
    portal = _portal(request)
    name = request.url.path.lstrip("/")
    prefix = prefix_of(request.scope)
    articles = portal.store.latest_articles(FEED_SIZE, edition=portal.edition(request))
    title = portal.gettext(request, "Latest news")
    return _feed(request, FEED_NAMES[name], title, prefix + "/", f"{prefix}/{name}", articles)


@router.get("/{kind}/{slug}/{name}")
def listing_feed(request: Request, kind: str, slug: str, name: str) -> Response:
    portal = _portal(request)
    if name not in FEED_NAMES or kind not in ("section", "tag", "outlet"):
        raise HTTPException(404, "No such page")
    edition, prefix = portal.edition(request), prefix_of(request.scope)
    if kind == "section":
        title = portal.queries.section_name(slug)
        articles = portal.store.latest_articles(FEED_SIZE, section=slug, edition=edition)
    elif kind == "tag":
        title = portal.queries.tag_name(slug)
        articles = portal.store.latest_articles(FEED_SIZE, tag=slug, edition=edition)
    else:
        outlet = portal.queries.outlet(slug)
        if outlet is None and (moved := portal.queries.outlet_moved_to(slug)):  # a subscription outlives a rename
            return RedirectResponse(f"{prefix_of(request.scope)}/outlet/{moved}/{name}", status_code=301)
        title = outlet.name if outlet else None
        articles = portal.store.latest_articles(FEED_SIZE, source_id=outlet.id, edition=edition) if outlet else []
    if title is None:
        raise HTTPException(404, "No such feed")
    path = f"{prefix}/{kind}/{slug}"
    return _feed(request, FEED_NAMES[name], title, path, f"{path}/{name}", articles)


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    portal = _portal(request)
    base = public_base(portal.settings, request)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in ("/", "/outlets"):
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc").text = iri_to_uri(base + path)
    for section in portal.queries.section_names():  # every section; its count is not needed here
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = iri_to_uri(f"{base}/section/{section.slug}")
    _article_urls(root, base, portal.store.latest_articles(1000, summaries=True))  # links and dates: no bodies
    return _cached(_xml(root, SITEMAP), "application/xml")


def _article_urls(root: ET.Element, base: str, articles: list[Article]) -> None:
    """A sitemap ``<url>`` per article: its page and the day it last changed."""
    site = iri_to_uri(base)  # encoded once: most slugs are ASCII (titles in scripts without folding keep theirs)
    for article in articles:
        path = article_path(article)
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = site + path if path.isascii() else iri_to_uri(base + path)
        changed = article.modified or dated(article)
        if changed is not None:  # an undated archive page has no day to give
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = changed.date().isoformat()


@router.get("/sitemap-index.xml")
def sitemap_index(request: Request) -> Response:
    """Every sitemap: the newest (``/sitemap.xml``), the news one, and the whole archive in id-range pages of
    ``ARTICLES_PER_SITEMAP`` (``/sitemap.xml`` alone names only the newest 1,000 articles)."""
    portal = _portal(request)
    base = public_base(portal.settings, request)
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    highest = portal.queries.sitemap_span() or 0
    pages = [f"/sitemaps/articles-{n}.xml" for n in range(highest // ARTICLES_PER_SITEMAP + 1)] if highest else []
    news = ["/news-sitemap.xml"] if _news_articles(portal) else []  # an empty news sitemap is left out
    changed = portal.queries.last_change()
    for path in ("/sitemap.xml", *news, *pages):
        entry = ET.SubElement(root, f"{{{SITEMAP}}}sitemap")
        ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = iri_to_uri(base + path)
        if changed is not None:
            ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = valid_datetime(changed)
    return _cached(_xml(root, SITEMAP), "application/xml")


@router.get("/sitemaps/articles-{page}.xml")
def article_sitemap(request: Request, page: int = Path(ge=0, le=10_000_000)) -> Response:
    """Articles ``page * ARTICLES_PER_SITEMAP`` up to the next page's first id; a page with no visible article is
    a 404 (a sitemap must list at least one URL)."""
    portal = _portal(request)
    base = public_base(portal.settings, request)
    first = page * ARTICLES_PER_SITEMAP
    articles = portal.queries.sitemap_articles(first, first + ARTICLES_PER_SITEMAP)
    if not articles:
        raise HTTPException(404, "No such sitemap")
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    _article_urls(root, base, articles)
    return _cached(_xml(root, SITEMAP), "application/xml")


@router.get("/news-sitemap.xml")
def news_sitemap(request: Request) -> Response:
    portal = _portal(request)
    base = public_base(portal.settings, request)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    articles = _news_articles(portal)
    if not articles:
        # The schema wants at least one <url>: the home page, with no news block, says "nothing new" validly.
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc").text = iri_to_uri(base + "/")
    for article in articles:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = iri_to_uri(base + article_path(article))
        news = ET.SubElement(url, f"{{{NEWS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS}}}publication")
        ET.SubElement(publication, f"{{{NEWS}}}name").text = portal.settings.site_name
        ET.SubElement(publication, f"{{{NEWS}}}language").text = article.language or "en"
        ET.SubElement(news, f"{{{NEWS}}}publication_date").text = valid_datetime(_when(article))
        ET.SubElement(news, f"{{{NEWS}}}title").text = article.title
    return _cached(_xml(root, SITEMAP), "application/xml")


def _news_articles(portal: Portal) -> list[Article]:
    """The last 48 hours' dated articles, the news sitemap's window."""
    return portal.queries.published_since(datetime.now(UTC) - timedelta(hours=48))
