"""Bylines into a list of people.

Metadata author fields hold many shapes: "A and B", "A und B, Nairobi", "Name (abc)", e-mail addresses, the
outlet's own name, a profile URL or a numeric id. Names are split on list separators, cleaned of role prefixes
("By", "Von", "Por"…) and initials in brackets; URLs, e-mail addresses and ids are dropped. The outlet's own
name stays when it is the byline the page gives. When metadata has
no author, visible byline markup (``rel=author``, ``itemprop=author``, byline classes) is read.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.classed import PageElements, has_class_token
from newsloom.text import normalize_space

# "Jane Roe/John Doe" is two names, as "Jane Roe & John Doe" is.
_LIST_SEPARATORS = re.compile(
    r"\s*(?:;|&|\||(?<=\w)/(?=\w)|\s(?:and|und|og|och|et|y|e|và|ve|i|en|a)\s)\s*", re.IGNORECASE
)
_PREFIX = re.compile(
    r"^(?:by|von|por|par|di|door|af|av|tác giả|bởi|text|texto|written by|reporting by|autor(?:in)?|author)\s*:?\s+",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]{1,12}[)\]]\s*$")
_NOT_A_NAME = re.compile(r"(@|https?://|^\d+$)", re.IGNORECASE)


def _is_explicit_byline(element: lxml_html.HtmlElement, classes: str | None) -> bool:
    """Explicit byline markup: an itemprop=name inside an itemprop=author, a rel=author link, an element of class
    author-name or byline__name, a link to an author page inside a byline- or author-classed element. The XPath
    ``/descendant::*[(@itemprop="name" and ancestor::*[@itemprop="author"]) or (self::a and (@rel="author" or
    ((contains(@href, "autor") or contains(@href, "author")) and ancestor::*[contains(@class, "byline") or
    contains(@class, "author")]))) or …]``, as a test of one element of the page's list (extract/classed.py)."""
    if element.get("itemprop") == "name" and any(a.get("itemprop") == "author" for a in element.iterancestors()):
        return True
    if element.tag == "a":
        if element.get("rel") == "author":
            return True
        href = element.get("href")
        if (
            href is not None
            and ("autor" in href or "author" in href)
            and any(
                (names := ancestor.get("class")) is not None and ("byline" in names or "author" in names)
                for ancestor in element.iterancestors()
            )
        ):
            return True
    return classes is not None and (has_class_token(classes, "author-name") or has_class_token(classes, "byline__name"))


MAX_NAME_WORDS = 5


def _clean(name: str) -> str:
    name = normalize_space(name)
    name = _PREFIX.sub("", name)
    name = _BRACKETS.sub("", name)
    return name.strip(" ,.-–—:")


def _is_person(name: str) -> bool:
    return bool(name) and not _NOT_A_NAME.search(name) and 1 <= len(name.split()) <= MAX_NAME_WORDS


def _names_in(part: str) -> list[str]:
    """``"Brazil, Rachel"`` is one inverted name; ``"A B, C D"`` is two names."""
    pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
    if len(pieces) == 2 and all(len(piece.split()) == 1 for piece in pieces):
        return [f"{pieces[1]} {pieces[0]}"]
    return pieces


def split_authors(raw_names: list[str]) -> list[str]:
    found: dict[str, str] = {}
    for raw in raw_names:
        if _NOT_A_NAME.search(raw.strip()) and " " not in raw.strip():
            continue  # a profile URL or an e-mail address, not a byline
        for part in _LIST_SEPARATORS.split(raw):
            for piece in _names_in(part):
                name = _clean(piece)
                if _is_person(name) and name.casefold() not in found:
                    found[name.casefold()] = name
    return list(found.values())


_AUTHOR_LOWER = str.maketrans("AUTHOR", "author")  # XPath's translate(@class, "AUTHOR", "author")


_BOLD_PARAGRAPHS_XPATH = etree.XPath("//body/descendant::p[count(*) = 1][b or strong]")


def _author_classed(page: PageElements) -> list[lxml_html.HtmlElement]:
    """The body's elements whose class names an author, outside scripts and links (``//body/descendant::*
    [contains(translate(@class, "AUTHOR", "author"), "author")][not(ancestor-or-self::script or ancestor::a)]``)."""
    return [
        element
        for element, classes in page.body()
        if classes
        and "author" in classes.translate(_AUTHOR_LOWER)
        and element.tag != "script"
        and not any(ancestor.tag in ("script", "a") for ancestor in element.iterancestors())
    ]


