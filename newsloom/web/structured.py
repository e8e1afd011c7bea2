"""What search engines and link previews read: the canonical address (by the ``syndication`` setting),
NewsArticle JSON-LD and OpenGraph images. Built here, not in templates, so no value is ever an explicit null.

``syndication``: ``canonical`` (default) points ``rel=canonical`` at the publisher's original, since the portal
republishes its full text; ``noindex`` keeps the portal's copies out of indexes; ``self`` is for a portal that is
the publisher of record. A translation is a new work: it is canonical to itself, ``isBasedOn`` the original.
"""

from __future__ import annotations

from typing import Any

from newsloom.model import Article, Media
from newsloom.settings import Settings
from newsloom.store.portal_queries import Outlet
from newsloom.text import slugify
from newsloom.web.pictures import best_width, media_url, rendition_size
from newsloom.web.portal import valid_datetime


def canonical_for(article: Article, settings: Settings, own: str) -> tuple[str, str | None]:
    """(canonical URL, robots meta or None) for an article page whose own address is ``own``."""
    original = article.url if article.url.startswith(("http://", "https://")) else None
    if article.translated_from is not None or original is None or settings.syndication == "self":
        return own, None
    if settings.syndication == "noindex":
        return own, "noindex, follow"
    return original, None


def image_object(media: Media, base: str, caption: str | None = None) -> dict[str, Any]:
    width = best_width(media, "full")
    shown = rendition_size(media, width)
    extension = "jpg" if media.mime == "image/jpeg" else "png"
    data: dict[str, Any] = {
        "@type": "ImageObject", "url": base + media_url(media, width, extension), "width": shown[0],
        "height": shown[1],
    }  # fmt: skip
    if caption:
        data["caption"] = caption
    return data


def article_ld(
    article: Article, *, base: str, site_name: str, outlet: Outlet | None, outlet_logo: Media | None,
    section_name: str | None, pictures: dict[str, Media], page_url: str,
) -> dict[str, Any]:  # fmt: skip
    publisher: dict[str, Any] = {
        "@type": "Organization",
        "name": outlet.name if outlet else article.site_name or site_name,
    }
    if outlet is not None:
        publisher["url"] = outlet.homepage
    if outlet_logo is not None:
        publisher["logo"] = image_object(outlet_logo, base)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "url": page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "publisher": publisher,
        "author": [
            {"@type": "Person", "name": name, "url": f"{base}/author/{slugify(name)}"} for name in article.authors
        ]
        or [{"@type": "Organization", "name": publisher["name"]}],
    }
    optional = {
        "description": article.lead,
        "datePublished": valid_datetime(article.published) or None,
        "dateModified": valid_datetime(article.modified or article.published) or None,
        "articleSection": section_name,
        "keywords": list(article.tags) or None,
        "inLanguage": article.language,
        "isBasedOn": article.url if article.url.startswith(("http://", "https://")) else None,
        "isAccessibleForFree": True,
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    images = []
    cover = article.cover_image
    urls = [cover.url] if cover else []
    urls += [b.image.url for b in article.blocks if b.image is not None]
    for url in dict.fromkeys(urls):
        stored = pictures.get(url)
        if stored is not None and stored.ok:
            images.append(image_object(stored, base))
    if images:
        data["image"] = images
    return data


def cover_image(article: Article, pictures: dict[str, Media], base: str) -> dict[str, Any] | None:
    """The cover as an ImageObject (absolute URL and size) for og:image, if stored."""
    cover = article.cover_image
    if cover is None:
        for block in article.blocks:
            if block.image is not None:
                cover = block.image
                break
    stored = pictures.get(cover.url) if cover else None
    if stored is None or not stored.ok:
        return None
    return image_object(stored, base)
