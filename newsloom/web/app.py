"""The portal application: reader pages, comments, admin, feeds, JSON API and ops endpoints in one app."""

from __future__ import annotations

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
from newsloom.web.edge import EdgeCache
from newsloom.web.pictures import allowed_hosts
from newsloom.web.portal import WEB_DIR, Portal
from newsloom.web.static import FingerprintedStatic

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    # No script runs on our pages: whatever an article or comment smuggles in, the browser refuses to execute.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; script-src 'none'; object-src 'none'; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


def security_headers(settings: Settings) -> dict[str, str]:
    """The fixed headers, with frames allowed only from the video hosts an operator named (``video_hosts``)."""
    headers = dict(SECURITY_HEADERS)
    frames = sorted(f"https://{host}" for host in allowed_hosts(settings.video_hosts) for host in EMBED_HOSTS.get(host, ()))
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
    app.mount("/api/v1", create_api(portal))
    for router in (media.router, indexing.router, pages.router, comments.router, admin.router, ops.router, feeds.router):
        app.include_router(router)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException and the router's own 404/405
    def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code)
        return portal.render(request, "error.html", status_code=error.status_code, message=error.detail)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: RequestValidationError) -> Response:
        in_path = any(item.get("loc", ("",))[0] == "path" for item in error.errors())
        status, message = (404, "Not found") if in_path else (400, "Bad request: check the address or form fields")
        return portal.render(request, "error.html", status_code=status, message=message)

    edge = EdgeCache(app, portal, settings.page_cache_mb * 1024 * 1024)
    app.state.edge = edge
    return SecurityHeaders(app, edge, security_headers(settings))  # type: ignore[return-value]


class SecurityHeaders:
    """Pure ASGI wrapper adding security headers and counting responses (cheaper than HTTP middleware).

    Requests go to ``inner`` (the page cache in front of the FastAPI app); attribute access falls through to the
    FastAPI app, so ``app.state`` and friends keep working.
    """

    def __init__(self, app: FastAPI, inner: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.inner = inner
        self._headers = [(k.lower().encode(), v.encode()) for k, v in (headers or SECURITY_HEADERS).items()]

    def __getattr__(self, name: str) -> object:
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        route = scope["path"].strip("/").split("/", 1)[0] or "home"
        route = route if route in _ROUTE_KINDS else "other"

        async def send_with_headers(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in self._headers if header[0] not in present
                ]
                ops.REQUESTS[(route, message["status"])] += 1
            await send(message)

        await self.inner(scope, receive, send_with_headers)


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
