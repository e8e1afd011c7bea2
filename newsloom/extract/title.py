"""The headline as the page shows it.

Publishers' ``<title>`` and ``og:title`` often carry the site name ("Storm hits | Example News"); the visible
``<h1>`` usually does not. When JSON-LD ``headline`` and ``og:title`` agree, the publisher has said twice what the
headline is, and the ``<h1>`` is often only its second half (a kicker shown above it). Otherwise an ``<h1>`` that the
metadata titles contain is the headline; else JSON-LD ``headline``, else ``og:title`` or ``<title>`` with a trailing
site name cut off.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract import title_chooser
from newsloom.extract.metadata import PageMetadata
from newsloom.text import normalize_space

_SITE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


def _fold(text: str) -> str:
    return normalize_space(text).casefold()


def _strip_named_site(title: str, site_name: str | None) -> str:
    if site_name and _fold(title).endswith(_fold(site_name)) and _fold(title) != _fold(site_name):
        cut = title[: len(title) - len(site_name)].rstrip(" |-–—:·»")
        if cut:
            return cut.strip()
    return title


def strip_site_name(title: str, site_name: str | None) -> str:
    named = _strip_named_site(title, site_name)
    if named != title:
        return named
    match = _SITE_SUFFIX.search(title)
    if match and len(title) - len(match.group(0)) > 20:
        return title[: match.start()].strip()
    return title


# The ``<h1>`` elements inside an ``<article>`` or ``<main>``, in one walk (a union of two ``//`` paths walks twice).
_INSIDE_XPATH = etree.XPath("/descendant::h1[ancestor::article or ancestor::main]")


def _visible_headings(tree: lxml_html.HtmlElement) -> list[str]:
    """Text of the page's ``<h1>`` elements, those inside ``<article>``/``<main>`` first."""
    inside = _INSIDE_XPATH(tree)
    others = [h for h in tree.iter("h1") if h not in inside]
    texts = [normalize_space(h.text_content()) for h in [*inside, *others]]
    return [text for text in texts if 3 <= len(text) <= 400]


def _agree(headline: str, social: str, site_name: str | None) -> bool:
    """The same title, allowing for a site name appended to the social one."""
    folded = _fold(headline)
    return folded == _fold(social) or folded == _fold(strip_site_name(normalize_space(social), site_name))


_WORD = re.compile(r"\w+")
REWORDED_OVERLAP = 0.8


def _reworded(heading: str, title: str) -> bool:
    """The visible headline is the metadata's with words moved or swapped ("quy định thuế mới" → "quy định mới về
    thuế"): an edit made after the metadata was written. The page shows the edited one."""
    shown_words, said_words = _WORD.findall(_fold(heading)), _WORD.findall(_fold(title))
    shown_text, said_text = " ".join(shown_words), " ".join(said_words)
    if not shown_text or not said_text or shown_text in said_text or said_text in shown_text:
        return False  # a kicker added or cut is not a rewording
    shown, said = set(shown_words), set(said_words)
    return len(shown & said) / len(shown | said) >= REWORDED_OVERLAP


def title_candidates(tree: lxml_html.HtmlElement, meta: PageMetadata) -> list[tuple[str, str]]:
    """Every title the page offers, with where it came from (the learned chooser's input)."""
    inside = set(_INSIDE_XPATH(tree))
    found = []
    for heading in tree.iter("h1"):
        text = normalize_space(heading.text_content())
        if 3 <= len(text) <= 400:
            found.append(("h1_main" if heading in inside else "h1", text))
    if meta.title:
        found.append(("headline", meta.title))
    for source, named in (("og", meta.og_title), ("html", meta.html_title)):
        if named:
            found.append((source, named))
            found.append((f"{source}_stripped", strip_site_name(normalize_space(named), meta.site_name)))
    return found


def choose_title(tree: lxml_html.HtmlElement, meta: PageMetadata) -> str | None:
    """The learned chooser's pick among the page's titles (the hand-written rule's pick is one of its features),
    or the rule's pick where no model ships (the trainer writes one only when it beats the rule)."""
    rule = rule_title(tree, meta)
    if not title_chooser.available():
        return rule
    return title_chooser.choose(title_candidates(tree, meta), rule, meta.site_name)


def rule_title(tree: lxml_html.HtmlElement, meta: PageMetadata) -> str | None:
    headings = _visible_headings(tree)
    if meta.title and meta.og_title and _agree(meta.title, meta.og_title, meta.site_name):
        for heading in headings:
            if _agree(heading, meta.title, meta.site_name):
                return heading
        if headings and _reworded(headings[0], meta.title):
            return headings[0]
        return _strip_named_site(normalize_space(meta.title), meta.site_name)
    candidates = [c for c in (meta.title, meta.og_title, meta.html_title) if c]
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
