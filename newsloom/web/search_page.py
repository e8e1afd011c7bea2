"""Search pages without filters, put together from a frame: the page rendered once, its query left as a mark.

A search nobody made before is a first render, and most find nothing ("storm 48213"): the template then spent
more CPU on the page around the results (head, header, form, hreflang links, footer) than the store spent finding
them. That page depends on the query only through the query's text and the page's own address, so it is rendered
once per edition, link prefix and public address until the store changes (``Portal.memo``), with marks for both,
and each search fills the marks in, escaped as the template would have escaped them: for HTML everywhere but the
JSON-LD script (JSON, made safe for HTML as Jinja's ``tojson`` does). A page that found nothing is the frame with
its query filled in; one with results (or past the last page) has the results part rendered by the template
(``_search_results.html``) in its place.

Before a frame serves a reader it is checked: filled in for a probe query full of what escaping changes (``<``,
``&``, quotes, a line separator, accents), it must give the bytes the template gives for that query, else the
page is rendered by the template as before (and the mismatch logged). Filters (section, outlet, language, dates)
change the form and the menus: those pages are rendered by the template.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from newsloom.web.editions import prefix_of
from newsloom.web.i18n import N_
from newsloom.web.portal import PAGE_SIZE, Portal, own_query, public_base

log = logging.getLogger(__name__)
_MARK = secrets.token_hex(8)  # per process: no query or article can hold the marks
QUERY_MARK = f"nlq{_MARK}"  # letters and digits: the same after HTML, JSON and URL escaping
OWN_MARK = f"nlo{_MARK}"  # the page's own query string (``own_query``), given as ``q=<mark>``
RESULTS_MARK = f"nlr{_MARK}"
# The own query string is filled in only where it is a whole query string (after "?", nothing added to it).
_MARKS = re.compile(f"(?<=\\?)q={OWN_MARK}(?![&;=%+\\w])|{QUERY_MARK}|{RESULTS_MARK}")
PROBE = "<b class=\"x\">&amp; 'quoted' \u2028 Dân trí + 100% = #1/ü</script>"
RESULTS = "_search_results.html"


@dataclass(frozen=True, slots=True)
class Frame:
    """A page's text cut at its marks: ``pieces[i]``, then the value of ``kinds[i]``, ..., then the last piece."""

    pieces: tuple[str, ...]
    kinds: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        parts = [self.pieces[0]]
        for kind, piece in zip(self.kinds, self.pieces[1:], strict=True):
            parts.append(values[kind])
            parts.append(piece)
        return "".join(parts)


def cut(html: str) -> Frame | None:
    """The frame of a page rendered with the marks; None when a mark stands where it cannot be filled in."""
    pieces, kinds, start = [], [], 0
    for match in _MARKS.finditer(html):
        text = match.group()
        kind = "own" if text.startswith("q=") else "query" if text == QUERY_MARK else "results"
        in_script = html.rfind("<script", 0, match.start()) > html.rfind("</script", 0, match.start())
        if in_script:
            if kind == "results":
                return None
            kind += "_json"
        pieces.append(html[start : match.start()])
        kinds.append(kind)
        start = match.end()
    pieces.append(html[start:])
    if any(OWN_MARK in piece for piece in pieces):  # the own query where it is not a whole query string
        return None
    return Frame(tuple(pieces), tuple(kinds))


def values_for(query: str, own: str) -> dict[str, str]:
    """What each kind of mark is replaced with: the query's text and the own query string, for HTML and for
    JSON-LD (``tojson``'s escaping, its quotes taken off)."""
    return {
        "query": str(escape(query)),
        "query_json": htmlsafe_json_dumps(query)[1:-1],
        "own": str(escape(own)),
        "own_json": htmlsafe_json_dumps(own)[1:-1],
    }


