"""Fields a page shows to readers but not always in its metadata: the section from its breadcrumb trail, the
publication date printed beside the byline, and the time zone a date without an offset is meant in.

Why: many Vietnamese outlets (and others) give ``articleSection`` only as a BreadcrumbList or a microdata ``<meta
itemprop>``, print "07/03/2026 08:47" in a ``post-time`` span instead of a ``<time>`` element, and write local
times without an offset. Each helper reads what any page of that shape has; none knows a publisher.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.classed import PageElements
from newsloom.text import normalize_space

# Languages whose speakers all keep one clock (Vietnamese: Hanoi time; German: Berlin, Vienna and Zurich share
# CET/CEST): a local time without an offset on such a page is meant in that zone, not in UTC. Languages spoken
# across zones (English, Spanish, French, Portuguese, Russian, Arabic) are left out: their naive times stay UTC.
_SINGLE_ZONE_NAMES = {
    "vi": "Asia/Ho_Chi_Minh",
    "th": "Asia/Bangkok",
    "zh": "Asia/Shanghai",
    "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul",
    "id": "Asia/Jakarta",
    "de": "Europe/Berlin",
    "it": "Europe/Rome",
    "nl": "Europe/Amsterdam",
    "pl": "Europe/Warsaw",
    "cs": "Europe/Prague",
    "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest",
    "sl": "Europe/Ljubljana",
    "hr": "Europe/Zagreb",
    "da": "Europe/Copenhagen",
    "sv": "Europe/Stockholm",
    "nb": "Europe/Oslo",
    "no": "Europe/Oslo",
    "fi": "Europe/Helsinki",
    "et": "Europe/Tallinn",
    "lv": "Europe/Riga",
    "lt": "Europe/Vilnius",
    "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia",
    "el": "Europe/Athens",
    "uk": "Europe/Kyiv",
    "tr": "Europe/Istanbul",
}
_HOME_NAMES = frozenset(["home", "trang chủ", "startseite", "accueil", "inicio", "homepage", "trang chu"])


def zone_of_language(language: str | None) -> tzinfo | None:
    """The one zone of a single-zone language (``vi-VN`` → Asia/Ho_Chi_Minh), else None."""
    if not language:
        return None
    name = _SINGLE_ZONE_NAMES.get(language.strip().lower().replace("_", "-").split("-")[0])
    try:
        return ZoneInfo(name) if name else None
    except ZoneInfoNotFoundError:  # no time zone database on this machine: naive times stay UTC
        return None


def breadcrumb_section(objects: list[dict[str, Any]], title: str | None, url: str | None) -> str | None:
    """The most specific section of a schema.org BreadcrumbList: its last item that is not the article itself
    nor the home page."""
    for item in objects:
        types = item.get("@type")
        if "BreadcrumbList" not in (types if isinstance(types, list) else [types]):
            continue
        elements = item.get("itemListElement")
        if not isinstance(elements, list):
            continue
        ordered = sorted(
            (e for e in elements if isinstance(e, dict)),
            key=lambda e: int(str(e.get("position"))) if str(e.get("position", "")).isdigit() else 0,
        )
        names = []
        for element in ordered:
            inner = element.get("item")
            name = element.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
            target = inner.get("@id") if isinstance(inner, dict) else inner if isinstance(inner, str) else None
            if not isinstance(name, str) or not (name := normalize_space(html.unescape(name))):
                continue
            if name.casefold() in _HOME_NAMES or (title and name.casefold() == normalize_space(title).casefold()):
                continue
            if url and isinstance(target, str) and target.rstrip("/") == url.rstrip("/"):
                continue
            names.append(name)
        if names:
            return names[-1]
    return None


def most_specific(section: str | None) -> str | None:
    """ "Kinh doanh, Tài chính" / "Thời sự,Chính trị": a section path written as one string, most specific last."""
    if not section or "," not in section:
        return section
    parts = [part.strip() for part in section.split(",") if part.strip()]
    if len(parts) > 1 and all(len(part.split()) <= 4 for part in parts):
        return parts[-1]
    return section


_PRINTED_DATE = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})(?:\D{1,6}(?P<hour>\d{1,2})[:hg](?P<minute>\d{2}))?"
)
_DATE_CLASS_WORDS = ("time", "date", "publish")  # //body/descendant::*[contains(@class, …)]
MAX_DATE_TEXT = 80


def printed_date(
    tree: lxml_html.HtmlElement, language: str | None, page: PageElements | None = None
) -> datetime | None:
    """The first day-first date ("07/03/2026 08:47", "7-3-2026 - 00:01") printed in an element whose class names
    a date or time. Day first is how most of the world writes dates; US English pages are left alone. ``page``:
    the tree's element list, when the caller holds one."""
    if (language or "").lower().startswith("en-us"):
        return None
    for element in (page or PageElements(tree)).body_classed(_DATE_CLASS_WORDS)[:50]:
        text = normalize_space(element.text_content())
        if not text or len(text) > MAX_DATE_TEXT or not (match := _PRINTED_DATE.search(text)):
            continue
        try:
            return datetime(
                int(match["year"]),
                int(match["month"]),
                int(match["day"]),
                int(match["hour"] or 0),
                int(match["minute"] or 0),
            )
        except ValueError:
            continue
    return None


