"""The cover picture as the article shows it, not as social networks are sent it.

``og:image`` names the lead picture but is usually a rendition made for sharing (a 1200×630 crop, a URL of an
image proxy, sometimes with a logo burnt in). The page itself shows the same picture through ``<img srcset>`` or
``<picture><source>`` renditions, and those are the ones a portal should show. The two URLs rarely share more than
the picture's identity: a file name, a hash or a numeric id somewhere in path or query. So the cover is the page
image that shares the rarest such token with the social image, at its widest rendition; the social image itself
only when no page image matches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

from newsloom.extract.attribution import split_caption_credit
from newsloom.extract.figures import (
    LAZY_ATTRIBUTES,
    Candidate,
    best_source,
    caption_beside,
    image_sources,
    parse_srcset,
)
from newsloom.text import normalize_space

_SEPARATORS = re.compile(r"[/_\-.,=&?:%+;!~| ]+")
# A file name's rendition suffix: WordPress' "-768x512" and "-e1715708581580" (an edited copy), "_w1080_h608".
_STEM_SUFFIX = re.compile(r"([-_](\d+x\d+|e\d{10,}|[wh]\d+))+$", re.IGNORECASE)
_DIMENSIONS = re.compile(r"(\d{2,4})x(\d{2,4})")
# Sizes, crops and quality settings: they differ between renditions of one picture.
_RENDITION = re.compile(r"^(\d+x\d+|[whsqcr]?\d{1,5}|\d{1,5}[wh]|w\d+h\d+)$", re.IGNORECASE)
# Words every picture of a site shares.
_COMMON = frozenset(
    {
        "uploads",
        "upload",
        "content",
        "images",
        "image",
        "assets",
        "static",
        "public",
        "photos",
        "picture",
        "thumbs",
        "thumbnail",
        "default",
        "styles",
        "format",
        "quality",
        "resize",
        "strip",
        "scaled",
        "original",
        "webp",
        "jpeg",
        "width",
        "height",
        "crops",
        "articles",
        "stories",
        "smart",
    }
)
MIN_TOKEN = 6


@dataclass(slots=True)
class PageImage:
    element: lxml_html.HtmlElement
    renditions: list[str]
    best: str
    size: float = 0.0  # widest known rendition: a tie-break between a thumbnail and the hero of one picture
    shown_by: list[lxml_html.HtmlElement] = field(default_factory=list)  # every <img> of the page showing it


def _size(candidates: list[Candidate], element: lxml_html.HtmlElement) -> float:
    size = max((candidate.width or 0 for candidate in candidates), default=0)
    if not size and (width := element.get("width") or "").isdigit():
        size = int(width)
    if not size:
        for candidate in candidates:
            if match := _DIMENSIONS.search(candidate.url):
                size = max(size, int(match.group(1)))
    return float(size)


def _page_image(
    element: lxml_html.HtmlElement, candidates: list[Candidate], default: str | None, base_url: str | None
) -> PageImage | None:
    if not candidates:
        return None
    widest = max(candidates, key=lambda candidate: candidate.rank)
    best = _absolute(widest.url, base_url) if widest.rank else default
    renditions = list(dict.fromkeys(_absolute(candidate.url, base_url) for candidate in candidates))
    return PageImage(element, renditions, best or renditions[0], _size(candidates, element))


def identity_tokens(url: str) -> set[str]:
    """Parts of an image URL that name the picture rather than one rendition of it: long words, ids and hashes,
    and the file name without its rendition suffix ("IMG_0234" of "IMG_0234-585x439.jpg")."""
    parts = urlsplit(url)
    text = unquote(unquote(f"{parts.path}?{parts.query}"))
    tokens = {
        token.casefold()
        for token in _SEPARATORS.split(text)
        if len(token) >= MIN_TOKEN and not _RENDITION.match(token) and token.casefold() not in _COMMON
    }
    stem = _STEM_SUFFIX.sub("", unquote(parts.path).rsplit("/", 1)[-1].rsplit(".", 1)[0])
    if len(stem) >= MIN_TOKEN - 1 and stem.casefold() not in _COMMON:
        tokens.add(f"file:{stem.casefold()}")
    return tokens


def _absolute(url: str, base_url: str | None) -> str:
    return urljoin(base_url, url) if base_url else url


def _sources(element: lxml_html.HtmlElement) -> list[str]:
    """The raw attribute values an image may load from (``src``, lazy attributes, srcsets, ``<picture>``)."""
    if element.tag == "link":
        return [element.get("imagesrcset") or element.get("href") or ""]
    values = [element.get(attribute) or "" for attribute in ("src", "srcset", *LAZY_ATTRIBUTES)]
    # libxml2 does not know <source> is empty and may nest the <img> inside it: look up to the <picture>.
    picture = next((a for _, a in zip(range(3), element.iterancestors(), strict=False) if a.tag == "picture"), None)
    if picture is not None:
        for source in picture.iter("source"):
            values += [source.get("srcset") or "", source.get("data-srcset") or ""]
    return [value for value in values if value and not value.startswith("data:")]


def _image_elements(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Every ``<img>``, plus images the page asks the browser to preload: that is how many sites announce their
    hero picture."""
    return [*tree.xpath("//head/link[@rel='preload'][@as='image']"), *tree.iter("img")]


def page_image(element: lxml_html.HtmlElement, base_url: str | None) -> PageImage | None:
    """One image with all the URLs it may load and its widest one."""
    if element.tag == "link":
        candidates = parse_srcset(element.get("imagesrcset") or "") or [Candidate(element.get("href") or "")]
        return _page_image(element, [c for c in candidates if c.url], None, base_url)
    candidates = [Candidate(url) for url in image_sources(element)]
    for value in _sources(element):
        if " " in value.strip() or "," in value:
            candidates += parse_srcset(value)
    default = best_source(element, base_url)
    return _page_image(element, candidates, default[0] if default else None, base_url)


def _searchable(text: str) -> str:
    return unquote(unquote(text)).casefold()


def find_cover(tree: lxml_html.HtmlElement, social_image: str | None, base_url: str | None) -> PageImage | None:
    """The page image showing the same picture as ``social_image``, or ``None``.

    Matching is by substring over each image's raw sources (cheap: pages carry hundreds of images and most
    share nothing with the social one); a token counts when few images hold it.
    """
    if not social_image:
        return None
    wanted = [token.removeprefix("file:") for token in identity_tokens(social_image)]
    if not wanted:
        return None
    elements = _image_elements(tree)
    present = []
    for element in elements:
        text = _searchable(" ".join(_sources(element)))
        present.append({token for token in wanted if token in text})
    spread = Counter(token for tokens in present for token in tokens)
    rare = max(2, len(elements) // 2)  # one picture is often shown twice (thumbnail and hero)
    best, best_score = None, 0
    scores = [sum(1 for token in tokens if spread[token] <= rare) for tokens in present]
    for element, score in zip(elements, scores, strict=True):
        if not score or score < best_score:
            continue
        image = page_image(element, base_url)
        if image is not None and (score > best_score or best is None or image.size > best.size):
            best, best_score = image, score
    if best is not None:
        best.shown_by = [e for e, score in zip(elements, scores, strict=True) if score == best_score and e.tag == "img"]
    return best


def cover_caption(cover: PageImage) -> tuple[str | None, str | None]:
    """Caption and credit of the cover as the page shows them, when no ``<figure>`` carried them."""
    for img in cover.shown_by:
        if (element := caption_beside(img)) is not None:
            text, credit = split_caption_credit(normalize_space(element.text_content()))
            return text or None, credit
    return None, None