def _byline_classed(page: PageElements) -> list[lxml_html.HtmlElement]:
    """Innermost elements whose class names an author ("author", "article__author", "authorname"...)."""
    marked = _author_classed(page)
    inner = set(marked)
    return [
        element
        for element in marked
        if not any(child in inner for child in element.iterdescendants())
        and not any(word in (element.get("class") or "").lower() for word in _NOT_BYLINE_CLASSES)
    ]


_NOT_BYLINE_CLASSES = ("bio", "avatar", "image", "photo", "img", "description", "follow", "more")


def visible_bylines(tree: lxml_html.HtmlElement, page: PageElements | None = None) -> list[str]:
    """The first byline element's text: later matches are usually other articles' teasers. Explicit markup
    (``rel=author``, ``itemprop=author``) first, then any element whose class names an author. ``page``: the
    tree's element list, when the caller holds one."""
    page = page or PageElements(tree)
    for element, classes in page.page():
        if not _is_explicit_byline(element, classes):
            continue
        name = normalize_space(element.text_content())
        if 2 < len(name) < 80:
            return [name]
    for element in _byline_classed(page):
        name = normalize_space(element.text_content())
        if 2 < len(name) < 80 and any(_looks_like_a_person(found) for found in split_authors([name])):
            return [name]
    return []


def bold_byline(tree: lxml_html.HtmlElement) -> list[str]:
    """Small sites put the byline as the article's first paragraph, in bold and nothing else:
    ``<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>`` before the text starts."""
    for paragraph in _BOLD_PARAGRAPHS_XPATH(tree)[:200]:
        bold = paragraph[0]
        text = normalize_space(paragraph.text_content())
        if not text or text != normalize_space(bold.text_content()) or len(text) > 80:
            continue
        following = paragraph.xpath("following-sibling::p[position() <= 2]")
        if not any(len(normalize_space(p.text_content())) >= 100 for p in following):
            continue
        names = split_authors([text])
        if names and all(_looks_like_a_person(name.title() if name.isupper() else name) for name in names):
            return [text]
    return []


def _looks_like_a_person(name: str) -> bool:
    """Two or more words, capitalised where the script has case: a class name is weaker evidence than
    ``rel=author``, so the text has to look like a name too."""
    words = name.split()
    return len(words) >= 2 and all(not word[0].islower() for word in words)


def _outlet_words(outlet_names: list[str | None]) -> list[str]:
    words = []
    for name in outlet_names:
        folded = normalize_space(name or "").casefold().removeprefix("www.")
        if folded:
            words.append(folded)
            if "." in folded and len(stem := folded.split(".")[0]) >= 2:
                words.append(stem)
    return words


def _is_outlet_name(name: str, outlets: list[str]) -> bool:
    folded = name.casefold()
    stem = folded.split(".")[0]
    return any(folded in outlet or outlet in folded or stem == outlet for outlet in outlets)


def without_own_domain(names: list[str], host: str | None) -> list[str]:
    """ "Lrt.lt" beside a reporter's name on lrt.lt is the site crediting itself, not a second author."""
    if not host:
        return names
    own = host.casefold().removeprefix("www.")
    people = [name for name in names if name.casefold().removeprefix("www.") != own]
    return people or names


def names_an_outlet(names: list[str], outlet_names: list[str | None]) -> bool:
    """Metadata that credits only the publication ("Deutsche Welle", "mdr.de") rather than a person."""
    outlets = _outlet_words(outlet_names)
    return bool(names) and bool(outlets) and all(_is_outlet_name(name, outlets) for name in names)


# A closing signature: "Hà Thu (tổng hợp)" (compiled by), "Giang Huy - Hoàng Phương", "(theo Reuters)" beside it.
_SIGNATURE_NOTE = re.compile(r"\s*\((?:tổng\s+hợp|lược\s+dịch|theo\s+[^()]{1,40})\)\s*$", re.IGNORECASE)
_SIGNATURE_SEPARATORS = re.compile(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+")
MAX_SIGNATURE_CHARS = 60


def signature_names(text: str) -> list[str]:
    """The people a body's closing signature line names, else ``[]``: the whole line is names of two to four
    capitalised words (VnExpress and many Vietnamese papers sign the article at its end, not under the title)."""
    line = _SIGNATURE_NOTE.sub("", normalize_space(text))
    if not line or len(line) > MAX_SIGNATURE_CHARS:
        return []
    names = _SIGNATURE_SEPARATORS.split(line)
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 4 or not all(word[0].isupper() and word.isalpha() for word in words):
            return []
    return names
