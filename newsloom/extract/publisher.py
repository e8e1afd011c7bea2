"""What a page says about its publisher and where it sits on the publisher's site: the evidence outlets are named
from (``newsloom/outlets.py`` decides) and the breadcrumb sections are placed by (``enrich/sections``).

Read from the page's head before anything mutates the tree: JSON-LD ``publisher`` (name, logo), ``og:site_name``,
``application-name``, the ``<title>`` suffix, ``apple-touch-icon`` / ``icon`` links and a JSON-LD
``BreadcrumbList``. Nothing here judges the names; it only collects them in order of trust.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import html as lxml_html

from newsloom.extract.classed import PageElements
from newsloom.extract.metadata import (
    MachineFields,
    _article_object,
    _image_url,
    _names,
    _title_suffix,
    read_machine_fields,
)
from newsloom.text import normalize_space

_ORGANISATION_TYPES = frozenset({"newsmediaorganization", "organization", "corporation", "organisation"})
_HOME_CRUMBS = frozenset({"home", "homepage", "trang chủ", "trang chu", "startseite", "accueil", "inicio", "start"})


@dataclass(slots=True)
class PublisherEvidence:
    """Candidate outlet names as ``(kind, name)`` pairs, most trusted first; a logo URL; breadcrumb names."""

    names: list[tuple[str, str]] = field(default_factory=list)
    logo_url: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _publisher_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    article = _article_object(objects)
    publisher = article.get("publisher") if article else None
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict):
        # A publisher given by reference ({"@id": "#org"}) is described elsewhere in the graph.
        if not publisher.get("name") and publisher.get("@id"):
            for item in objects:
                if item.get("@id") == publisher["@id"] and item is not publisher:
                    return item
        return publisher
    for item in objects:
        if _types(item) & _ORGANISATION_TYPES and item.get("name"):
            return item
    return None


def _breadcrumbs(objects: list[dict[str, Any]]) -> list[str]:
    for item in objects:
        if "breadcrumblist" not in _types(item):
            continue
        elements = item.get("itemListElement")
        if not isinstance(elements, list):
            continue

        def position(element: object) -> float:
            try:
                return float(element.get("position", 0)) if isinstance(element, dict) else 0.0
            except (TypeError, ValueError):
                return 0.0

        names: list[str] = []
        for element in sorted(elements, key=position):
            if not isinstance(element, dict):
                continue
            name = element.get("name")
            inner = element.get("item")
            if not name and isinstance(inner, dict):
                name = inner.get("name")
            name = normalize_space(html.unescape(name)) if isinstance(name, str) else ""
            if name and name.casefold() not in _HOME_CRUMBS:
                names.append(name)
        return names[:-1] if len(names) > 1 and len(names[-1].split()) > 4 else names  # the last: the headline
    return []


def _icon(tree: lxml_html.HtmlElement, base_url: str | None) -> str | None:
    """apple-touch-icon first (a square picture meant to stand for the site), then the largest plain icon."""
    best: tuple[int, str] | None = None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if not href or href.startswith("data:"):
            continue
        if "apple-touch-icon" in rel or "apple-touch-icon-precomposed" in rel:
            rank = 2
        elif "icon" in rel:
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, href)
    if best is None:
        return None
    return urljoin(base_url, best[1]) if base_url else best[1]


def read_publisher(
    tree: lxml_html.HtmlElement,
    url: str | None,
    machine: MachineFields | None = None,
    page: PageElements | None = None,
) -> PublisherEvidence:
    """The publisher evidence; ``machine`` when the caller has already read the page's meta values and JSON-LD,
    ``page`` when it holds the tree's element list (extract/classed.py)."""
    machine = machine or read_machine_fields(tree)
    objects, meta = machine.objects, machine.meta
    evidence = PublisherEvidence()
    publisher = _publisher_object(objects)
    if publisher is not None:
        evidence.names += [("json-ld", name) for name in _names(publisher.get("name"))[:1]]
        logo = _image_url(publisher.get("logo"))
        if logo:
            evidence.logo_url = urljoin(url, logo) if url else logo
    for kind, key in (("og", "og:site_name"), ("application", "application-name")):
        if value := meta.get(key):
            evidence.names.append((kind, value))
    title_element = tree.find(".//title")
    if title_element is not None and (suffix := _title_suffix(normalize_space(title_element.text_content()))):
        evidence.names.append(("title", suffix))
    evidence.names = [
        (kind, normalize_space(html.unescape(name))) for kind, name in evidence.names if normalize_space(name)
    ]
    if evidence.logo_url is None:
        evidence.logo_url = _icon(tree, url)
    evidence.breadcrumbs = _breadcrumbs(objects) or _html_breadcrumbs(tree, page)
    return evidence


def _html_breadcrumbs(tree: lxml_html.HtmlElement, page: PageElements | None = None) -> list[str]:
    """A breadcrumb trail drawn in HTML (``class="breadcrumb…"``): the names of its links, home left out."""
    if (trail := (page or PageElements(tree)).first_with_link("breadcrumb")) is not None:
        names = [normalize_space(link.text_content()) for link in trail.iter("a")]
        return [name for name in names if name and len(name) <= 60 and name.casefold() not in _HOME_CRUMBS][:5]
    return []
