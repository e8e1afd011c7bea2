"""What search engines and link previews read: the canonical address (by the ``syndication`` setting),
NewsArticle JSON-LD and OpenGraph images. Built here, not in templates, so no value is ever an explicit null.

``syndication``: ``canonical`` (default) points ``rel=canonical`` at the publisher's original, since the portal
republishes its full text; ``noindex`` keeps the portal's copies out of indexes; ``self`` is for a portal that is
the publisher of record. A translation is a new work: it is canonical to itself, ``isBasedOn`` the original.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from newsloom.model import Article, Media
from newsloom.settings import Settings
from newsloom.store.portal_queries import Outlet
from newsloom.text import slugify
from newsloom.web.i18n import primary_language
from newsloom.web.pictures import best_width, media_url, rendition_size
from newsloom.web.portal import article_path, valid_datetime


def canonical_for(article: Article, settings: Settings, own: str) -> tuple[str, str | None]:
    """(canonical URL, robots meta or None) for an article page whose own address is ``own``."""
    original = article.url if article.url.startswith(("http://", "https://")) else None
    if article.translated_from is not None or original is None or settings.syndication == "self":
        return own, None
    if settings.syndication == "noindex":
        return own, "noindex, follow"
    return original, None


def portal_is_home(article: Article, settings: Settings) -> bool:
    """Whether the portal's page is the article's indexable, canonical home (``canonical_for`` gives it its own
    address and no robots rule): only such pages are in sitemaps and hreflang clusters, so no signal names a page
    that another signal sends elsewhere."""
    if settings.syndication == "self" or article.translated_from is not None:
        return True
    return settings.syndication == "canonical" and not article.url.startswith(("http://", "https://"))


def edition_path(article: Article, editions: Collection[str]) -> str:
    """An article's address in the edition of its own language (un-prefixed when no edition speaks it): one
    address per text, which its canonical, og:url, JSON-LD and sitemap entry all name."""
    language = primary_language(article.language)
    return (f"/{language}" if language in editions else "") + article_path(article)


def hreflang_paths(
    article: Article, family: list[Article], settings: Settings, editions: Collection[str]
) -> list[tuple[str, str]]:
    """``(hreflang, path)`` alternates of an article: per edition, the version written in or translated into its
    language, when that version is the portal's canonical home (``portal_is_home``); x-default is the original
    when it is one of them. None unless the article is a home itself and has another version: an untranslated
    article's page in another edition is not advertised as being in that edition's language."""
    if not portal_is_home(article, settings):
        return []
    versions: dict[str, Article] = {}
    for member in [article, *family]:
        code = primary_language(member.language)
        if code in editions and code not in versions and portal_is_home(member, settings):
            versions[code] = member
    if len(versions) < 2:
        return []
    found = [(code, edition_path(member, editions)) for code, member in versions.items()]
    original = next((m for m in versions.values() if m.translated_from is None), None)
    if original is not None:
        found.append(("x-default", edition_path(original, editions)))
    return found


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


def local_datetime(value: datetime | None, zone: ZoneInfo | None) -> str:
    """``valid_datetime`` with the offset of the time zone the page shows its times in (``timezone``)."""
    if value is None or zone is None:
        return valid_datetime(value)
    return valid_datetime((value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone))


def website_ld(site_name: str, home: str) -> dict[str, Any]:
    """The home page's WebSite with its SearchAction (a search box in results)."""
    return {
        "@context": "https://schema.org", "@type": "WebSite", "name": site_name, "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": home + "search?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }  # fmt: skip


def item_list_ld(name: str, urls: list[str]) -> dict[str, Any]:
    """A story page's reports as an ItemList, in the page's order."""
    return {
        "@context": "https://schema.org", "@type": "ItemList", "name": name, "numberOfItems": len(urls),
        "itemListElement": [{"@type": "ListItem", "position": n, "url": url} for n, url in enumerate(urls, 1)],
    }  # fmt: skip


def article_ld(
    article: Article, *, base: str, site_name: str, outlet: Outlet | None, outlet_logo: Media | None,
    section_name: str | None, pictures: dict[str, Media], page_url: str, zone: ZoneInfo | None = None,
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
        or [{"@type": "Organization", **{k: v for k, v in publisher.items() if k in ("name", "url")}}],
    }
    optional = {
        "description": article.lead,
        "datePublished": local_datetime(article.published, zone) or None,
        "dateModified": local_datetime(article.modified or article.published, zone) or None,
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
