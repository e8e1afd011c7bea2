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
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from newsloom.extract.figures import (
    Candidate,
    absolute,
    best_source,
    parse_srcset,
    plain_sources,
    srcset_candidates,
)

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


def _size(candidates: list[Candidate], element: lxml_html.HtmlElement) -> float:
    size = max((candidate.width or 0 for candidate in candidates), default=0)
    if not size and (width := element.get("width") or "").isdigit():
        size = int(width)
    if not size:
        for candidate in candidates:
            if match := _DIMENSIONS.search(candidate.url):
                size = max(size, int(match.group(1)))
    return float(size)


def identity_tokens(url: str) -> set[str]:
    """Parts of an image URL that name the picture rather than one rendition of it: long words, ids and hashes,
    and the file name without its rendition suffix ("IMG_0234" of "IMG_0234-585x439.jpg")."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unparseable src names no picture we can match
        return set()
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


def _candidates(element: lxml_html.HtmlElement) -> list[Candidate]:
    """Every URL an image may load, with widths where a srcset gives them. A preloaded ``<link>`` is read from
    its ``imagesrcset``/``href``."""
    if element.tag == "link":
        found = parse_srcset(element.get("imagesrcset") or "") or [Candidate(element.get("href") or "")]
        return [candidate for candidate in found if candidate.url]
    return [Candidate(url) for url in plain_sources(element)] + srcset_candidates(element)


def _page_image(element: lxml_html.HtmlElement, candidates: list[Candidate], base_url: str | None) -> PageImage | None:
    """One image with all the URLs it may load and its widest one (``src`` when no srcset gives widths)."""
    if not candidates:
        return None
    widest = max(candidates, key=lambda candidate: candidate.rank)
    default = best_source(element, base_url) if element.tag == "img" else None
    best = absolute(widest.url, base_url) if widest.rank else (default[0] if default else None)
    renditions = list(dict.fromkeys(absolute(candidate.url, base_url) for candidate in candidates))
    return PageImage(element, renditions, best or renditions[0], _size(candidates, element))


LINK_DEPTH = 3  # how far up an image's link may sit (<a><picture><img>, <a><div><img>)


def _is_teaser(image: lxml_html.HtmlElement, base_url: str | None, teasers: frozenset[str]) -> bool:
    """Whether an image is the picture of a link to another article: a link whose target the page also names
    with a headline (``extract/related.py``), as related boxes do. Such a thumbnail is never the cover, whatever
    its URL shares with the social image; a link to a photo viewer or to the picture itself carries no headline."""
    for depth, ancestor in enumerate(image.iterancestors()):
        if depth >= LINK_DEPTH:
            return False
        if ancestor.tag == "a":
            href = (ancestor.get("href") or "").strip()
            return bool(href) and absolute(href, base_url).split("#", 1)[0] in teasers
    return False


def _names_the_picture(shared: set[str], stems: set[str]) -> bool:
    """Whether the tokens an image shares with the social image identify the picture: the file name, an id or a
    hash (a token with a digit), or two words. One shared word alone is a coincidence of the site's paths: an
    uploader's folder ("minhvui") or a processing step ("cropped") that a related article's thumbnail shares."""
    return bool(shared & stems) or any(not token.isalpha() for token in shared) or len(shared) >= 2


def find_cover(
    tree: lxml_html.HtmlElement,
    social_image: str | None,
    base_url: str | None,
    teasers: frozenset[str] = frozenset(),
) -> PageImage | None:
    """The page image showing the same picture as ``social_image``, or ``None``.

    Candidates are every ``<img>`` and every image the page asks the browser to preload (how many sites announce
    their hero picture). Matching is by substring of the social image's identity tokens over each image's URLs;
    a token counts when few images hold it, and an image matches only where what it shares names the picture
    (``_names_the_picture``) and it is not the thumbnail of a link to another article (``teasers``: the
    addresses the page links with a headline).
    """
    if not social_image:
        return None
    tokens = identity_tokens(social_image)
    wanted = [token.removeprefix("file:") for token in tokens]
    if not wanted:
        return None
    stems = {token.removeprefix("file:") for token in tokens if token.startswith("file:")}
    elements = [*tree.xpath("//head/link[@rel='preload'][@as='image']"), *tree.iter("img")]
    candidates = [_candidates(element) for element in elements]
    present = []
    for found in candidates:
        text = unquote(unquote(" ".join(candidate.url for candidate in found))).casefold()
        present.append({token for token in wanted if token in text})
    spread = Counter(token for tokens in present for token in tokens)
    rare = max(2, len(elements) // 2)  # one picture is often shown twice (thumbnail and hero)
    scores = [
        sum(1 for token in tokens if spread[token] <= rare)
        if _names_the_picture(tokens, stems) and not _is_teaser(element, base_url, teasers)
        else 0
        for element, tokens in zip(elements, present, strict=True)
    ]
    top = max(scores, default=0)
    shown = [
        _page_image(element, found, base_url)
        for element, found, score in zip(elements, candidates, scores, strict=True)
        if top and score == top
    ]
    shown_images = [image for image in shown if image is not None]
    if not shown_images:
        return None
    return max(shown_images, key=lambda image: image.size)  # the hero rather than a thumbnail of the same picture
