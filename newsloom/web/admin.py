"""Operator pages: login, moderation queue, hide/unhide, re-run extraction, sources and their health, sections and
the feed -> section mapping.

Every POST here needs the admin session and a valid CSRF token; logins are rate limited per address and account,
per address, and under a slower global ceiling that known browsers skip, across every serving process. Sessions live in the store: logout ends one, a deleted account all of its.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newsloom.model import FetchedPage
from newsloom.pipeline import process_page
from newsloom.pipeline.translation import translation_overview
from newsloom.store.enrichment import EnrichmentStore
from newsloom.store.health import BASELINE_DAYS, FIELDS, RECENT_DAYS, ExtractionHealth
from newsloom.store.portal_queries import Named
from newsloom.store.sources import SourceStore
from newsloom.store.translations import FLAG_KINDS, TranslationStore
from newsloom.text import slugify
from newsloom.web.health_chart import completeness_chart
from newsloom.web.portal import ItemId, Portal, article_path
from newsloom.web.security import CSRF_COOKIE, DEVICE_COOKIE, DEVICE_MAX_AGE, SESSION_COOKIE, SESSION_MAX_AGE

router = APIRouter(prefix="/admin")


def _portal(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def _admin(request: Request) -> str | None:
    """The administrator of a live session: its cookie signed and fresh, and its row still in the store."""
    portal = _portal(request)
    token = portal.guard.session_token(request.cookies.get(SESSION_COOKIE))
    return portal.users.session_user(token, timedelta(seconds=SESSION_MAX_AGE)) if token else None


def _require(request: Request, csrf_token: str | None = None) -> Portal:
    portal = _portal(request)
    if _admin(request) is None:
        raise HTTPException(401, "Log in as an administrator")
    if csrf_token is not None and not portal.guard.csrf_valid(request.cookies.get(CSRF_COOKIE), csrf_token):
        raise HTTPException(403, "Form expired or forged; reload the page and try again")
    return portal


@router.get("/login")
def login_form(request: Request) -> Response:
    return _portal(request).render(request, "admin_login.html", error=None)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(..., max_length=100),
    password: str = Form(..., max_length=500),
    csrf_token: str = Form(""),
) -> Response:
    portal = _portal(request)
    if not portal.guard.csrf_valid(request.cookies.get(CSRF_COOKIE), csrf_token):
        raise HTTPException(403, "Form expired or forged; reload the page and try again")
    if not _login_allowed(portal, request, username):
        raise HTTPException(429, "Too many attempts; wait a few minutes")
    if not portal.users.authenticate(username, password):
        return portal.render(request, "admin_login.html", status_code=401, error="Wrong name or password")
    response = RedirectResponse("/admin", status_code=303)
    response.set_cookie(
        DEVICE_COOKIE,
        portal.guard.device_cookie(username),
        max_age=DEVICE_MAX_AGE,
        path="/admin/login",
        httponly=True,
        samesite="strict",
        secure=portal.guard.secure_cookies,
    )
    response.set_cookie(
        SESSION_COOKIE,
        portal.guard.session_cookie(portal.users.open_session(username)),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=portal.guard.secure_cookies,
    )
    return response


def _login_allowed(portal: Portal, request: Request, username: str) -> bool:
    """Whether a login attempt may be checked; every attempt counts.

    Limits in the manner of mature login throttles: per address and account together (one client guessing one
    password), per address (one client trying many names), and a slower ceiling over all attempts (many addresses
    guessing), which a browser that has logged in to the account before skips. No limit is per account alone:
    anyone could then lock the administrator out with ten wrong passwords and keep it locked with one a minute.
    """
    address = portal.client_address(request)
    account = username.casefold()
    if not portal.login_limit_pair.allow(portal.guard.hash_ip(f"{address}\x00{account}")):
        return False
    if not portal.login_limit.allow(portal.guard.hash_ip(address)):
        return False
    if portal.guard.known_device(request.cookies.get(DEVICE_COOKIE), username):
        return True
    return portal.login_limit_global.allow("all")


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    portal = _require(request, csrf_token)
    token = portal.guard.session_token(request.cookies.get(SESSION_COOKIE))
    if token:
        portal.users.close_session(token)  # the cookie is worthless from now on, wherever a copy of it is
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _with_guesses(
    unplaced: list[tuple[int, str, str | None]], sections: list[Named]
) -> list[tuple[int, str, str | None, str | None]]:
    """Each unplaced article with the section its publisher's label names, where one does: that section is
    chosen already, so placing it is one click."""
    by_slug = {section.slug for section in sections}
    return [
        (article_id, title, label, slug if label and (slug := slugify(label)) in by_slug else None)
        for article_id, title, label in unplaced
    ]


@router.get("")
def dashboard(request: Request) -> Response:
    if _admin(request) is None:
        return RedirectResponse("/admin/login", status_code=303)
    portal = _portal(request)
    pending = portal.comments.pending()
    sections = portal.queries.sections()
    articles = {c.article_id: portal.store.get_article(c.article_id, include_hidden=True) for c in pending}
    sources = SourceStore(portal.store.engine).list_sources()
    # Feeds failing now, first on the page: an offline machine or a moved feed shows here, not only in the logs.
    unreachable = sorted(
        ((source, feed) for source in sources for feed in source.feeds if feed.error_streak),
        key=lambda pair: (pair[0].name.casefold(), pair[1].url),
    )
    return portal.render(
        request,
        "admin.html",
        pending=pending,
        articles=articles,
        sources=sources,
        unreachable=unreachable,
        sections=sections,
        flagged=ExtractionHealth(portal.store.engine).flagged(),
        unplaced=_with_guesses(EnrichmentStore(portal.store.engine).unplaced(50), sections),
        unplaced_count=EnrichmentStore(portal.store.engine).count_unplaced(),
        translation=translation_overview(portal.store, portal.settings),
        user=_admin(request),
    )


@router.get("/outlets/{slug}")
def outlet_health(request: Request, slug: str) -> Response:
    """An outlet's extraction health: a chart of each field's daily share, recent shares beside the baseline."""
    if _admin(request) is None:
        return RedirectResponse("/admin/login", status_code=303)
    portal = _portal(request)
    outlet = portal.queries.outlet(slug)
    if outlet is None:
        raise HTTPException(404, "No such outlet")
    health = ExtractionHealth(portal.store.engine)
    status = health.outlet(outlet.id)
    days = health.daily(outlet.id)
    return portal.render(
        request,
        "admin_outlet.html",
        outlet=outlet,
        days=days,
        health=status,
        chart=completeness_chart(days, status.dropped if status else []),
        fields=FIELDS,
        recent_days=RECENT_DAYS,
        baseline_days=BASELINE_DAYS,
    )


@router.get("/translations")
def translation_checks(request: Request, kind: str | None = Query(None, max_length=20)) -> Response:
    """Translated editions by the translation checks' flags, most flagged first."""
    if _admin(request) is None:
        return RedirectResponse("/admin/login", status_code=303)
    portal = _portal(request)
    translations = TranslationStore(portal.store.engine)
    kind = kind if kind in FLAG_KINDS else None
    return portal.render(
        request,
        "admin_translations.html",
        flagged=translations.flagged_articles(kind),
        jobs=translations.job_counts(),
        kinds=FLAG_KINDS,
        kind=kind,
    )


