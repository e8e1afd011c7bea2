"""Images of the page with their captions and credits, keyed by source URL.

Read before the body extractor runs (it drops ``<figcaption>``): every ``<figure>`` (and ``<img>`` with a
caption-like sibling) gives its best source — the largest ``srcset`` candidate, else ``data-src``-style lazy
attributes, else ``src`` — and its caption, with any "(Photo: AFP)" credit split off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from lxml import html as lxml_html

from newsloom.extract.attribution import split_caption_credit
from newsloom.text import normalize_space
from newsloom.urls import join_url

LAZY_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-srcset", "data-original-src")
CREDIT_CLASSES = ("credit", "copyright", "source", "author", "photographer")


@dataclass(slots=True)
class FigureInfo:
    url: str
    caption: str | None
    credit: str | None
    alt: str | None
    width: int | None
    # Opening words of the first paragraph after the figure in document order: where it belongs in the body.
    anchor: str | None = None


_SRCSET_URL = re.compile(r"[\s,]*(\S+)")


class Candidate(NamedTuple):
    """One ``srcset`` entry: ``width`` from a ``800w`` descriptor, ``density`` from a ``2x`` one."""

    url: str
    width: int | None = None
    density: float | None = None

    @property
    def rank(self) -> float:
        return float(self.width or self.density or 0)


def _candidate(url: str, descriptor: str) -> Candidate:
    number, unit = descriptor[:-1], descriptor[-1:]
    if unit == "w" and number.isdigit():
        return Candidate(url, width=int(number))
    if unit == "x":
        try:
            return Candidate(url, density=float(number))
        except ValueError:
            return Candidate(url)
    return Candidate(url)


def parse_srcset(srcset: str) -> list[Candidate]:
    """The candidates of a ``srcset``, split as the HTML standard says: a URL is a run of
    non-space characters and may itself hold commas (``w=875,q=90``); a comma ends a candidate only after it."""
    candidates: list[Candidate] = []
    position, length = 0, len(srcset)
    while match := _SRCSET_URL.match(srcset, position):
        url, position = match.group(1), match.end()
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", position)
            end = length if end < 0 else end
            descriptor, position = srcset[position:end].strip(), end + 1
        if url:
            candidates.append(_candidate(url, descriptor))
    return candidates


def _largest_from_srcset(srcset: str) -> tuple[str, int | None] | None:
    """The widest candidate; ``None`` without width descriptors (then ``src`` names the default rendition)."""
    candidates = [candidate for candidate in parse_srcset(srcset) if candidate.width]
    best = max(candidates, key=lambda candidate: candidate.rank) if candidates else None
    return (best.url, best.width) if best else None


def absolute(url: str, base_url: str | None) -> str:
    return join_url(base_url, url)


def _picture(img: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The ``<picture>`` an image belongs to. libxml2 does not know ``<source>`` is empty and may nest the
    ``<img>`` inside it, so this looks a few levels up."""
    return next((a for _, a in zip(range(3), img.iterancestors(), strict=False) if a.tag == "picture"), None)


def srcset_candidates(img: lxml_html.HtmlElement) -> list[Candidate]:
    """Every ``srcset`` rendition of an image: its own and its ``<picture>``'s sources."""
    elements = [img]
    if (picture := _picture(img)) is not None:
        elements += picture.iter("source")
    return [
        candidate
        for element in elements
        for attribute in ("srcset", "data-srcset")
        if (value := element.get(attribute))
        for candidate in parse_srcset(value)
    ]


def plain_sources(img: lxml_html.HtmlElement) -> list[str]:
    """The single URLs an image names: ``src`` and the lazy-loading attributes."""
    urls = [img.get(attribute) or "" for attribute in ("src", *LAZY_ATTRIBUTES) if attribute != "data-srcset"]
    return [url for url in urls if url and not url.startswith("data:")]


def image_sources(img: lxml_html.HtmlElement) -> list[str]:
    """Every URL this image may be known by (src, lazy attributes, srcset and ``<picture>`` candidates)."""
    return plain_sources(img) + [candidate.url for candidate in srcset_candidates(img)]


def best_source(img: lxml_html.HtmlElement, base_url: str | None) -> tuple[str, int | None] | None:
    for attribute in ("srcset", "data-srcset"):
        if (srcset := img.get(attribute)) and (found := _largest_from_srcset(srcset)):
            return absolute(found[0], base_url), found[1]
    for attribute in (*LAZY_ATTRIBUTES, "src"):
        value = img.get(attribute)
        if value and not value.startswith("data:") and " " not in value.strip():  # not a srcset list
            return absolute(value, base_url), None
    return None


def _caption_parts(figure: lxml_html.HtmlElement) -> tuple[str | None, str | None]:
    captions = figure.xpath(".//figcaption")
    if not captions:
        return None, None
    caption = captions[0]
    credit = None
    for element in caption.iter():
        classes = (element.get("class") or "").lower()
        if element is not caption and any(name in classes for name in CREDIT_CLASSES):
            credit = normalize_space(element.text_content()) or None
            element.drop_tree()
            break
    text = normalize_space(caption.text_content())
    text, inline_credit = split_caption_credit(text)
    return (text or None), (credit or inline_credit)


CAPTION_STEPS = 4


ANCHOR_WORDS = 8


