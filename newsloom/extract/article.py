"""Article extraction on trafilatura, with our model's fields filled from its metadata."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html

from newsloom.errors import ExtractError, NotAnArticle
from newsloom.extract.blocks import blocks_from_tree
from newsloom.extract.decode import decode_html
from newsloom.model import Article, BlockKind, Image
from newsloom.urls import canonicalize_url

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_BODY_CHARS = 200


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<" in head and any(
        marker in head for marker in ("<html", "<!doctype", "<head", "<body", "<div", "<p", "<meta")
    )


@dataclass(slots=True)
class PageMeta:
    canonical: str | None = None
    published: str | None = None
    modified: str | None = None


_PUBLISHED_XPATHS = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//meta[@name="pubdate" or @name="publishdate" or @name="date"]/@content',
)
_MODIFIED_XPATHS = (
    '//meta[@property="article:modified_time"]/@content',
    '//meta[@itemprop="dateModified"]/@content',
)


def _first(tree: lxml_html.HtmlElement, xpaths: tuple[str, ...]) -> str | None:
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            if value := str(value).strip():
                return value
    return None


def _page_meta(text: str, url: str | None) -> PageMeta:
    """Canonical URL and exact timestamps from the page head (trafilatura keeps dates to the day)."""
    try:
        tree = lxml_html.fromstring(text[:500_000])
    except (ValueError, lxml_html.etree.ParserError):  # type: ignore[attr-defined]
        return PageMeta()
    meta = PageMeta(published=_first(tree, _PUBLISHED_XPATHS), modified=_first(tree, _MODIFIED_XPATHS))
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            value = str(value).strip()
            if value.startswith(("http://", "https://")):
                meta.canonical = value
            elif value.startswith("/") and url:
                meta.canonical = urljoin(url, value)
            if meta.canonical:
                return meta
    return meta


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def extract_article(data: bytes | str, url: str | None = None, content_type: str | None = None) -> Article:
    """Extract one article; raises ``NotAnArticle``/``ExtractError`` with a reason for anything else."""
    where = url
    if isinstance(data, bytes):
        if not data.strip():
            raise NotAnArticle("empty page", where)
        if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ExtractError("binary data, not HTML", where)
        text, _encoding = decode_html(data, content_type)
    else:
        text = data
    if not text.strip():
        raise NotAnArticle("empty page", where)
    if not _looks_like_html(text):
        raise ExtractError("not HTML", where)
    meta = _page_meta(text, url)
    canonical = meta.canonical
    try:
        document = trafilatura.bare_extraction(
            text,
            url=url,
            include_comments=False,
            include_images=True,
            include_tables=True,
            with_metadata=True,
        )
    except Exception as error:  # trafilatura raises a variety of parser errors on hostile input
        raise ExtractError(f"extractor failed: {type(error).__name__}", where) from error
    if document is None or not getattr(document, "text", None):
        raise NotAnArticle("no article text found", where)
    blocks = blocks_from_tree(document.body)
    body_chars = sum(len(block.plain_text()) for block in blocks)
    if body_chars < MIN_BODY_CHARS:
        raise NotAnArticle(f"too short ({body_chars} characters of text)", where)
    title = (document.title or "").strip()
    if blocks and blocks[0].kind == BlockKind.HEADING and blocks[0].text == title:
        blocks = blocks[1:]
    page_url = url or canonical or document.url or ""
    images = [block.image for block in blocks if block.image is not None]
    if document.image and all(image.url != document.image for image in images):
        images.insert(0, Image(url=urljoin(page_url, document.image), is_cover=True))
    elif images:
        images[0].is_cover = True
    return Article(
        url=page_url,
        canonical_url=canonicalize_url(canonical or document.url or page_url),
        title=title or "(untitled)",
        lead=(document.description or "").strip() or None,
        authors=[name.strip() for name in (document.author or "").split(";") if name.strip()],
        published=_parse_date(meta.published) or _parse_date(document.date),
        modified=_parse_date(meta.modified),
        language=document.language,
        site_name=document.sitename,
        section=(document.categories or [None])[0],
        tags=[tag.strip() for raw in document.tags or [] for tag in raw.split(",") if tag.strip()],
        blocks=blocks,
        images=images,
    )
