"""Syndication out: RSS 2.0 and Atom for home, sections, tags and outlets; sitemap.xml; a Google News sitemap of
the last 48 hours. XML is built with ElementTree, so every value is escaped.

RSS readers treat ``<description>`` as HTML (the spec calls it "entity-encoded HTML"), so a lead, which is plain
text, is HTML-escaped before ElementTree escapes it for XML: ``<script>`` in a lead reaches the reader as text.
Only http(s) addresses of the original are published (``public_url``): never a local ``file:`` path.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from newsloom.model import Article
from newsloom.web.portal import Portal, article_path, public_url

FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"

router = APIRouter()


def _portal(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def _xml(root: ET.Element, media_type: str, etag: str | None = None) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    headers = {"ETag": etag} if etag else {}
    return Response(body, media_type=media_type, headers=headers)


def _when(article: Article) -> datetime:
    return article.published or article.listed_at or datetime.now(UTC)


def rss(portal: Portal, title: str, path: str, articles: list[Article]) -> ET.Element:
    base = portal.settings.base_url.rstrip("/")
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = f"{title} · {portal.settings.site_name}"
    ET.SubElement(channel, "link").text = base + path
    ET.SubElement(channel, "description").text = f"Latest articles: {title}"
    for article in articles:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = base + article_path(article)
        ET.SubElement(item, "guid", isPermaLink="true").text = base + article_path(article)
        ET.SubElement(item, "pubDate").text = format_datetime(_when(article))
        if article.lead:
            ET.SubElement(item, "description").text = html.escape(article.lead, quote=False)
        if article.section:
            ET.SubElement(item, "category").text = article.section
        if source := public_url(article.url):
            ET.SubElement(item, "source", url=source).text = article.site_name or source
    return root


def atom(portal: Portal, title: str, path: str, articles: list[Article]) -> ET.Element:
    base = portal.settings.base_url.rstrip("/")
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}title").text = f"{title} · {portal.settings.site_name}"
    ET.SubElement(root, f"{{{ATOM}}}id").text = base + path
    ET.SubElement(root, f"{{{ATOM}}}link", href=base + path, rel="alternate")
    updated = max((_when(a) for a in articles), default=datetime.now(UTC))
    ET.SubElement(root, f"{{{ATOM}}}updated").text = updated.isoformat()
    for article in articles:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = base + article_path(article)
        ET.SubElement(entry, f"{{{ATOM}}}link", href=base + article_path(article), rel="alternate")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(article).isoformat()
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = ", ".join(article.authors) or article.site_name or "unknown"
        if article.lead:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.lead
    return root


def _feed(request: Request, kind: str, title: str, path: str, articles: list[Article], *key: object) -> Response:
    portal = _portal(request)
    etag, not_modified = portal.cached(request, "feed", kind, path, *key)
    if not_modified:
        return not_modified
    if kind == "atom":
        return _xml(atom(portal, title, path, articles), "application/atom+xml", etag)
    return _xml(rss(portal, title, path, articles), "application/rss+xml", etag)


@router.get("/feed.xml")
def home_rss(request: Request) -> Response:
    return _feed(request, "rss", "Latest news", "/", _portal(request).store.latest_articles(FEED_SIZE))


@router.get("/atom.xml")
def home_atom(request: Request) -> Response:
    return _feed(request, "atom", "Latest news", "/", _portal(request).store.latest_articles(FEED_SIZE))


@router.get("/{kind}/{slug}/{name}")
def listing_feed(request: Request, kind: str, slug: str, name: str) -> Response:
    portal = _portal(request)
    if name not in ("feed.xml", "atom.xml") or kind not in ("section", "tag", "outlet"):
        raise HTTPException(404, "No such feed")
    if kind == "section":
        title, articles = portal.queries.section_name(slug), portal.store.latest_articles(FEED_SIZE, section=slug)
    elif kind == "tag":
        title, articles = portal.queries.tag_name(slug), portal.store.latest_articles(FEED_SIZE, tag=slug)
    else:
        outlet = portal.queries.outlet(slug)
        title = outlet.name if outlet else None
        articles = portal.store.latest_articles(FEED_SIZE, source_id=outlet.id) if outlet else []
    if title is None:
        raise HTTPException(404, "No such feed")
    return _feed(request, "atom" if name == "atom.xml" else "rss", title, f"/{kind}/{slug}", articles)


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    portal = _portal(request)
    base = portal.settings.base_url.rstrip("/")
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in ("/", "/outlets"):
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc").text = base + path
    for section in portal.queries.sections():
        ET.SubElement(
            ET.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc"
        ).text = f"{base}/section/{section.slug}"
    for article in portal.store.latest_articles(1000):
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = base + article_path(article)
        ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = _when(article).date().isoformat()
    return _xml(root, "application/xml")


@router.get("/news-sitemap.xml")
def news_sitemap(request: Request) -> Response:
    portal = _portal(request)
    base = portal.settings.base_url.rstrip("/")
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("news", NEWS)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for article in portal.queries.published_since(datetime.now(UTC) - timedelta(hours=48)):
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = base + article_path(article)
        news = ET.SubElement(url, f"{{{NEWS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS}}}publication")
        ET.SubElement(publication, f"{{{NEWS}}}name").text = portal.settings.site_name
        ET.SubElement(publication, f"{{{NEWS}}}language").text = article.language or "en"
        ET.SubElement(news, f"{{{NEWS}}}publication_date").text = _when(article).isoformat()
        ET.SubElement(news, f"{{{NEWS}}}title").text = article.title
    return _xml(root, "application/xml")
