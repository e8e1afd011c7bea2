"""The JSON API: fixed routes and fields, cursor pagination, OpenAPI document."""

from __future__ import annotations

import re

from tests.web.conftest import Site


def test_articles_list_and_fields(site: Site) -> None:
    with site.client() as client:
        page = client.get("/api/v1/articles", params={"limit": 2}).json()
        assert len(page["items"]) == 2 and page["next_cursor"]
        item = page["items"][0]
        for key in ("id", "title", "portal_url", "source_url", "outlet", "section", "tags", "published"):
            assert key in item
        assert item["portal_url"].startswith("http://127.0.0.1:8000/article/")
        rest = client.get("/api/v1/articles", params={"limit": 10, "cursor": page["next_cursor"]}).json()
        ids = [i["id"] for i in page["items"]] + [i["id"] for i in rest["items"]]
        assert sorted(ids) == sorted(site.ids) and rest["next_cursor"] is None


def test_article_detail_and_404(site: Site) -> None:
    with site.client() as client:
        detail = client.get(f"/api/v1/articles/{site.ids[0]}").json()
        assert detail["outlet"] == "Example News" and "First paragraph of article 1." in detail["body"]
        assert detail["story_id"] == site.story_id
        assert client.get("/api/v1/articles/99999").status_code == 404
        assert client.get("/api/v1/articles", params={"limit": 0}).status_code == 422


def test_search_sections_tags_outlets_stories(site: Site) -> None:
    with site.client() as client:
        hits = client.get("/api/v1/search", params={"q": "ha noi"}).json()["items"]
        assert len(hits) == 5 and "\x02" not in hits[0]["snippet"]
        assert {s["slug"] for s in client.get("/api/v1/sections").json()} == {"world", "sport"}
        assert {"climate", "football"} <= {t["slug"] for t in client.get("/api/v1/tags").json()}
        newest = client.get("/api/v1/tags", params={"over": 1}).json()  # the newest article's tags alone
        assert newest and all(t["articles"] == 1 for t in newest)
        assert any(t["articles"] > 1 for t in client.get("/api/v1/tags").json())
        assert client.get("/api/v1/tags", params={"over": 0}).status_code == 422
        assert {o["name"] for o in client.get("/api/v1/outlets").json()} == {"Example News", "Other Daily"}
        story = client.get(f"/api/v1/stories/{site.story_id}").json()
        assert [a["id"] for a in story["articles"]] == [site.ids[0], site.ids[3]]
        assert story["first_reporter"] == "Example News" and story["portal_url"].endswith(f"/story/{site.story_id}")
        assert {"citing": "Other Daily", "cited": "Example News", "cited_article_id": site.ids[0]}.items() <= next(
            c for c in story["citations"] if c["citing"] == "Other Daily"
        ).items()
        top = client.get("/api/v1/stories").json()
        assert [(s["id"], s["articles"]) for s in top] == [(site.story_id, 2)]


def test_openapi_document_lists_the_routes(site: Site) -> None:
    with site.client() as client:
        spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/articles", "/articles/{article_id}", "/search"} <= set(spec["paths"])


def test_cursors_are_opaque_and_bad_ones_answer_400(site: Site) -> None:
    with site.client() as client:
        first = client.get("/api/v1/articles", params={"limit": 2}).json()
        cursor = first["next_cursor"]
        assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)  # URL-safe as it is: no '+', ':' or '='
        second = client.get(f"/api/v1/articles?limit=2&cursor={cursor}").json()
        assert {a["id"] for a in second["items"]}.isdisjoint({a["id"] for a in first["items"]})
        for bad in ("garbage", "2025-02-02T08:00:00+00:00_65", cursor[:-3], "%00"):
            response = client.get("/api/v1/articles", params={"cursor": bad})
            assert response.status_code == 400, bad
            assert "cursor" in response.json()["detail"].lower()
        page = client.get("/section/world", params={"before": "garbage"})
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
