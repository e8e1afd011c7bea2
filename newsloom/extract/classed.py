"""A parsed page's elements listed once, in document order, with their class attributes.

Several readers look for elements by the words their class holds: bylines ("author", "byline__name"), printed
dates ("date", "time"), tag boxes ("tags", "topics"), breadcrumbs, captions, source lines, hover cards. Asked as
XPath, each question walks the page in libxml2, which tests ``contains(@class, …)`` by copying the attribute into
a new string for every test of every element, and a page is asked up to eight such questions. One walk in Python
that reads each element's class once, then plain substring tests on the strings, gives the same elements in the
same order for a fraction of that (BENCHMARKS.md, "Extract", throughput).

The list is taken when first asked for and holds until the tree changes: a reader that removes elements (figure
credit lines leaving their captions) is followed by a new ``PageElements``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from functools import cache

from lxml import etree
from lxml import html as lxml_html

_DESCENDANT_COUNT = etree.XPath("count(descendant::*)")
_XPATH_SPACE = re.compile("[ \t\r\n]+")  # what XPath's normalize-space() splits on


class PageElements:
    """Every element of the page (document order) and its class, and which of them ``//body/descendant::*``
    names; built on first use."""

    __slots__ = ("_classes", "_elements", "_in_body", "_tree")

    def __init__(self, tree: lxml_html.HtmlElement) -> None:
        self._tree = tree
        self._elements: list[lxml_html.HtmlElement] | None = None
        self._classes: list[str | None] = []
        self._in_body: list[tuple[lxml_html.HtmlElement, str | None]] = []

    def _build(self) -> list[lxml_html.HtmlElement]:
        root = self._tree.getroottree().getroot()
        elements = list(root.iter(etree.Element))
        self._classes = [element.get("class") for element in elements]
        in_body: list[tuple[lxml_html.HtmlElement, str | None]] = []
        end = 0
        for body in root.iter("body"):  # its descendants follow it in document order; nested bodies' nest
            first = elements.index(body) + 1
            start, stop = max(first, end), first + int(_DESCENDANT_COUNT(body))
            in_body += zip(elements[start:stop], self._classes[start:stop], strict=True)
            end = max(end, stop)
        self._elements, self._in_body = elements, in_body
        return elements

    def page(self) -> Iterable[tuple[lxml_html.HtmlElement, str | None]]:
        """(element, class) for every element of the page, ``/descendant::*``."""
        elements = self._elements if self._elements is not None else self._build()
        return zip(elements, self._classes, strict=True)

    def body(self) -> list[tuple[lxml_html.HtmlElement, str | None]]:
        """(element, class) for every element under ``<body>``, ``//body/descendant::*``."""
        if self._elements is None:
            self._build()
        return self._in_body

    def body_classed(self, words: tuple[str, ...], tag: str | None = None) -> list[lxml_html.HtmlElement]:
        """The body's elements whose class contains one of ``words`` (``contains(@class, word)``, case kept), or
        whose name is ``tag``."""
        search = _any_of(words).search
        named = set(self._tree.getroottree().getroot().iter(tag)) if tag else set()  # found in C, few
        return [element for element, classes in self.body() if (classes and search(classes)) or element in named]

    def attached(self, elements: list[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
        """Those of ``elements`` still in the page: a reader that only removes elements (figure credit lines
        leaving their captions) leaves the rest of the list as it was, so a few found elements can be checked
        instead of listing the page again."""
        root = self._tree.getroottree().getroot()
        return [element for element in elements if _top(element) is root]

    def first_with_link(self, word: str) -> lxml_html.HtmlElement | None:
        """The page's first element whose class contains ``word`` and that holds a link
        (``/descendant::*[contains(@class, word)][.//a][1]``)."""
        for element, classes in self.page():
            if classes and word in classes and next(element.iterdescendants("a"), None) is not None:
                return element
        return None


def _top(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element's topmost ancestor (a removed subtree's own top, not the document's root)."""
    last = deque(element.iterancestors(), maxlen=1)
    return last[0] if last else element


@cache
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


def has_class_token(classes: str, token: str) -> bool:
    """``contains(concat(" ", normalize-space(@class), " "), " token ")``: ``token`` is one of the class names."""
    return token in classes and token in _XPATH_SPACE.split(classes)
