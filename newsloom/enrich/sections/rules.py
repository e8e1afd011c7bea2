"""Placing an article by rules, in order of trust: the feed's mapping, the publisher's own section
(``article:section`` / JSON-LD ``articleSection``), its breadcrumb, then its URL path (``/the-gioi/`` = World,
``/kinh-doanh/`` = Business, ``/sport/`` = Sports). Each rule maps a publisher's word onto the scheme through the
scheme's aliases (``scheme.py``); a word the scheme does not know places nothing, so no URL slug ever becomes a
section. The text classifier (``classifier.py``) comes after these, for what they leave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import unquote, urlsplit

from newsloom.model import Article
from newsloom.section_scheme import fold

CONFIDENCE = {"feed": 1.0, "publisher": 0.95, "breadcrumb": 0.9, "url": 0.85}
_SPLIT = re.compile(r"\s*(?:[|>»/›,;:]|\s-\s|\s–\s)\s*")
_PATH_SKIP = frozenset(
    {
        "news",
        "tin",
        "tin-tuc",
        "article",
        "articles",
        "story",
        "stories",
        "amp",
        "en",
        "vi",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "sv",
        "pt",
        "www",
        "index",
        "html",
        "p",
        "a",
        "c",
    }
)


@dataclass(frozen=True, slots=True)
class Placement:
    slug: str
    rule: str
    confidence: float


def _candidates(text: str) -> list[str]:
    """The words of a publisher's section label worth looking up: the whole, its parts, then each word."""
    whole = text.strip()
    parts = [part for part in _SPLIT.split(whole) if part]
    if len(whole.split()) > 4:  # a headline, not a section label: its words name no section
        return [whole, *parts]
    words = [word for part in parts for word in re.findall(r"[^\W\d_]+", part)]
    pairs = [f"{first} {second}" for first, second in pairwise(words)]  # "chứng khoán"
    return [whole, *parts, *pairs, *(word for word in words if len(word) > 2)]


def map_label(text: str | None, aliases: dict[str, str]) -> str | None:
    """The scheme section a publisher's section label names, or None."""
    if not text:
        return None
    for candidate in _candidates(text):
        if (slug := aliases.get(fold(candidate))) is not None:
            return slug
    return None


def map_path(url: str | None, aliases: dict[str, str]) -> str | None:
    """The scheme section the URL's directories name (the last segment, the article's own slug, is left out)."""
    if not url or "://" not in url:
        return None
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    for segment in segments[:-1][:4]:
        if segment.lower() in _PATH_SKIP or segment.isdigit():
            continue
        if (slug := aliases.get(fold(segment))) is not None:
            return slug
    return None


def place_by_rules(article: Article, aliases: dict[str, str]) -> Placement | None:
    if slug := map_label(article.feed_section, aliases):
        return Placement(slug, "feed", CONFIDENCE["feed"])
    if slug := map_label(article.publisher_section, aliases):
        return Placement(slug, "publisher", CONFIDENCE["publisher"])
    for crumb in reversed(article.breadcrumbs):  # most specific first: "Thế giới > Châu Á" tries "Châu Á" first
        if slug := map_label(crumb, aliases):
            return Placement(slug, "breadcrumb", CONFIDENCE["breadcrumb"])
    if slug := map_path(article.canonical_url or article.url, aliases):
        return Placement(slug, "url", CONFIDENCE["url"])
    return None
