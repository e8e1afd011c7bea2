"""What crawlers and browsers ask of every site: ``/robots.txt`` (naming the sitemaps), ``/favicon.ico``; and
the portal's public address (``base_url``, or the trusted proxy's forwarded scheme and host when told so)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from newsloom.web.portal import CACHE_HEADER, WEB_DIR, public_base

router = APIRouter()
DAY = "public, max-age=86400"


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> Response:
    base = public_base(request.app.state.portal.settings, request)
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /admin",
            "Disallow: /api/",
            "Disallow: /search",
            "",
            f"Sitemap: {base}/sitemap.xml",
            f"Sitemap: {base}/news-sitemap.xml",
            f"Sitemap: {base}/sitemap-index.xml",
            "",
        ]
    )
    return PlainTextResponse(body, headers={CACHE_HEADER: "0"})


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(WEB_DIR / "static" / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": DAY})
