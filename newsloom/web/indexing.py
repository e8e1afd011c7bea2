"""What crawlers and browsers ask of every site: ``/robots.txt`` (naming the sitemaps), ``/favicon.ico``; and
the portal's public address (``base_url``, or the trusted proxy's forwarded scheme and host when told so)."""

from __future__ import annotations

from email.utils import formatdate

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


FAVICON = WEB_DIR / "static" / "favicon.ico"


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    """The icon, or an empty 304 when the browser's copy is current (every page load asks for it)."""
    stat = FAVICON.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    modified = formatdate(stat.st_mtime, usegmt=True)
    headers = {"Cache-Control": DAY, "ETag": etag, "Last-Modified": modified}
    asked = request.headers.get("if-none-match")
    if asked is not None:
        fresh = etag in {tag.strip().removeprefix("W/") for tag in asked.split(",")} or asked.strip() == "*"
    else:
        fresh = request.headers.get("if-modified-since") == modified
    if fresh:
        return Response(status_code=304, headers=headers)
    return FileResponse(FAVICON, media_type="image/x-icon", headers=headers)
