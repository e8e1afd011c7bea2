"""Lists many pages share (newest of a tag, section, author; outlet and section names) are built once and reused
by first renders of other pages, and are never served after anything in the store changed. Over real HTTP."""

from __future__ import annotations

import re

import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import portal as portal_module
from newsloom.web.portal import Portal
from tests.support.articles import make_article
from tests.web.conftest import Site


def block(html: str, kind: str) -> str:
    return html.split(f'id="rel-{kind}"', 1)[1].split("</section>", 1)[0]


def test_first_renders_reuse_shared_lists_and_follow_changes(site: Site) -> None:
    portal: Portal = site.app.state.portal
    with site.client() as client:
        client.get(f"/article/{site.ids[0]}/x", follow_redirects=True)
        # The section's list, shared by its pages as the (default) English edition shows it: rendered entries for
        # a stored page, the articles themselves for a live one.
        shared = [
            key for key in portal._memo if key[0] in ("neighbour-items", "newest") and key[1:3] == ("category", "world")
        ]
        assert shared and all("en" in key for key in shared)
        # A newer article in the same tags, section and author lands: pages never rendered before must show it.
        newest = site.store.upsert_article(make_article(50, title="Fresh report on the floods")).article_id
        html = client.get(f"/article/{site.ids[1]}/x", follow_redirects=True).text
        for kind in ("tag", "category", "author"):
            assert "Fresh report on the floods" in block(html, kind), kind
        site.store.set_hidden(newest, True)
        html = client.get(f"/article/{site.ids[2]}/x", follow_redirects=True).text
    assert "Fresh report on the floods" not in html


def test_outlet_and_section_names_follow_renames(site: Site) -> None:
    with site.client() as client:
        assert ">World</a>" in client.get(f"/article/{site.ids[0]}/x", follow_redirects=True).text
        site.app.state.portal.queries.rename_section("world", "Planet Earth")
        html = client.get(f"/article/{site.ids[1]}/x", follow_redirects=True).text
    assert ">Planet Earth</a>" in html and ">World</a>" not in html


def test_search_menus_list_sections_and_outlets_by_name_and_follow_changes(site: Site) -> None:
    with site.client() as client:
        page = client.get("/search", params={"q": "paragraph", "section": "sport"}).text
        sections = re.findall(r'<option value="([^"]*)"( selected)?>([^<]+)</option>', page)
        assert [(slug, name) for slug, _, name in sections if slug in ("sport", "world")] == [
            ("sport", "Sport"),
            ("world", "World"),
        ]
        assert ("sport", " selected", "Sport") in sections
        assert page.index(">Example News<") < page.index(">Other Daily<")
        site.app.state.portal.queries.add_section("Arts")
        site.app.state.portal.queries.add_section("<script>alert(1)</script>")
        page = client.get("/search", params={"q": "paragraph"}).text
        chosen = client.get("/search", params={"q": "paragraph", "section": "arts"}).text
    assert '<option value="arts">Arts</option>' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert '<option value="arts" selected>Arts</option>' in chosen and page.count(" selected>") == 0


def test_memo_keeps_what_is_read_and_drops_the_least_recently_used(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal_module, "MEMO_ENTRIES", 2)
    portal = Portal(settings, store)
    builds: list[str] = []

    def build(name: str) -> str:
        builds.append(name)
        return name

    portal.memo(("a",), lambda: build("a"))
    portal.memo(("b",), lambda: build("b"))
    portal.memo(("a",), lambda: build("a"))  # read again: now the most recently used
    portal.memo(("c",), lambda: build("c"))  # evicts "b", not "a"
    portal.memo(("a",), lambda: build("a"))
    portal.memo(("b",), lambda: build("b"))
    assert builds == ["a", "b", "c", "b"]
    store.upsert_article(make_article(1))  # any commit: everything is built again
    portal.memo(("b",), lambda: build("b"))
    assert builds == ["a", "b", "c", "b", "b"]


def _counts(portal: Portal) -> dict[str, int]:
    return {s.slug: s.articles for s in portal.section_counts()}


def test_section_counts_follow_every_change_where_counting_is_cheap(settings: Settings, store: SQLStore) -> None:
    portal = Portal(settings, store)
    store.upsert_article(make_article(1))
    assert _counts(portal) == {"world": 1}
    store.upsert_article(make_article(2))
    assert _counts(portal) == {"world": 2}


def test_slow_section_counts_are_reused_for_a_while_unless_the_sections_change(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal_module, "SLOW_COUNT", -1.0)  # every count is "slow", as at a million
    portal = Portal(settings, store)
    store.upsert_article(make_article(1))
    assert _counts(portal) == {"world": 1}
    store.upsert_article(make_article(2))
    assert _counts(portal) == {"world": 1}  # within the minute: the order readers see is kept
    store.upsert_article(make_article(3, section="Sport"))  # a new section is shown at once, counts redone
    assert _counts(portal) == {"world": 2, "sport": 1}
    store.upsert_article(make_article(4, section="Sport"))
    monkeypatch.setattr(portal_module, "COUNTS_REUSE", 0.0)  # the minute has passed
    assert _counts(portal) == {"world": 2, "sport": 2}
    assert [s.slug for s in portal.nav_sections()] == ["sport", "world"]  # 2 each: by name


def test_slow_outlet_counts_are_reused_unless_the_outlets_change(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal_module, "SLOW_COUNT", -1.0)
    portal = Portal(settings, store)

    def counts() -> dict[str, int]:
        return {o.name: o.articles for o in portal.outlet_counts()}

    store.upsert_article(make_article(1))
    assert counts() == {"Example News": 1}
    store.upsert_article(make_article(2))
    assert counts() == {"Example News": 1}
    other = make_article(3, site_name="Other Daily")
    other.url = other.canonical_url = "https://other.example/a/3"
    store.upsert_article(other)  # a new outlet: counted again at once
    assert counts() == {"Example News": 2, "Other Daily": 1}


def _ranked(html: str, heading_id: str) -> list[str]:
    block = html.split(f'id="{heading_id}"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"Article number (\d+) about", block)


def test_most_read_columns_rank_by_views_and_leave_out_hidden_and_other_sections(site: Site) -> None:
    """The home page's and the article page's "most read": read in one query for every listed article, in the
    order of their views, without hidden ones, and on an article page only its section's, never itself."""
    portal: Portal = site.app.state.portal
    for number, views in ((2, 5), (5, 4), (4, 3), (3, 2)):  # article 4 is in Sport, the others in World
        for _ in range(views):
            portal.count_view(site.ids[number - 1])
    site.store.set_hidden(site.ids[4], True)  # article 5, the second most read, hidden
    with site.client() as client:
        home = client.get("/").text
        article_one = client.get(f"/article/{site.ids[0]}/x", follow_redirects=True).text
        article_two = client.get(f"/article/{site.ids[1]}/x", follow_redirects=True).text
    assert _ranked(home, "read-heading") == ["2", "4", "3"]
    assert _ranked(article_one, "side-read")[:2] == ["2", "3"]  # World only: not 4 (Sport), not 5 (hidden)
    assert "2" not in _ranked(article_two, "side-read")  # never the page's own article
