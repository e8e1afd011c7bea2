"""Layout tables that only frame a picture become the ``<figure>`` they stand for, before anything reads the page.

Many CMSs (Vietnamese ones above all: ``MASTERCMS_TPL_TABLE``, ``table.image``) place a picture in a table of one
column, its caption in the cell below or beside it. Left as a table, the body finder keeps the caption as a
one-cell table, and the picture (which it does not keep) either vanishes or, where the caption cell's class names
a caption, comes back as a captioned picture: the reader sees the caption twice, once as a tiny table. Rewritten
as ``<figure><img><figcaption>`` the table is read as every other figure is (``figures.py``: caption, credit,
place in the body) and the body finder leaves it out of the text.

A table is a picture frame only when it holds exactly one picture and at most two other cells with text (or a
``<caption>``), none of them sharing a row, with no more text than a caption has and nothing a data table holds (nested tables, lists,
headings), and its picture is neither a thumbnail nor a link to elsewhere, nor its caption one link (a product,
an advert or another article boxed in a table). Anything else, a data table above all, stays a table.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from newsloom.text import normalize_space

MAX_CAPTION_CELLS = 2
MAX_CAPTION_CHARS = 400
_NOT_IN_A_FRAME = ("table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "video", "iframe")
_CELLS = ("td", "th")


def _cells(table: lxml_html.HtmlElement) -> list[list[lxml_html.HtmlElement]] | None:
    """The table's non-empty cells by row; ``None`` when a row holds two cells with text (a data row)."""
    rows = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if cell.tag in _CELLS and _has_content(cell)]
        if sum(1 for cell in cells if cell.find(".//img") is None) > 1:
            return None
        rows.append(cells)
    return rows


def _has_content(cell: lxml_html.HtmlElement) -> bool:
    return cell.find(".//img") is not None or bool(normalize_space(cell.text_content()))


_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.IGNORECASE)


def _links_away(img: lxml_html.HtmlElement, table: lxml_html.HtmlElement) -> bool:
    """Whether the picture is a link to something other than the picture itself (a product, an advert, another
    article): a box of the page, not the article's picture."""
    for ancestor in img.iterancestors():
        if ancestor is table:
            return False
        if ancestor.tag == "a" and (href := (ancestor.get("href") or "").strip()) and not href.startswith("#"):
            return not _IMAGE_FILE.search(href)
    return False


MIN_PICTURE_SIDE = 100
_STYLE_SIDE = re.compile(r"(?:^|[;\s])(?:width|height)\s*:\s*(\d+)px", re.IGNORECASE)


def _is_thumbnail(img: lxml_html.HtmlElement) -> bool:
    """A picture the page draws at icon or thumbnail size (``width="40"``, ``style="width:40px"``)."""
    sides = [img.get("width") or "", img.get("height") or "", *_STYLE_SIDE.findall(img.get("style") or "")]
    return any(side.isdigit() and int(side) < MIN_PICTURE_SIDE for side in sides)


def _is_one_link(cell: lxml_html.HtmlElement) -> bool:
    """A cell whose whole text is one link's: a teaser's headline, not a caption."""
    text = normalize_space(cell.text_content())
    return any(normalize_space(link.text_content()) == text for link in cell.iter("a"))


def _frame_parts(table: lxml_html.HtmlElement) -> tuple[lxml_html.HtmlElement, list[lxml_html.HtmlElement]] | None:
    """The picture and the caption cells of a table that only frames one picture, else ``None``."""
    images = table.xpath(".//img")
    if len(images) != 1 or next(table.iterdescendants(*_NOT_IN_A_FRAME), None) is not None:
        return None
    if next(table.iterancestors("figure"), None) is not None or _links_away(images[0], table):
        return None
    if _is_thumbnail(images[0]):
        return None
    rows = _cells(table)
    if rows is None:
        return None
    cells = [cell for row in rows for cell in row]
    captions = [cell for cell in cells if cell.find(".//img") is None]
    if any(_is_one_link(cell) for cell in captions):
        return None
    titles = [child for child in table if child.tag == "caption" and normalize_space(child.text_content())]
    if len(captions) + len(titles) > MAX_CAPTION_CELLS or len(cells) - len(captions) != 1:
        return None
    if len(normalize_space(table.text_content())) > MAX_CAPTION_CHARS:
        return None
    return images[0], [*titles, *captions]


def _picture_element(img: lxml_html.HtmlElement, table: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The image with the ``<picture>`` or link around it, where one is inside the table."""
    holder = img
    for ancestor in img.iterancestors():
        if ancestor is table or ancestor.tag in _CELLS:
            break
        if ancestor.tag in ("picture", "a"):
            holder = ancestor
    return holder


def _detach(element: lxml_html.HtmlElement) -> None:
    """Take ``element`` out of its parent, leaving the text that followed it where it was."""
    parent, tail = element.getparent(), element.tail
    if parent is None:
        return
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    element.tail = None
    parent.remove(element)


def _move_content(source: lxml_html.HtmlElement, target: lxml_html.HtmlElement) -> None:
    """Append ``source``'s text and child elements to ``target``, a space before them."""
    text = " " + (source.text or "")
    if len(target):
        target[-1].tail = (target[-1].tail or "") + text
    else:
        target.text = (target.text or "") + text
    for child in list(source):
        target.append(child)  # moves the child with its tail


def _rewrite(table: lxml_html.HtmlElement, img: lxml_html.HtmlElement, captions: list[lxml_html.HtmlElement]) -> None:
    picture = _picture_element(img, table)
    image_cell = next(ancestor for ancestor in img.iterancestors() if ancestor.tag in _CELLS)  # one holds it
    _detach(picture)
    for child in list(table):
        table.remove(child)
    table.text = None
    table.tag = "figure"
    table.append(picture)
    figcaption = etree.SubElement(table, "figcaption")
    for cell in (image_cell, *captions):  # text beside the picture in its own cell first, then the caption cells
        _move_content(cell, figcaption)
    if not normalize_space(figcaption.text_content()):
        table.remove(figcaption)


def picture_frames_to_figures(tree: lxml_html.HtmlElement) -> int:
    """Rewrite every table that only frames one picture as ``<figure>`` (the picture, then a ``<figcaption>``
    holding the caption cells' content, credit elements included); return how many were rewritten."""
    rewritten = 0
    for table in list(tree.iter("table")):
        if (parts := _frame_parts(table)) is not None:
            _rewrite(table, *parts)
            rewritten += 1
    return rewritten
