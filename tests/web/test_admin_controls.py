"""The admin's unplaced list places an article on a section with one click (a CSRF-protected form), and the
admin's controls are styled by the admin stylesheet."""

from __future__ import annotations

import re

from newsloom.store.enrichment import EnrichmentStore
from tests.support.articles import make_article
from tests.support.web import form_token, login
from tests.web.conftest import Site


def add_unplaced(site: Site, number: int, label: str | None) -> int:
    article = make_article(number)
    article.section, article.publisher_section = None, label
    return site.store.upsert_article(article).article_id


def test_one_click_places_an_unplaced_article_and_it_stays_placed(site: Site) -> None:
    guessed = add_unplaced(site, 60, "Sport")  # the publisher's label names a section of the scheme
    unknown = add_unplaced(site, 61, "Miscellany")
    with site.client() as editor:
        login(editor, site)
        page = editor.get("/admin").text
        form = re.search(rf'<form method="post" action="/admin/articles/{guessed}/section".*?</form>', page, re.DOTALL)
        assert form is not None and '<option value="sport" selected>' in form.group(0)
        other = re.search(rf'action="/admin/articles/{unknown}/section".*?</form>', page, re.DOTALL)
        assert other is not None and "selected disabled" in other.group(0) and " selected>" not in other.group(0)
        placed = editor.post(
            f"/admin/articles/{guessed}/section", data={"section": "sport", "csrf_token": form_token(page)}
        )
        assert placed.status_code == 303 and placed.headers["location"] == "/admin#unplaced-heading"
        assert f'action="/admin/articles/{guessed}/section"' not in editor.get("/admin").text
        reader_page = editor.get("/section/sport").text
    assert "Article number 60" in reader_page
    assert [article_id for article_id, _, _ in EnrichmentStore(site.store.engine).unplaced()] == [unknown]
    again = make_article(60)  # a new version of the page, which names no section: the editor's choice stays
    again.section, again.title = None, "Article number 60, updated"
    site.store.upsert_article(again)
    stored = site.store.get_article(guessed)
    assert stored is not None and stored.section == "sport" and stored.section_rule == "editor"


def test_placing_needs_a_session_a_valid_token_and_real_things(site: Site) -> None:
    article_id = add_unplaced(site, 62, None)
    with site.client() as client:
        anonymous = client.post(f"/admin/articles/{article_id}/section", data={"section": "sport", "csrf_token": ""})
        assert anonymous.status_code == 401
        login(client, site)
        token = form_token(client.get("/admin").text)
        forged = client.post(f"/admin/articles/{article_id}/section", data={"section": "sport", "csrf_token": "x"})
        assert forged.status_code == 403
        no_section = client.post(f"/admin/articles/{article_id}/section", data={"section": "nope", "csrf_token": token})
        assert no_section.status_code == 404
        no_article = client.post("/admin/articles/999999/section", data={"section": "sport", "csrf_token": token})
        assert no_article.status_code == 404
    assert [found for found, _, _ in EnrichmentStore(site.store.engine).unplaced()] == [article_id]


def test_admin_pages_load_the_admin_stylesheet_which_styles_their_controls(site: Site) -> None:
    with site.client() as client:
        login_page = client.get("/admin/login").text
        sheet = re.search(r'<link rel="stylesheet" href="(/static/admin\.[0-9a-f]+\.css)">', login_page)
        assert sheet is not None and 'class="admin"' in login_page
        css = client.get(sheet.group(1))
        assert css.status_code == 200
        for selector in (".admin button", ".admin input", ".admin select", ".admin table"):
            assert selector in css.text, selector
        assert "admin.css" not in client.get("/").text  # readers do not load it