@router.post("/comments/{comment_id}")
def moderate(request: Request, comment_id: ItemId, action: str = Form(...), csrf_token: str = Form("")) -> Response:
    portal = _require(request, csrf_token)
    status = {"approve": "published", "reject": "rejected"}.get(action)
    if status is None or not portal.comments.set_status(comment_id, status):
        raise HTTPException(400, "Unknown comment or action")
    return RedirectResponse("/admin", status_code=303)


def _check_section_name(name: str) -> str:
    name = " ".join(name.split())
    if not re.search(r"\w", name):
        raise HTTPException(400, "A section name needs letters or digits")
    return name


@router.post("/feeds/{feed_id}/section")
def feed_section(
    request: Request, feed_id: ItemId, section: str = Form("", max_length=200), csrf_token: str = Form("")
) -> Response:
    portal = _require(request, csrf_token)
    name = " ".join(section.split())
    if name:
        _check_section_name(name)
    if not SourceStore(portal.store.engine).set_feed_section(feed_id, name or None):
        raise HTTPException(404, "No such entry point")
    if name:
        portal.queries.add_section(name)
    return RedirectResponse("/admin#sources-heading", status_code=303)


@router.post("/sections")
def add_section(request: Request, name: str = Form(..., max_length=200), csrf_token: str = Form("")) -> Response:
    portal = _require(request, csrf_token)
    name = _check_section_name(name)
    portal.queries.add_section(name)
    return RedirectResponse("/admin#sections-heading", status_code=303)


@router.post("/sections/{slug}")
def rename_section(
    request: Request, slug: str, name: str = Form(..., max_length=200), csrf_token: str = Form("")
) -> Response:
    portal = _require(request, csrf_token)
    name = _check_section_name(name)
    if not portal.queries.rename_section(slug, name):
        raise HTTPException(404, "No such section")
    return RedirectResponse("/admin#sections-heading", status_code=303)


@router.post("/articles/{article_id}/section")
def place_article(
    request: Request, article_id: ItemId, section: str = Form(..., max_length=200), csrf_token: str = Form("")
) -> Response:
    """The unplaced list's one-click placement: the article goes on the chosen section, and stays there."""
    portal = _require(request, csrf_token)
    if portal.store.get_article(article_id, include_hidden=True) is None:
        raise HTTPException(404, "No such article")
    if not EnrichmentStore(portal.store.engine).place(article_id, section):
        raise HTTPException(404, "No such section")
    return RedirectResponse("/admin#unplaced-heading", status_code=303)


@router.post("/articles/{article_id}/visibility")
def visibility(request: Request, article_id: ItemId, hidden: bool = Form(...), csrf_token: str = Form("")) -> Response:
    portal = _require(request, csrf_token)
    if portal.store.get_article(article_id, include_hidden=True) is None:
        raise HTTPException(404, "No such article")
    portal.store.set_hidden(article_id, hidden)
    return RedirectResponse("/admin", status_code=303)


@router.post("/articles/{article_id}/reprocess")
def reprocess(request: Request, article_id: ItemId, csrf_token: str = Form("")) -> Response:
    portal = _require(request, csrf_token)
    article = portal.store.get_article(article_id, include_hidden=True)
    record = portal.store.raw_html_record(article_id)
    if article is None or record is None:
        raise HTTPException(404, "No stored page for this article")
    html, final_url = record
    page = FetchedPage(html, article.canonical_url, url=article.url, final_url=final_url or article.url)
    page.fetched_at, page.source_id = article.fetched_at, article.source_id
    result = process_page(page, portal.store)
    if result.outcome.value == "failed":
        raise HTTPException(422, f"Extraction failed: {result.reason}")
    return RedirectResponse(article_path(article), status_code=303)
