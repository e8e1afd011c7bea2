"""The page cache at the edge, over real HTTP: hits, validation by any committer, single flight, bounds, bypass."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from email.utils import formatdate, parsedate_to_datetime

import httpx
import pytest

from newsloom.model import Comment
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.comments import CommentStore
from newsloom.store.users import UserStore
from newsloom.web import create_app
from newsloom.web.comments import comment_purpose
from newsloom.web.page_cache import EdgeCache
from newsloom.web.portal import article_path
from newsloom.web.security import FORM_TOKEN_PERIOD
from tests.support.web import AppServer, form_token, login
from tests.web.conftest import Site


def edge(site: Site) -> EdgeCache:
    found: EdgeCache = site.app.state.edge
    return found


def article_url(site: Site, index: int = 0) -> str:
    return article_path(site.store.get_article(site.ids[index]))  # type: ignore[arg-type]


def test_repeated_reads_are_served_from_memory_with_the_same_bytes(site: Site) -> None:
    cache = edge(site)
    with site.client() as client:
        first = client.get(article_url(site))
        misses = cache.misses
        second = client.get(article_url(site))
    assert first.status_code == second.status_code == 200
    assert cache.misses == misses and cache.hits >= 1
    assert first.text == second.text  # same reader, same cookie: same token, same bytes
    assert first.headers["etag"] == second.headers["etag"]
    assert "x-newsloom-cache" not in second.headers
    assert second.headers["content-security-policy"].startswith("default-src")  # security headers on hits too


def test_a_commit_from_another_process_is_seen_on_the_next_request(site: Site, settings: Settings) -> None:
    with site.client() as client:
        assert "Article number 1 about" in client.get(article_url(site)).text
        # Another writer, outside SQLAlchemy and this process's connections: a plain sqlite3 connection.
        with sqlite3.connect(settings.data_dir / "newsloom.db") as other:
            other.execute("UPDATE articles SET title = 'Retitled by the night editor' WHERE id = ?", (site.ids[0],))
        page = client.get(article_url(site))
    assert "Retitled by the night editor" in page.text


def test_hiding_an_article_takes_effect_at_once(site: Site) -> None:
    path = article_url(site, 1)
    with site.client() as client:
        assert client.get(path).status_code == 200
        site.store.set_hidden(site.ids[1], True)
        assert client.get(path).status_code == 404


def test_every_reader_gets_the_same_bytes_and_no_cookie(site: Site) -> None:
    """A kept page holds nothing of its reader's: two readers get one set of bytes, the comment form's token in it
    valid for both, and no Set-Cookie."""
    with site.client() as first, site.client() as second:
        one = first.get(article_url(site))
        two = second.get(article_url(site))
    assert edge(site).hits >= 1
    assert one.content == two.content and one.headers["etag"] == two.headers["etag"]
    assert "set-cookie" not in one.headers and "set-cookie" not in two.headers
    assert site.app.state.portal.guard.form_token_valid(comment_purpose(site.ids[0]), form_token(two.text))
    assert int(two.headers["content-length"]) == two.num_bytes_downloaded  # as sent (compressed: httpx accepts it)


def test_concurrent_misses_render_once(site: Site) -> None:
    cache = edge(site)
    misses = cache.misses
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def read() -> None:
        barrier.wait()
        statuses.append(httpx.get(site.url + article_url(site, 2), timeout=10).status_code)

    threads = [threading.Thread(target=read) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    assert cache.misses == misses + 1


def test_readers_get_the_page_before_while_a_timed_out_page_is_made_again(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home page is kept a minute (its "most read"); when the minute ends, one reader's request makes it again and
    the others meanwhile get the page before, instead of queueing behind that render."""
    cache, portal = edge(site), site.app.state.portal
    first = httpx.get(site.url + "/", timeout=10)
    assert first.status_code == 200
    (key,) = [key for key in cache._entries if key[0].endswith("/")]  # the edition, then the address
    cache._entries[key].expires = time.monotonic() - 1  # its minute is over; the store is as it was
    rendering, release = threading.Event(), threading.Event()
    most_read = portal.most_read

    def slow_most_read(limit: int) -> list[int]:
        rendering.set()
        assert release.wait(10)
        return most_read(limit)

    monkeypatch.setattr(portal, "most_read", slow_most_read)
    remade: list[httpx.Response] = []
    maker = threading.Thread(target=lambda: remade.append(httpx.get(site.url + "/", timeout=10)))
    maker.start()
    try:
        assert rendering.wait(10)
        meanwhile = httpx.get(site.url + "/", timeout=5)  # answered while the render waits
    finally:
        release.set()
        maker.join()
    assert meanwhile.status_code == 200 and meanwhile.headers["etag"] == first.headers["etag"]
    assert remade[0].status_code == 200 and cache._fresh(key, portal.store.change_token()) is not None


def test_conditional_get_and_head(site: Site) -> None:
    with site.client() as client:
        etag = client.get(article_url(site)).headers["etag"]
        assert client.get(article_url(site), headers={"If-None-Match": etag}).status_code == 304
        head = client.head(article_url(site))
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 1000