def page_context(
    portal: Portal,
    request: Request,
    *,
    query: str,
    hits: list[Any],
    also: dict[int, Any],
    total: int,
    page: int,
    pages: int,
    filters: dict[str, str | None],
    csrf: str,
) -> dict[str, Any]:
    """What ``search.html`` is rendered with (the route's and the frames' one definition)."""
    asked = {"q": query, **{k: v for k, v in filters.items() if v}}
    return {
        "query": query,
        "hits": hits,
        "also": also,
        "total": total,
        # Counts stop at the ranking's bound (the newest matches): there, the count says "2,000+".
        "capped": total >= getattr(portal.store.search_index, "RANKED_MATCHES", total + 1),
        "page": page,
        "first_shown": (page - 1) * PAGE_SIZE + 1,
        "previous_url": "/search?" + urlencode({**asked, "page": page - 1}) if page > 1 else None,
        "next_url": "/search?" + urlencode({**asked, "page": page + 1}) if page < pages else None,
        "last_url": "/search?" + urlencode({**asked, "page": max(pages, 1)}),
        "pages": pages,
        "outlets": portal.outlets_for([hit.article for hit in hits]),
        "menus": portal.search_menus(filters["section"], filters["outlet"], portal.edition(request)),
        "filters": filters,
        "csrf_token": csrf,
        "crumb": portal.gettext(request, N_("Search")),
    }


_NO_FILTERS: dict[str, str | None] = {"section": None, "outlet": None, "language": None, "from": None, "to": None}


def _build(portal: Portal, request: Request, csrf: str, with_results: bool) -> Frame | None:
    def rendered(query: str, asked: Request, marked: bool) -> str:
        context = page_context(
            portal, asked, query=query, hits=[], also={}, total=0, page=1, pages=0, filters=_NO_FILTERS, csrf=csrf
        )
        if marked:
            context["results_mark"] = Markup(RESULTS_MARK)
        return bytes(portal.render(asked, "search.html", **context).body).decode()

    def asking(query_string: str) -> Request:
        return Request({**request.scope, "query_string": query_string.encode()})

    frame = cut(rendered(QUERY_MARK, asking(f"q={OWN_MARK}"), with_results))
    if frame is None:
        log.warning("search pages: a mark where it cannot be filled in; the template renders every search page")
        return None
    probe = asking(urlencode({"q": PROBE}))
    values = values_for(PROBE, own_query(probe))
    if with_results:
        values["results"] = _results(portal, probe, PROBE, csrf)
    if frame.fill(values) != rendered(PROBE, probe, False):
        log.warning("search pages: the frame differs from the template; the template renders every search page")
        return None
    return frame


def _results(portal: Portal, request: Request, query: str, csrf: str) -> str:
    context = page_context(
        portal, request, query=query, hits=[], also={}, total=0, page=1, pages=0, filters=_NO_FILTERS, csrf=csrf
    )
    return str(portal.render_part(request, RESULTS, **context))


def render(portal: Portal, request: Request, context: dict[str, Any]) -> HTMLResponse | None:
    """The page of a search without filters from its frame, or None (the template renders it): ``context`` is
    ``page_context``'s."""
    query = context["query"]
    if not query or any(context["filters"].values()) or "results_mark" in context:
        return None
    with_results = bool(context["hits"] or context["total"])
    return _from_frame(portal, request, query, context["csrf_token"], context if with_results else None)


def render_nothing_found(
    portal: Portal, request: Request, query: str, filters: dict[str, str | None], csrf: str
) -> HTMLResponse | None:
    """``render`` for a search that found nothing, without ``page_context``: such a page is its frame with the
    query filled in, and the context's figures (menus, outlets, page addresses) were a tenth of its cost."""
    if not query or any(filters.values()):
        return None
    return _from_frame(portal, request, query, csrf, None)


def _from_frame(
    portal: Portal, request: Request, query: str, csrf: str, context: dict[str, Any] | None
) -> HTMLResponse | None:
    """The frame filled in for ``query``: with the results part rendered from ``context``, or without results."""
    with_results = context is not None
    edition, prefix, base = portal.edition(request), prefix_of(request.scope), public_base(portal.settings, request)
    frame = portal.memo(
        ("search-frame", with_results, edition, prefix, base, csrf),
        partial(_build, portal, request, csrf, with_results),
    )
    if frame is None:
        return None
    values = values_for(query, own_query(request))
    if context is not None:
        values["results"] = str(portal.render_part(request, RESULTS, **context))
    return HTMLResponse(frame.fill(values), headers={"Content-Language": edition})
