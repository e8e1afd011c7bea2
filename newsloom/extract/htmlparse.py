"""Parsing a page into the tree the body finder expects, with element classes chosen in C.

trafilatura's ``load_html`` parses with an ``lxml.html.HTMLParser``, whose ``HtmlElementClassLookup`` picks the
Python class of every node in a Python method. lxml calls it each time it makes a Python object for a node, and it
makes one on every step of every walk (an ``iter()``, an XPath result, a ``getparent()``): thousands of calls a
page across newsloom's readers and trafilatura's own passes, about a tenth of the extraction's CPU time. Here the
same classes (``HtmlElement``, the form elements' own classes, ``HtmlComment`` …) come from lxml's namespace
registry, which it consults in C, so the tree is the same tree, of the same classes, only cheaper to walk.

``load_html`` does the same as ``trafilatura.utils.load_html`` does for a ``str`` (repairs, the bytes fallback, the
dubious-HTML check), with this parser in place of trafilatura's.
"""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html

log = logging.getLogger(__name__)

# The tags lxml.html gives classes of their own (its form support). Each class is asked of the Python lookup's public
# ``lookup`` method, so a release that changes one is followed; tests/extract/test_htmlparse.py compares every node's
# class with trafilatura's parser's on a page holding all of them, which catches a tag lxml adds.
_OWN_CLASS_TAGS = ("form", "input", "select", "textarea", "label")


def _class_lookup() -> etree.ElementNamespaceClassLookup:
    """``HtmlElementClassLookup``'s choices, made in C: its per-tag classes (form, input, select, textarea,
    label) registered for the no-namespace names an HTML parser produces, ``HtmlElement`` for every other element,
    and the lxml.html classes of comments, processing instructions and entities."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    names = lookup.get_namespace(None)
    python_lookup = lxml_html.HtmlElementClassLookup()
    for tag in _OWN_CLASS_TAGS:
        names[tag] = python_lookup.lookup("element", None, None, tag)
    return lookup


def _parser() -> lxml_html.HTMLParser:
    """trafilatura's ``HTML_PARSER`` settings, with the C class lookup."""
    parser = lxml_html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(_class_lookup())
    return parser


HTML_PARSER = _parser()


def _from_bytes(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(text.encode("utf8", "surrogatepass"), parser=HTML_PARSER)
    except Exception as error:  # as trafilatura: a page lxml cannot read is no tree, not a crash
        log.debug("lxml could not parse the page's bytes: %s", error)
    return None


def load_html(text: str) -> lxml_html.HtmlElement | None:
    """The page's tree, or ``None`` where trafilatura's ``load_html`` would give ``None``."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html  # here: trafilatura's import costs start-up

    beginning = text[:50].lower()
    check_flag = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    fallback_parse = False
    tree = None
    try:
        tree = lxml_html.fromstring(text, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = _from_bytes(text)
        fallback_parse = True
    except Exception as error:
        log.debug("lxml could not parse the page: %s", error)
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = _from_bytes(text)
    if tree is not None and check_flag is True and len(tree) < 2:
        return None  # not (well-formed) HTML at all
    return tree
