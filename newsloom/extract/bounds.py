"""Bounds on the work one page can cost, applied to the parsed tree before anything walks it.

The body finder (trafilatura) is superlinear in the number of elements: an 8 MB page of 200,000 tiny ``<p>`` took
73 s, 25,000 took several seconds. Real news pages hold a few thousand elements (the largest page of the shared
corpora: ~10,000), so the body is cut after ``MAX_ELEMENTS`` in document order (the head is read by linear code): a hostile page costs what a large
real one does, and the text before the cut is still extracted.
"""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html

log = logging.getLogger(__name__)

MAX_ELEMENTS = 15_000
# Counted in C: nearly every page is under the limit, and listing its nodes would make a Python object of each.
_ELEMENT_COUNT = etree.XPath("count(descendant-or-self::*)")


def cap_elements(tree: lxml_html.HtmlElement, limit: int = MAX_ELEMENTS) -> int:
    """Remove every element after the first ``limit`` (document order), in one linear pass; return how many went.

    The tree comes from extraction's parser, which drops comments and processing instructions: its elements are
    all the nodes ``iter()`` yields, so counting them decides whether there is anything to cut."""
    if _ELEMENT_COUNT(tree) <= limit:
        return 0
    elements = list(tree.iter())
    if len(elements) <= limit:
        return 0
    gone: set[object] = set()
    for element in elements[limit:]:  # parents come before their children: one look at the parent suffices
        parent = element.getparent()
        if parent is not None and parent not in gone:
            parent.remove(element)
        gone.add(element)
    log.info("page cut to its first elements", extra={"limit": limit, "elements": len(elements)})
    return len(elements) - limit
