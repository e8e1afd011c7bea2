"""A small news site on a :class:`FaultSite`: homepage with a feed link, robots.txt with a sitemap, articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from tests.conftest import article_html
from tests.fetch.site import FaultSite, Reply, Request

BASE_DATE = datetime(2024, 10, 26, 7, 0, tzinfo=UTC)


class NewsSite:
    """Articles ``/news/story-N-…``; ``/feed.xml`` (RSS, newest ``feed_size``) and ``/sitemap.xml`` list them."""

    def __init__(self, site: FaultSite, count: int, feed_size: int = 10) -> None:
        self.site = site
        self.count = 0
        self.feed_size = feed_size
        self.versions: dict[int, int] = {}
        site.route("/", Reply(200, self.homepage()))
        site.route(
            "/robots.txt",
            Reply(
                200,
                f"User-agent: *\nAllow: /\nSitemap: {site.url('/sitemap.xml')}\n".encode(),
                content_type="text/plain",
            ),
        )
        site.route("/feed.xml", self._conditional(self.rss, "application/rss+xml"))
        site.route("/sitemap.xml", self._conditional(self.sitemap, "application/xml"))
        self.add(count)

    def path(self, number: int) -> str:
        return f"/news/story-{number}-storm-hits-the-coast"

    def add(self, count: int) -> None:
        for number in range(self.count, self.count + count):
            self.versions[number] = 1
            self.site.route(self.path(number), self._page(number))
        self.count += count

    def update(self, number: int) -> None:
        self.versions[number] += 1

    def _page(self, number: int):  # type: ignore[no-untyped-def]
        def reply(request: Request) -> Reply:
            version = self.versions[number]
            title = f"Storm report {number}" + (f" (update {version})" if version > 1 else "")
            return Reply(200, article_html(title=title, canonical=self.site.url(self.path(number))).encode())

        return reply

    def homepage(self) -> bytes:
        return b"""<!doctype html><html lang="en"><head><title>Loopback Times</title>
<meta property="og:site_name" content="Loopback Times">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
<link rel="icon" href="/favicon.ico"></head><body><h1>Loopback Times</h1></body></html>"""

    def modified(self, number: int) -> datetime:
        return BASE_DATE + timedelta(minutes=number, hours=self.versions[number] - 1)

    def newest(self) -> list[int]:
        return sorted(range(self.count), key=self.modified, reverse=True)

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>Storm report {n}</title><link>{self.site.url(self.path(n))}</link>"
            f"<pubDate>{format_datetime(self.modified(n))}</pubDate></item>"
            for n in self.newest()[: self.feed_size]
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Times</title>{items}</channel></rss>'.encode()

    def sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.site.url(self.path(n))}</loc><lastmod>{self.modified(n).isoformat()}</lastmod></url>"
            for n in self.newest()
        )
        return (
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
        )

    def _conditional(self, build, content_type: str):  # type: ignore[no-untyped-def]
        def reply(request: Request) -> Reply:
            body = build()
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            if request.headers.get("if-none-match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, body, headers={"ETag": etag}, content_type=content_type)

        return reply