def anchor_key(text: str) -> str:
    """The first ``ANCHOR_WORDS`` words, casefolded (split off first: a paragraph may be thousands of characters)."""
    return " ".join(text.split(maxsplit=ANCHOR_WORDS)[:ANCHOR_WORDS]).casefold()


ANCHOR_PARAGRAPHS = 3
_XPATH_SPACE = " \t\r\n"  # what XPath's normalize-space() strips


def _following(element: lxml_html.HtmlElement, tag: str) -> Iterator[lxml_html.HtmlElement]:
    """The ``tag`` elements of XPath's ``following::`` axis, in document order, lazily: each ancestor-or-self's
    later siblings and their subtrees. XPath would collect (and test) every one to the end of the page for the
    first few."""
    node: lxml_html.HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter(tag)
        node = node.getparent()


def anchor_after(element: lxml_html.HtmlElement) -> str | None:
    """The anchor of the first paragraph of 40 characters or more among the next three non-blank paragraphs after
    ``element`` (``following::p[normalize-space()][position() <= 3]``)."""
    seen = 0
    for paragraph in _following(element, "p"):
        content = paragraph.text_content()
        if not content.strip(_XPATH_SPACE):
            continue
        text = normalize_space(content)
        if len(text) >= 40:
            return anchor_key(text)
        seen += 1
        if seen == ANCHOR_PARAGRAPHS:
            break
    return None


MIN_LOOSE_CAPTION = 15


def is_caption_element(element: lxml_html.HtmlElement) -> bool:
    """A body element that captions: a ``figcaption``, or a class naming a caption."""
    classes = element.get("class") or ""
    return element.tag == "figcaption" or "caption" in classes or "Caption" in classes


MAX_GROUP = 6


def _group_picture(
    caption: lxml_html.HtmlElement, ancestor: lxml_html.HtmlElement, images: list[lxml_html.HtmlElement]
) -> lxml_html.HtmlElement | None:
    """The picture a ``figcaption`` shared by a group of pictures (a row of figures, one caption under them all)
    is shown with: the last of the group, right above the caption. Only where every picture of the group comes
    before the caption and there are few."""
    if caption.tag != "figcaption" or len(images) > MAX_GROUP:
        return None
    wanted, before = set(images), []
    for element in ancestor.iter():
        if element is caption:
            break
        if element in wanted:
            before.append(element)
    return before[-1] if len(before) == len(images) else None


def _captioned_images(base_url: str | None, captions: list[lxml_html.HtmlElement]) -> dict[str, FigureInfo]:
    """Images with a caption beside them outside any ``<figure>`` of theirs (``<div class="caption">``, or a
    ``figcaption`` next to the ``<figure>`` that holds the image).

    Walks from the captions (a page has few) to the one image under their nearest ancestor that holds any, rather
    than from every image (a page may have hundreds) up to a caption. ``captions``: the body's caption elements in
    document order (``is_caption_element`` over the page's class scan).
    """
    found: dict[str, FigureInfo] = {}
    for element in captions:
        if element.xpath("ancestor::figure") or element.find(".//img") is not None:
            continue
        img = None
        for ancestor in islice(element.iterancestors(), CAPTION_STEPS):
            images = ancestor.xpath(".//img")
            if images:
                img = images[0] if len(images) == 1 else _group_picture(element, ancestor, images)
                break
        source = best_source(img, base_url) if img is not None else None
        if img is None or source is None:
            continue
        text, credit = split_caption_credit(normalize_space(element.text_content()))
        if not MIN_LOOSE_CAPTION <= len(text) <= 500:
            continue
        info = FigureInfo(source[0], text, credit, normalize_space(img.get("alt") or "") or None, source[1])
        info.anchor = anchor_after(element)
        for url in {*image_sources(img), source[0]}:
            found.setdefault(absolute(url, base_url), info)
    return found


def read_figure_elements(tree: lxml_html.HtmlElement, base_url: str | None) -> dict[str, FigureInfo]:
    """The ``<figure>`` images, before :func:`add_captioned_images` adds the loose ones. Takes the credit lines out
    of the figures' captions, so anything that reads captions or source-naming elements of the page reads it after
    this."""
    figures: dict[str, FigureInfo] = {}
    for figure in tree.iter("figure"):
        images = figure.xpath(".//img")
        if not images:
            continue
        img = images[0]
        source = best_source(img, base_url)
        if source is None:
            continue
        caption, credit = _caption_parts(figure)
        info = FigureInfo(source[0], caption, credit, normalize_space(img.get("alt") or "") or None, source[1])
        info.anchor = anchor_after(figure)
        # in page order, not a set's: the dict's order decides which figure comes first where two share a URL
        for url in dict.fromkeys([*(url for image in images for url in image_sources(image)), source[0]]):
            figures[absolute(url, base_url)] = info  # every image of the figure shows the captioned picture
    return figures


def add_captioned_images(
    figures: dict[str, FigureInfo], base_url: str | None, captions: list[lxml_html.HtmlElement]
) -> dict[str, FigureInfo]:
    """``figures`` with the images that have a loose caption beside them (where no figure captions them)."""
    for url, info in _captioned_images(base_url, captions).items():
        if url not in figures or not figures[url].caption:
            figures[url] = info
    return figures