# A menu link marked active, or the link of a menu item marked active: one walk of the menus' links.
_ACTIVE_NAV_XPATH = etree.XPath(
    "//nav/descendant::a[contains(concat(' ', normalize-space(@class), ' '), ' active ') or @aria-current='page'"
    " or parent::li[contains(concat(' ', normalize-space(@class), ' '), ' active ')]]"
)


def active_menu_section(tree: lxml_html.HtmlElement) -> str | None:
    """The section the site's own menu marks as the current one (``class="active"``, ``aria-current``)."""
    for link in _ACTIVE_NAV_XPATH(tree):
        text = normalize_space(link.text_content())
        if text and len(text) <= 40 and text.casefold() not in _HOME_NAMES:
            return text
    return None


# Tag boxes: elements whose class says they list topics, outside menus (which list every topic).
_TAG_BOX_WORDS = ("tags", "tag-list", "taglist", "topics", "keywords", "schlagw")
_MENUS = ("nav", "header", "footer")
MAX_TAG_CHARS = 50
MAX_TAGS = 20


def _is_tag_rel(rel: str | None) -> bool:
    return rel is not None and (rel == "tag" or " tag" in rel or "tag " in rel)


def _tag_links(page: PageElements) -> list[lxml_html.HtmlElement]:
    """The body's ``rel=tag`` links and the links inside tag boxes, in document order (the XPath union
    ``//body/descendant::a[@rel='tag' or contains(@rel, ' tag') or contains(@rel, 'tag ')] |
    //body/descendant::*[contains(@class, <a tag box word>)][not(ancestor::nav or ancestor::header or
    ancestor::footer)]/descendant::a``)."""
    in_boxes: set[lxml_html.HtmlElement] = set()
    for box in page.body_classed(_TAG_BOX_WORDS):
        if not any(ancestor.tag in _MENUS for ancestor in box.iterancestors()):
            in_boxes.update(box.iterdescendants("a"))
    return [
        link
        for link in (element for element, _ in page.body() if element.tag == "a")
        if link in in_boxes or _is_tag_rel(link.get("rel"))
    ]


def visible_tags(tree: lxml_html.HtmlElement, page: PageElements | None = None) -> list[str]:
    """The article's topics as the page lists them for readers: ``rel=tag`` links and the links of a tags/topics
    box. Read only when the metadata names no keywords (many outlets print topics and declare none). ``page``:
    the tree's element list, when the caller holds one."""
    found: list[str] = []
    for link in _tag_links(page or PageElements(tree)):
        text = normalize_space(link.text_content()).lstrip("#").strip()
        if text and len(text) <= MAX_TAG_CHARS and text not in found:
            found.append(text)
        if len(found) >= MAX_TAGS:
            break
    return found
