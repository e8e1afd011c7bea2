"""Search pages from a frame, and ``/search`` answered by the page cache without the framework's routing: every
response is the one the template and the route give (status, headers, bytes), for queries full of what escaping
changes, in both editions, with and without results, and for addresses the route must answer itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app, page_cache, search_page
from newsloom.web.search_page import OWN_MARK, QUERY_MARK, RESULTS_MARK, cut
from tests.support.articles import make_article
from tests.support.editions import store_editions
from tests.support.web import AppServer

QUERIES = [
    "storm",
    "storm 13",
    "nothing here 48213",
    "a&b <i>x</i>",
    "</script><script>alert(1)</script>",
    "\"double\" 'single' `tick`",
    "Bão số 13",
    "line\u2028separator \u2029 paragraph",
    "100% + 1 = #2 / ?q=x&page=3",
    "  padded   storm  ",
    "markets",
    "x" * 200,
]
# Addresses the route must answer itself (a value it rejects, a parameter twice) or that carry filters.
ODD = [
    "/search",
    "/search?q=",
    "/search?q=%20%20",
    "/search?q=storm&page=0",
    "/search?q=storm&page=abc",
    "/search?q=storm&page=01",
    "/search?q=storm&page=101",
    "/search?q=storm&page=2",
    "/search?q=storm&q=markets",
    "/search?q=" + "y" * 201,
    "/search?q=storm&section=&outlet=&language=&from=&to=",
    "/search?q=storm&language=vi",
    "/search?q=storm&from=2020-01-01&to=2030-01-01",
    "/search?q=storm&language=" + "v" * 11,
    "/search?page=2&q=storm&utm_source=feed&fbclid=1",
    "/search?q=%FF%FEstorm",
]


@pytest.fixture
def portal_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"page_cache_mb": 0})  # every request rendered, none shared


@pytest.fixture
def seeded(store: SQLStore) -> Iterator[SQLStore]:
    store_editions(store)
    for number in range(10, 34):  # more than a page of "storm", so "page 2" has results too
        store.upsert_article(make_article(number, title=f"Storm warning {number} for the coast"))
    yield store


def addresses() -> list[str]:
    found = []
    for query in QUERIES:
        for prefix in ("", "/en", "/vi"):
            found.append(f"{prefix}/search?" + urlencode({"q": query}))
    return found + ODD + ["/vi" + address for address in ODD]


def answers(client: httpx.Client, paths: list[str]) -> list[tuple[str, int, list[tuple[str, str]], bytes]]:
    found = []
    for path in paths:
        for language in ("en", "vi"):
            response = client.get(path, headers={"Accept-Language": language})
            headers = [(k, v) for k, v in response.headers.multi_items() if k != "last-modified"]
            found.append((f"{language} {path}", response.status_code, headers, response.content))
    return found


def test_search_pages_from_frames_are_the_template_s_bytes(
    portal_settings: Settings, seeded: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    framed = 0
    from_frame = search_page._from_frame  # what ``render`` and ``render_nothing_found`` answer with

    def counted(*args: object) -> object:
        nonlocal framed
        response = from_frame(*args)  # type: ignore[arg-type]
        framed += response is not None
        return response

    contexts: set[str] = set()  # the queries whose pages were given ``page_context``'s figures
    page_context = search_page.page_context

    def recorded(*args: object, **kwargs: object) -> object:
        contexts.add(str(kwargs["query"]))
        return page_context(*args, **kwargs)  # type: ignore[arg-type]

    paths = addresses()
    with AppServer(create_app(portal_settings, seeded)) as server, server.client() as client:
        monkeypatch.setattr(search_page, "_from_frame", counted)
        monkeypatch.setattr(search_page, "page_context", recorded)
        fast = answers(client, paths)
        assert "storm" in contexts and "nothing here 48213" not in contexts  # found nothing: the frame alone
        monkeypatch.setattr(search_page, "_from_frame", lambda *args: None)  # the template renders every page
        plain = answers(client, paths)
    assert framed >= 2 * len(QUERIES) * 3  # every plain query, in every edition, came from a frame
    assert [a[0] for a in fast] == [a[0] for a in plain]
    for one, other in zip(fast, plain, strict=True):
        assert one == other, one[0]
    texts = {name: body.decode() for name, _, _, body in fast}
    assert "No articles match “nothing here 48213”." in texts["en /search?q=nothing+here+48213"]
    assert "results for “storm”" in texts["en /search?q=storm"]
    assert (
        "&lt;/script&gt;&lt;script&gt;" in texts["en /search?q=%3C%2Fscript%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"]
    )


def test_search_answered_without_routing_is_the_route_s_answer(
    portal_settings: Settings, seeded: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = 0
    original = page_cache.direct_search

    async def counted(*args: object) -> object:
        nonlocal direct
        response = await original(*args)  # type: ignore[arg-type]
        direct += response is not None
        return response

    async def none(*_: object) -> None:
        return None

    paths = addresses()
    with AppServer(create_app(portal_settings, seeded)) as server, server.client() as client:
        monkeypatch.setattr(page_cache, "direct_search", counted)
        fast = answers(client, paths)
        monkeypatch.setattr(page_cache, "direct_search", none)  # every search through FastAPI's routing
        routed = answers(client, paths)
    for one, other in zip(fast, routed, strict=True):
        assert one == other, one[0]
    statuses = {name: status for name, status, _, _ in fast}
    assert statuses["en /search?q=storm&page=0"] == statuses["en /search?q=" + "y" * 201] == 400
    assert statuses["en /search?q=storm&page=2"] == 200
    # Rejected values and a parameter given twice went to the route; the rest did not.
    assert 0 < direct < len(fast) - 2 * 6


def test_a_frame_that_differs_from_the_template_is_not_used(
    portal_settings: Settings, seeded: SQLStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The check before a frame serves anyone: escaping that goes wrong (here, none at all) shows on the probe, and
    the template renders the pages instead."""
    values_for = search_page.values_for
    monkeypatch.setattr(search_page, "values_for", lambda query, own: {**values_for(query, own), "query": query})
    with AppServer(create_app(portal_settings, seeded)) as server, server.client() as client:
        with caplog.at_level(logging.WARNING, logger="newsloom.web.search_page"):
            page = client.get("/search", params={"q": "<b>bold</b> 48213"}).text
        monkeypatch.setattr(search_page, "values_for", values_for)
    assert "No articles match “&lt;b&gt;bold&lt;/b&gt; 48213”." in page and "<b>bold</b>" not in page
    assert "the frame differs from the template" in caplog.text


def test_a_mark_that_cannot_be_filled_in_gives_no_frame() -> None:
    frame = cut(f'<title>{QUERY_MARK}</title><link href="/search?q={OWN_MARK}"><main>{RESULTS_MARK}</main>')
    assert frame is not None and frame.kinds == ("query", "own", "results")
    values = {"query": "Q", "own": "q=a&amp;page=2", "results": "<ol></ol>"}
    assert frame.fill(values) == '<title>Q</title><link href="/search?q=a&amp;page=2"><main><ol></ol></main>'
    in_json = cut(f'<script type="application/ld+json">{{"url": "/search?q={OWN_MARK}", "q": "{QUERY_MARK}"}}</script>')
    assert in_json is not None and in_json.kinds == ("own_json", "query_json")
    assert cut(f"<script>{RESULTS_MARK}</script>") is None  # results never belong in a script
    assert cut(f'<a href="/search?page=2&amp;q={OWN_MARK}">') is None  # the own query is only ever whole
    assert cut(f'<a href="/search?q={OWN_MARK}&amp;page=2">') is None
