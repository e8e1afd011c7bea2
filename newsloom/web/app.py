"""The portal application: reader pages, comments, admin, feeds, JSON API and ops endpoints in one app."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.web import admin, comments, feeds, indexing, media, ops, pages
from newsloom.web.api import create_api
from newsloom.web.api_caching import ApiCaching
from newsloom.web.editions import VARY_LANGUAGE, VARY_LANGUAGE_KEY, EditionRouter
from newsloom.web.i18n import N_
from newsloom.web.page_cache import EdgeCache
from newsloom.web.pictures import allowed_hosts
from newsloom.web.portal import WEB_DIR, Portal
from newsloom.web.replay import REPLAY_SLOT, ReplaySlot
from newsloom.web.static import FingerprintedStatic

log = logging.getLogger(__name__)
HEAD_FLAG = "newsloom.head"  # in the scope of a HEAD request answered as a GET
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    # No script runs on our pages: whatever an article or comment smuggles in, the browser refuses to execute.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; script-src 'none'; object-src 'none'; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    # A news page needs no device: embedded players and anything smuggled into a page get none either.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()",
}


def security_headers(settings: Settings) -> dict[str, str]:
    """The fixed headers, with frames allowed only from the video hosts an operator named (``video_hosts``)."""
    headers = dict(SECURITY_HEADERS)
    frames = sorted(
        f"https://{host}" for host in allowed_hosts(settings.video_hosts) for host in EMBED_HOSTS.get(host, ())
    )
    if frames:
        headers["Content-Security-Policy"] += "; frame-src " + " ".join(frames)
    return headers


EMBED_HOSTS = {"www.youtube.com": ("www.youtube-nocookie.com",), "vimeo.com": ("player.vimeo.com",)}


def create_app(settings: Settings, store: SQLStore | None = None) -> FastAPI:
    portal = Portal(settings, store or open_store(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        portal.views.flush()  # the last seconds of read counts

    app = FastAPI(title=settings.site_name, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.portal = portal
    app.mount("/static", FingerprintedStatic(WEB_DIR / "static"), name="static")
    app.mount("/api/v1", ApiCaching(create_api(portal)))
    for router in (
        media.router,
        indexing.router,
        pages.router,
        comments.router,
        admin.router,
        ops.router,
        feeds.router,
    ):
        app.include_router(router)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException and the router's own 404/405
    def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code)
        return portal.render(request, "error.html", status_code=error.status_code, message=error.detail)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: RequestValidationError) -> Response:
        in_path = any(item.get("loc", ("",))[0] == "path" for item in error.errors())
        status, message = (
            (404, N_("Not found")) if in_path else (400, N_("Bad request: check the address or form fields"))
        )
        return portal.render(request, "error.html", status_code=status, message=message)

    @app.exception_handler(Exception)
    def server_error(request: Request, _error: Exception) -> Response:
        return internal_error(request.url.path)

    edge = EdgeCache(app, portal, settings.page_cache_mb * 1024 * 1024)
    app.state.edge = edge
    # Outermost: the edition comes off the path before anything routes or caches by it.
    headed = SecurityHeaders(app, edge, security_headers(settings))
    routed = EditionRouter(headed, settings.edition_list, settings.edition_list[0])
    return routed  # type: ignore[return-value]


class SecurityHeaders:
    """Pure ASGI wrapper adding security headers (and an edition page's ``Vary: Accept-Language``,
    ``editions.VARY_LANGUAGE_KEY``) and counting responses (cheaper than HTTP middleware).

    Requests go to ``inner`` (the page cache in front of the FastAPI app); attribute access falls through to the
    FastAPI app, so ``app.state`` and friends keep working.
    """

    def __init__(self, app: FastAPI, inner: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.inner = inner
        self._headers = [(k.lower().encode(), v.encode()) for k, v in (headers or SECURITY_HEADERS).items()]
        self._names = frozenset(name for name, _ in self._headers)

    def __getattr__(self, name: str) -> object:
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        path = scope["path"]
        route = path.strip("/").split("/", 1)[0] or "home"
        route = route if route in _ROUTE_KINDS else "other"
        private = _ADMIN_PATH.match(path) is not None
        vary_language = scope.get(VARY_LANGUAGE_KEY, False)

        started = False
        slot: ReplaySlot | None = scope.get(REPLAY_SLOT)
        head = scope["method"] == "HEAD"
        if head:  # HEAD answers wherever GET does: the GET response, headers only (before and after caching)
            scope = {**scope, "method": "GET", HEAD_FLAG: True}

        async def send_with_headers(message):  # type: ignore[no-untyped-def]
            nonlocal started
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                started = True
                headers = message.get("headers") or []
                if private:  # never kept by a browser or proxy, whatever the route set
                    headers = [header for header in headers if header[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                present = {name for name, _ in headers}
                added = self._headers if present.isdisjoint(self._names) else [
                    header for header in self._headers if header[0] not in present
                ]  # fmt: skip
                headers = [*headers, *added]
                if vary_language and any(n == b"content-type" and v.startswith(b"text/html") for n, v in headers):
                    headers.append(VARY_LANGUAGE)
                message["headers"] = headers
                counted = (route, message["status"])
                ops.REQUESTS[counted] += 1
                if slot is not None:  # the page cache offered this answer for replay: counted again then
                    slot.also(functools.partial(_count_request, counted))
            await send(message)

        try:
            await self.inner(scope, receive, send_with_headers)
        except Exception:
            # Left alone, the server would answer a bare 500 of its own, outside this wrapper, so without these
            # headers. The traceback goes to the log, never to the reader.
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if not started:
                response = internal_error(scope["path"])
                await response(scope, receive, send_with_headers)


def _count_request(counted: tuple[str, int]) -> None:
    ops.REQUESTS[counted] += 1


def internal_error(path: str) -> Response:
    """The 500 answer: JSON under /api/, a plain page elsewhere (no template: it must not fail in its turn)."""
    if path.startswith("/api/"):
        return Response(_API_ERROR, status_code=500, media_type="application/json", headers=_NO_STORE)
    return Response(_PAGE_ERROR, status_code=500, media_type="text/html", headers=_NO_STORE)


_NO_STORE = {"cache-control": "no-store"}
# Admin pages (the login form included, in any edition) carry pending comments, the sources' health and a CSRF
# token: no browser history, shared proxy or back button may keep a copy.
_ADMIN_PATH = re.compile(r"^/(?:[a-z]{2,3}(?:-[A-Za-z0-9]+)?/)?admin(?:/|$)")
_API_ERROR = b'{"detail":"Internal error; it has been logged"}'
_PAGE_ERROR = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title>'
    b'<link rel="stylesheet" href="/static/portal.css"></head><body><main><h1>Something went wrong</h1>'
    b'<p>This page could not be shown; the error has been logged. <a href="/">Home</a></p></main></body></html>'
)


_ROUTE_KINDS = {
    "home",
    "article",
    "section",
    "tag",
    "author",
    "outlet",
    "outlets",
    "videos",
    "story",
    "search",
    "admin",
    "api",
    "feed.xml",
    "atom.xml",
    "sitemap.xml",
    "news-sitemap.xml",
    "static",
    "robots.txt",
    "favicon.ico",
    "media",
    "healthz",
    "metrics",
}
