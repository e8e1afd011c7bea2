"""What caches and browsers act on: Permissions-Policy, the API's validators and lifetime, the favicon's 304."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tests.web.conftest import Site


def test_headers_for_caches_and_browsers(site: Site) -> None:
    """A Permissions-Policy on every page; API answers carry an ETag and a lifetime, and a 304 when unchanged;
    the favicon answers a conditional request with 304."""
    with site.client() as client:
        page = client.get("/")
        assert "camera=()" in page.headers["permissions-policy"]
        api = client.get("/api/v1/articles")
        assert api.status_code == 200 and api.headers["cache-control"].startswith("public")
        etag = api.headers["etag"]
        again = client.get("/api/v1/articles", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert client.get("/api/v1/articles", headers={"If-None-Match": '"other"'}).status_code == 200
        assert "etag" not in client.get("/api/v1/articles/999999").headers  # errors pass untouched
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.content
        cached = client.get("/favicon.ico", headers={"If-None-Match": icon.headers["etag"]})
        assert cached.status_code == 304 and cached.content == b""
        by_date = client.get("/favicon.ico", headers={"If-Modified-Since": icon.headers["last-modified"]})
        assert by_date.status_code == 304


def test_pages_and_feeds_say_when_they_last_changed(site: Site) -> None:
    """Last-Modified on kept HTML pages and feeds: an HTTP date, no later than now and no earlier than the newest
    article they show; it moves on when an article changes."""
    from email.utils import parsedate_to_datetime

    from tests.support.articles import make_article

    with site.client() as client:
        first = {
            path: client.get(path).headers.get("last-modified") for path in ("/", "/en/section/world", "/feed.xml")
        }
        assert all(first.values()), first
        newest = site.app.state.portal.queries.last_change().replace(tzinfo=UTC, microsecond=0)
        for stamp in first.values():
            when = parsedate_to_datetime(stamp)
            assert when.tzinfo is not None and newest <= when <= datetime.now(UTC)
        when = parsedate_to_datetime(first["/feed.xml"])
        time.sleep(1.1)  # HTTP dates have whole seconds
        site.store.upsert_article(make_article(40, title="A later report"))
        later = parsedate_to_datetime(client.get("/feed.xml").headers["last-modified"])
    assert later > when
