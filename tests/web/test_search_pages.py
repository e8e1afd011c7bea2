"""Search pages: the true count, next/previous pages that do not overlap, outlet and date on each hit."""

from __future__ import annotations

import re

import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.search import Fts5SearchIndex
from newsloom.web import create_app
from tests.support.articles import make_article
from tests.support.web import AppServer


def test_search_paginates_with_a_count(settings: Settings, store: SQLStore) -> None:
    for number in range(1, 46):
        store.upsert_article(make_article(number, title=f"Harbour police report {number}"))
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        first = client.get("/search", params={"q": "police"}).text
        assert "45 results for “police” · page 1 of 3" in first
        titles = [re.findall(r'class="article-link" href="[^"]+">([^<]+)<', client.get(url).text)
                  for url in ("/search?q=police", "/search?q=police&page=2", "/search?q=police&page=3")]  # fmt: skip
        assert [len(page) for page in titles] == [20, 20, 5]
        assert len({t for page in titles for t in page}) == 45
        next_url = re.search(r'<a rel="next" href="([^"]+)"', first).group(1)  # type: ignore[union-attr]
        second = client.get(next_url.replace("&amp;", "&")).text
        assert 'rel="prev"' in second and "page 2 of 3" in second
        assert 'rel="next"' not in client.get("/search?q=police&page=3").text
        hit = first.split('search-results"', 1)[1].split("</li>", 1)[0]
        assert 'class="outlet"' in hit and "<time datetime=" in hit
        assert client.get("/search", params={"q": "police", "page": "0"}).status_code == 400
        past = client.get("/search", params={"q": "police", "page": "7"}).text
        assert "No articles match" not in past and "Results for “police” end on page 3." in past
        assert 'href="/search?q=police&amp;page=3"' in past
        # The Vietnamese edition searches what its readers can read (no English article) unless they choose a language.
        vietnamese = client.get("/search", params={"q": "police"}, headers={"Accept-Language": "vi"})
        assert "Harbour police" not in vietnamese.text
        params = {"q": "police", "page": "7", "language": "en"}
        vietnamese = client.get("/search", params=params, headers={"Accept-Language": "vi"})
        assert "Kết quả cho “police” chỉ có đến trang 3." in vietnamese.text
        assert "No articles match" in client.get("/search", params={"q": "nowhereword", "page": "2"}).text


def test_a_count_at_the_ranking_bound_says_so(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results are ranked among the newest matches, and counted up to that bound: a count that reached it reads
    "N+" in both editions (here a bound of 12 over 30 matches); under it, the exact figure."""
    monkeypatch.setattr(Fts5SearchIndex, "RANKED_MATCHES", 12)
    for number in range(1, 31):
        store.upsert_article(make_article(number, title=f"Harbour police report {number}"))
    store.upsert_article(make_article(31, title="Quay report"))
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        past = client.get("/search", params={"q": "police", "page": "2"}).text
        assert "Results for “police” end on page 1." in past  # 12 results: one page of 20
        first = client.get("/search", params={"q": "report"}).text
        assert "12+ results for “report”" in first and "12 results" not in first
        vietnamese = client.get("/search", params={"q": "report", "language": "en"}, headers={"Accept-Language": "vi"})
        assert "12+ kết quả cho “report”" in vietnamese.text
        exact = client.get("/search", params={"q": "quay"}).text
        assert "1 result for “quay”" in exact and "+ result" not in exact