def test_views_are_counted_on_cache_hits(site: Site) -> None:
    portal = site.app.state.portal
    with site.client() as client:
        for _ in range(3):
            client.get(article_url(site, 4))
    assert portal.views.views_of(site.ids[4]) == 3 and portal.most_read(1) == [site.ids[4]]


def test_administrators_always_get_a_fresh_rendering(site: Site) -> None:
    cache = edge(site)
    with site.client() as editor:
        login(editor, site)
        editor.get(article_url(site))
        hits, misses = cache.hits, cache.misses
        page = editor.get(article_url(site))
    assert (cache.hits, cache.misses) == (hits, misses)
    assert page.headers["cache-control"] == "private, no-store"  # never kept by a browser or a shared cache
    assert re.search(r'name="csrf_token" value="[^"]{20}', page.text)


def test_the_cache_is_bounded(settings: Settings, store: SQLStore) -> None:
    from tests.support.articles import make_article

    ids = [store.upsert_article(make_article(number)).article_id for number in range(1, 4)]
    app = create_app(settings, store)
    cache: EdgeCache = app.state.edge
    cache.max_bytes = 1  # room for one page: every new page evicts the least recently used
    with AppServer(app) as server, server.client() as client:
        for article_id in ids:
            assert client.get(f"/article/{article_id}/x", follow_redirects=True).status_code == 200
        assert len(cache._entries) == 1
        again = client.get(f"/article/{ids[0]}/x", follow_redirects=True)
    assert again.status_code == 200 and "Article number 1 about" in again.text


def test_a_zero_sized_cache_still_serves_shareable_pages(settings: Settings, store: SQLStore) -> None:
    from tests.support.articles import make_article

    article_id = store.upsert_article(make_article(1)).article_id
    app = create_app(settings.model_copy(update={"page_cache_mb": 0}), store)
    with AppServer(app) as server, server.client() as client:
        page = client.get(f"/article/{article_id}/x", follow_redirects=True)
    assert app.state.edge.hits == 0
    assert "set-cookie" not in page.headers and page.headers["cache-control"].startswith("public")
    assert app.state.portal.guard.form_token_valid(comment_purpose(article_id), form_token(page.text))


def test_anonymous_pages_are_public_shared_and_set_no_cookie(site: Site) -> None:
    """Over a real socket: an anonymous article page, a listing and a 404 set no cookie; kept pages say any
    cache may keep them; the article page's bytes are valid for every reader until its token's day ends."""
    with httpx.Client(base_url=site.url, timeout=10) as client:
        page = client.get(article_url(site))
        listing = client.get("/section/world")
        missing = client.get("/article/999999/nothing-here")
        unrouted = client.get("/no/such/page")
    assert page.status_code == listing.status_code == 200 and missing.status_code == unrouted.status_code == 404
    for response in (page, listing, missing, unrouted):
        assert "set-cookie" not in response.headers, response.url
    for response in (page, listing):
        control = response.headers["cache-control"]
        assert control.startswith("public") and "s-maxage=" in control and "stale-while-revalidate=" in control
    entry = edge(site)._entries[next(key for key in edge(site)._entries if key[0].endswith(article_url(site)))]
    assert entry.expires is not None and entry.expires - time.monotonic() <= FORM_TOKEN_PERIOD


def test_conditional_gets_by_etag_and_by_date(site: Site) -> None:
    """304 for If-None-Match and for If-Modified-Since, on an article page and a feed; Last-Modified stays while
    a re-rendering gives the same bytes and never lets a client keep a page that changed."""
    with httpx.Client(base_url=site.url, timeout=10) as client:
        for path in (article_url(site), "/feed.xml"):
            first = client.get(path)
            stamp, etag = first.headers["last-modified"], first.headers["etag"]
            by_tag = client.get(path, headers={"If-None-Match": etag})
            assert by_tag.status_code == 304 and by_tag.content == b"" and by_tag.headers["etag"] == etag
            assert by_tag.headers["last-modified"] == stamp and by_tag.headers["cache-control"].startswith("public")
            by_date = client.get(path, headers={"If-Modified-Since": stamp})
            assert by_date.status_code == 304 and by_date.content == b""
            earlier = formatdate(parsedate_to_datetime(stamp).timestamp() - 1, usegmt=True)
            assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
            assert client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": stamp}).status_code == 200
        path = article_url(site)
        stamp = client.get(path).headers["last-modified"]
        UserStore(site.store.engine).create("someone", "a long enough password")  # a commit the page does not show
        same = client.get(path, headers={"If-Modified-Since": stamp})
        assert same.status_code == 304
        # A comment changes the page and no article's date: within the same second, the page still comes back.
        CommentStore(site.store.engine).add(Comment(site.ids[0], "Reader", "Published at once", status="published"))
        changed = client.get(path, headers={"If-Modified-Since": stamp})
    assert changed.status_code == 200 and "Published at once" in changed.text
