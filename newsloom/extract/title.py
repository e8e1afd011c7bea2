"""The headline as the page shows it.

Publishers' ``<title>`` and ``og:title`` often carry the site name ("Storm hits | Example News"); the visible
``<h1>`` usually does not. An ``<h1>`` that the metadata titles contain is the headline; else JSON-LD
``headline``, else ``og:title`` or ``<title>`` with a trailing site name cut off.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from newsloom.extract.metadata import PageMetadata
from newsloom.text import normalize_space

_SITE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


def _fold(text: str) -> str:
    return normalize_space(text).casefold()


def strip_site_name(title: str, site_name: str | None) -> str:
    if site_name and _fold(title).endswith(_fold(site_name)) and _fold(title) != _fold(site_name):
        cut = title[: len(title) - len(site_name)].rstrip(" |-–—:·»")
        if cut:
            return cut.strip()
    match = _SITE_SUFFIX.search(title)
    if match and len(title) - len(match.group(0)) > 20:
        return title[: match.start()].strip()
    return title


def _visible_headings(tree: lxml_html.HtmlElement) -> list[str]:
    """Text of the page's ``<h1>`` elements, those inside ``<article>``/``<main>`` first."""
    inside = tree.xpath("//article//h1 | //main//h1")
    others = [h for h in tree.iter("h1") if h not in inside]
    texts = [normalize_space(h.text_content()) for h in [*inside, *others]]
    return [text for text in texts if 3 <= len(text) <= 400]


def choose_title(tree: lxml_html.HtmlElement, meta: PageMetadata) -> str | None:
    candidates = [c for c in (meta.title, meta.og_title, meta.html_title) if c]
    headings = _visible_headings(tree)
    folded = [_fold(c) for c in candidates]
    for heading in headings:
        if any(_fold(heading) in candidate for candidate in folded):
            return heading
    if meta.title:
        return meta.title
    for candidate in (meta.og_title, meta.html_title):
        if candidate:
            return strip_site_name(normalize_space(candidate), meta.site_name)
    return headings[0] if headings else None
