"""Images of the page with their captions and credits, keyed by source URL.

Read before the body extractor runs (it drops ``<figcaption>``): every ``<figure>`` (and ``<img>`` with a
caption-like sibling) gives its best source — the largest ``srcset`` candidate, else ``data-src``-style lazy
attributes, else ``src`` — and its caption, with any "(Photo: AFP)" credit split off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple
from urllib.parse import urljoin

from lxml import html as lxml_html

from newsloom.extract.attribution import split_caption_credit
from newsloom.text import normalize_space

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


def image_sources(img: lxml_html.HtmlElement) -> list[str]:
    """Every URL this image may be known by (src, lazy attributes, srcset candidates)."""
    urls = [img.get("src") or ""] + [img.get(a) or "" for a in LAZY_ATTRIBUTES if a != "data-srcset"]
    for attribute in ("srcset", "data-srcset"):
        urls += [candidate.url for candidate in parse_srcset(img.get(attribute) or "")]
    return [url for url in urls if url and not url.startswith("data:")]


def best_source(img: lxml_html.HtmlElement, base_url: str | None) -> tuple[str, int | None] | None:
    for attribute in ("srcset", "data-srcset"):
        if (srcset := img.get(attribute)) and (found := _largest_from_srcset(srcset)):
            return (urljoin(base_url, found[0]) if base_url else found[0]), found[1]
    for attribute in (*LAZY_ATTRIBUTES, "src"):
        value = img.get(attribute)
        if value and not value.startswith("data:") and " " not in value.strip():  # not a srcset list
            return (urljoin(base_url, value) if base_url else value), None
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
_CAPTION_XPATH = './/figcaption | .//*[contains(@class, "caption") or contains(@class, "Caption")]'
_PAGE_CAPTIONS_XPATH = '//body//figcaption | //body//*[contains(@class, "caption") or contains(@class, "Caption")]'


def caption_beside(img: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The caption beside an image that is not in a ``<figure>`` of its own: a ``figcaption`` or an element whose
    class says caption, under the nearest ancestor that holds no other image."""
    for ancestor in islice(img.iterancestors(), CAPTION_STEPS):
        if sum(1 for _ in ancestor.iter("img")) > 1:
            return None
        for candidate in ancestor.xpath(_CAPTION_XPATH):
            if candidate.find(".//img") is None and 3 <= len(normalize_space(candidate.text_content())) <= 500:
                return candidate
    return None


ANCHOR_WORDS = 8


def anchor_key(text: str) -> str:
    return " ".join(normalize_space(text).casefold().split()[:ANCHOR_WORDS])


def _anchor_after(figure: lxml_html.HtmlElement) -> str | None:
    for paragraph in figure.xpath("following::p[normalize-space()][position() <= 3]"):
        text = normalize_space(paragraph.text_content())
        if len(text) >= 40:
            return anchor_key(text)
    return None


MIN_LOOSE_CAPTION = 15


def _captioned_images(tree: lxml_html.HtmlElement, base_url: str | None) -> dict[str, FigureInfo]:
    """Images outside any ``<figure>`` that carry a caption beside them (``<div class="caption">``).

    Walks from the captions (a page has few) to the one image under their nearest ancestor that holds any, rather
    than from every image (a page may have hundreds) up to a caption.
    """
    found: dict[str, FigureInfo] = {}
    for element in tree.xpath(_PAGE_CAPTIONS_XPATH):
        if element.xpath("ancestor::figure") or element.find(".//img") is not None:
            continue
        img = None
        for ancestor in islice(element.iterancestors(), CAPTION_STEPS):
            images = ancestor.xpath(".//img[not(ancestor::figure)]")
            if images:
                img = images[0] if len(images) == 1 else None
                break
        source = best_source(img, base_url) if img is not None else None
        if img is None or source is None:
            continue
        text, credit = split_caption_credit(normalize_space(element.text_content()))
        if not MIN_LOOSE_CAPTION <= len(text) <= 500:
            continue
        info = FigureInfo(source[0], text, credit, normalize_space(img.get("alt") or "") or None, source[1])
        info.anchor = _anchor_after(element)
        for url in {*image_sources(img), source[0]}:
            found.setdefault(urljoin(base_url, url) if base_url else url, info)
    return found


def read_figures(tree: lxml_html.HtmlElement, base_url: str | None) -> dict[str, FigureInfo]:
    """Map of every known source URL of a captioned or plain figure image to its info, and of images outside
    figures that have a caption beside them."""
    figures: dict[str, FigureInfo] = _captioned_images(tree, base_url)
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
        info.anchor = _anchor_after(figure)
        for url in {*image_sources(img), source[0]}:
            figures[urljoin(base_url, url) if base_url else url] = info
    return figures
