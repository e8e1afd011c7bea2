"""The web layer's answers to issue 15's probes (F6, F8, F15–F18), against a live portal on 127.0.0.1."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path

import httpx
import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.store.users import UserStore
from newsloom.web import create_app
from newsloom.web.app import SECURITY_HEADERS
from newsloom.web.comments import display_name
from newsloom.web.security import client_address, parse_networks
from tests.support.articles import make_article
from tests.support.web import AppServer, form_token, login, open_article, origin_of, post
from tests.web.conftest import Site

HUGE = "2026-01-01T00:00:00_99999999999999999999999"


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


# -- F6: cursors and error pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/tag/climate", "/section/world", "/outlet/gazette", "/author/jane-roe"])
def test_out_of_range_before_is_a_400_with_headers(site: Site, path: str) -> None:
    from newsloom.model import Source
    from newsloom.store.sources import SourceStore

    SourceStore(site.store.engine).add_source(Source(name="Gazette", homepage="https://gazette.example/"))
    with site.client() as client:
        assert client.get(path).status_code == 200
        for value in (HUGE, "2026-01-01T00:00:00_-5", "not-a-cursor", "99999-01-01_1"):
            response = client.get(path, params={"before": value})
            assert response.status_code == 400, (path, value)
            assert_security_headers(response)
            assert "Traceback" not in response.text


def test_out_of_range_api_cursor_is_a_400(site: Site) -> None:
    with site.client() as client:
        response = client.get("/api/v1/articles", params={"cursor": HUGE})
        assert response.status_code == 400 and "cursor" in response.json()["detail"]
        assert_security_headers(response)
        good = client.get("/api/v1/articles", params={"limit": 2}).json()["next_cursor"]
        assert client.get("/api/v1/articles", params={"limit": 2, "cursor": good}).status_code == 200


def _b64(plain: str) -> str:
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


# Well-formed cursors whose time, taken to UTC, falls outside what a datetime can hold.
OVERFLOWING = [_b64("9999-12-31T23:59:59-23:59_1"), _b64("0001-01-01T00:00:00+23:59_1")]


@pytest.mark.parametrize("path", ["/tag/climate", "/outlet/gazette", "/author/jane-roe", "/section/world"])
def test_a_cursor_whose_time_overflows_is_a_400(site: Site, path: str) -> None:
    from newsloom.model import Source
    from newsloom.store.sources import SourceStore

    SourceStore(site.store.engine).add_source(Source(name="Gazette", homepage="https://gazette.example/"))
    with site.client() as client:
        for value in OVERFLOWING:
            response = client.get(path, params={"before": value})
            assert response.status_code == 400, (path, value)
            assert_security_headers(response)
            response = client.get("/api/v1/articles", params={"cursor": value})
            assert response.status_code == 400 and "cursor" in response.json()["detail"]


def test_a_500_has_the_security_headers_and_no_traceback(site: Site) -> None:
    with sqlite3.connect(Path(site.store.engine.url.database or "")) as conn:
        conn.execute("DROP TABLE comments")  # a real fault in the store: every article page now fails
    with site.client() as client:
        for path in (f"/article/{site.ids[2]}/x", "/api/v1/articles/1/comments", "/metrics"):
            response = client.get(path, follow_redirects=True)
            assert response.status_code == 500, path
            assert_security_headers(response)
            assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
        head = client.head(f"/article/{site.ids[2]}/x", follow_redirects=True)
    assert head.status_code == 500 and head.content == b""


# -- F16: HEAD ---------------------------------------------------------------------------------------------------


def test_head_answers_wherever_get_does_before_caching(site: Site) -> None:
    with site.client() as client:
        for path in ("/healthz", "/feed.xml", "/", "/atom.xml", "/sitemap.xml", f"/story/{site.story_id}",
                     "/section/world", "/api/v1/articles", "/outlets", "/static/portal.css"):  # fmt: skip
            head = client.head(path)
            get = client.get(path)
            assert head.status_code == get.status_code == 200, path
            assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"], path
            assert_security_headers(head)


def test_head_is_not_counted_as_a_read(site: Site) -> None:
    portal = site.app.state.portal
    with site.client() as client:
        for _ in range(3):
            client.head(f"/article/{site.ids[3]}/x", follow_redirects=True)
    assert portal.views.views_of(site.ids[3]) == 0


# -- F8: sessions ------------------------------------------------------------------------------------------------


def test_logout_revokes_the_session_server_side(site: Site) -> None:
    with site.client() as client:
        login(client, site)
        old_cookie = client.cookies.get("newsloom_session")
        token = form_token(client.get("/admin").text)
        assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    with site.client() as replay:  # the old cookie, kept by an attacker
        replay.cookies.set("newsloom_session", old_cookie or "")
        assert replay.get("/admin").status_code == 303
        assert replay.post("/admin/comments/1", data={"action": "approve"}).status_code == 401


def test_a_session_dies_with_its_user(site: Site) -> None:
    with site.client() as client:
        login(client, site)
        assert client.get("/admin").status_code == 200
        assert UserStore(site.store.engine).delete("editor")
        assert client.get("/admin").status_code == 303
        UserStore(site.store.engine).create("editor", "correct horse battery")  # same name again: a new account
        assert client.get("/admin").status_code == 303


def test_a_new_password_ends_old_sessions(site: Site) -> None:
    with site.client() as client:
        login(client, site)
        UserStore(site.store.engine).create("editor", "another long password")
        assert client.get("/admin").status_code == 303


# -- F15: links to the original ------------------------------------------------------------------------------


def test_local_paths_and_script_links_never_reach_readers(site: Site) -> None:
    local = make_article(61, url="file:///home/operator/private/saved.html")
    local.canonical_url = local.url
    script = make_article(62, url="javascript:alert(document.cookie)")
    script.canonical_url = "https://news.example.com/a/62"
    ids = [site.store.upsert_article(a).article_id for a in (local, script)]
    with site.client() as client:
        for article_id in ids:
            page = client.get(f"/article/{article_id}/x", follow_redirects=True).text
            assert "file:" not in page and "javascript:" not in page and "/home/operator" not in page
            api = client.get(f"/api/v1/articles/{article_id}").text
            assert "file:" not in api and "javascript:" not in api
        listing = client.get("/api/v1/articles", params={"limit": 100}).text
        feed = client.get("/feed.xml").text
        normal = client.get(f"/article/{site.ids[0]}/x", follow_redirects=True).text
    assert "file:" not in listing and "javascript:" not in listing
    assert "file:" not in feed and "javascript:" not in feed and "/home/operator" not in feed
    assert 'Source: <a href="https://news.example.com/a/1' in normal  # http(s) originals are still linked


# -- F17: moderation reaches stories -----------------------------------------------------------------------------


def test_hiding_the_first_report_retitles_its_story(site: Site) -> None:
    from datetime import UTC, datetime

    from newsloom.store.stories import StoryStore

    first, second = make_article(71, title="Hidden headline of the first report"), make_article(72)
    ids = [site.store.upsert_article(a).article_id for a in (first, second)]
    story_id = StoryStore(site.store.engine).create_story(first.title, ids, datetime.now(UTC))
    with site.client() as client:
        assert client.get(f"/api/v1/stories/{story_id}").json()["title"] == first.title
        site.store.set_hidden(ids[0], True)
        page = client.get(f"/story/{story_id}").text
        api = client.get(f"/api/v1/stories/{story_id}").json()
        home = client.get("/").text
        top = client.get("/api/v1/stories").text
        other = client.get(f"/article/{ids[1]}/x", follow_redirects=True).text
        assert first.title not in page + home + top + other + str(api)
        assert api["title"] == second.title and second.title in page
        site.store.set_hidden(ids[1], True)  # no visible report left: the story is gone for readers
        assert client.get(f"/story/{story_id}").status_code == 404
        assert client.get(f"/api/v1/stories/{story_id}").status_code == 404
    # A title given by an editor (not a report's headline) is kept when a report is hidden.
    site.store.set_hidden(site.ids[0], True)
    with site.client() as client:
        assert client.get(f"/api/v1/stories/{site.story_id}").json()["title"] == "Storms hit the coast"


# -- F18: files, /metrics, display names -------------------------------------------------------------------------


def test_data_directory_and_store_files_are_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh" / "data")
    from newsloom.store import open_store

    store = open_store(settings)
    store.upsert_article(make_article(1))
    app = create_app(settings, store)
    app.state.portal.views.count(1)
    app.state.portal.views.flush()
    data = settings.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.iterdir() if p.is_file()]
    assert {"newsloom.db", "views.db", "secret_key"} <= {p.name for p in files}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    store.close()


def test_an_existing_world_readable_store_is_tightened(tmp_path: Path) -> None:
    from newsloom.store import open_store

    settings = Settings(data_dir=tmp_path / "data")
    open_store(settings).close()
    (settings.data_dir / "newsloom.db").chmod(0o644)
    open_store(settings).close()
    assert stat.S_IMODE((settings.data_dir / "newsloom.db").stat().st_mode) == 0o600


def test_metrics_only_for_allowed_networks(settings: Settings, store: SQLStore) -> None:
    for allow, forwarded, expected in (
        ("127.0.0.0/8,::1/128", None, 200),  # the default: loopback may read
        ("10.0.0.0/8", None, 403),  # loopback not listed
        ("10.0.0.0/8", "10.1.2.3", 403),  # a forged header from an untrusted peer changes nothing
    ):
        app = create_app(settings.model_copy(update={"metrics_allow": allow}), store)
        with AppServer(app) as server, server.client() as client:
            headers = {"x-forwarded-for": forwarded} if forwarded else {}
            response = client.get("/metrics", headers=headers)
        assert response.status_code == expected, allow
        assert_security_headers(response)
        assert ("newsloom_articles" in response.text) == (expected == 200)


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    trusted = parse_networks("127.0.0.1/32, 10.0.0.0/8", "trusted_proxies")
    assert client_address("203.0.113.9", "198.51.100.1", trusted) == "203.0.113.9"  # untrusted peer
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"  # no proxies configured
    assert client_address("127.0.0.1", "198.51.100.1", trusted) == "198.51.100.1"
    # The client may prepend anything: only the hops our proxies added count, right to left.
    assert client_address("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.5", trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", "garbage, 10.0.0.5", trusted) == "10.0.0.5"
    with pytest.raises(ValueError, match="trusted_proxies"):
        parse_networks("10.0.0.0/8, nonsense", "trusted_proxies")


def test_comment_limit_ignores_forwarded_for_from_an_untrusted_peer(site: Site) -> None:
    with site.client() as client:
        _, token = open_article(client, site)
        statuses = [
            client.post(
                f"/article/{site.ids[0]}/comments",
                data={"author_name": "Reader", "body": f"comment {n}", "csrf_token": token},
                headers={"x-forwarded-for": f"198.51.100.{n}", **origin_of(client)},
            ).status_code
            for n in range(7)
        ]
    assert statuses[:5] == [303] * 5 and statuses[5:] == [429, 429]


def test_display_names_are_normalised_and_invisible_ones_refused(site: Site) -> None:
    assert display_name("Ｒｅａｄｅｒ") == "Reader"  # full-width folds (NFKC)
    assert display_name("  Ann\u202e\u2066 Lee ") == "Ann Lee"  # bidi overrides dropped
    for invisible in ("\u200b", "\u200b\u200d\u2060", "\u3000", "\u00ad", "\u0301"):
        assert display_name(invisible) == ""
    # Blank by how they render though letters or symbols by category: Braille blank, the Hangul fillers (full and
    # half width, choseong with jungseong), Khmer inherent vowels, a tag character, variation selectors.
    for blank in ("\u2800", "\u3164", "\uffa0", "\u115f\u1160", "\u2800 \u3164\uffa0", "\u17b4\u17b5", "\U000e0041"):
        assert display_name(blank) == "", ascii(blank)
    assert display_name("\ufe0f\u180e\u034f") == ""
    assert display_name("Ann\u3164Lee") != "" and display_name("\u2800Bo") != ""  # something visible is left
    with site.client() as client:
        _, token = open_article(client, site)
        assert post(client, site, token, author_name="\u200b").status_code == 400
        assert post(client, site, token, author_name="\u200b\ufeff").status_code == 400
        for blank in ("\u2800", "\u3164", "\uffa0", "\u115f\u1160"):
            assert post(client, site, token, author_name=blank).status_code == 400, ascii(blank)
        assert post(client, site, token, author_name="Ｂｏｂ").status_code == 303
    from newsloom.store.comments import CommentStore

    assert [c.author_name for c in CommentStore(site.store.engine).pending()] == ["Bob"]


def test_the_global_login_ceiling_spares_a_browser_known_to_the_account(tmp_path: Path) -> None:
    """Past the slow global ceiling (many addresses guessing) new browsers wait; one that logged in before does
    not, so a distributed attack cannot lock the administrator out either."""
    settings = Settings(data_dir=tmp_path / "data", trusted_proxies="127.0.0.1/32")
    store = open_store(settings)
    UserStore(store.engine).create("editor", "correct horse battery")
    app = create_app(settings, store)
    portal = app.state.portal
    with AppServer(app) as server:

        def attempt(client: httpx.Client, address: str, password: str) -> int:
            token = form_token(client.get("/admin/login").text)
            data = {"username": "editor", "password": password, "csrf_token": token}
            return client.post("/admin/login", data=data, headers={"x-forwarded-for": address}).status_code

        with server.client(follow_redirects=False) as known:
            assert attempt(known, "192.0.2.1", "correct horse battery") == 303
            known.cookies.delete("newsloom_session")
            limits = portal.login_limit_global.limits
            portal.login_limit_global = limits.limiter("login-all", 4, 3600)  # a small ceiling; one login spent
            for number in range(3):
                with server.client() as stranger:
                    assert attempt(stranger, f"198.51.100.{number}", "wrong password") == 401
            with server.client() as stranger:
                assert attempt(stranger, "198.51.100.50", "correct horse battery") == 429
            assert attempt(known, "192.0.2.1", "correct horse battery") == 303
            known.cookies.set("newsloom_device", "forged", path="/admin/login")
            assert attempt(known, "192.0.2.1", "correct horse battery") == 429
    store.close()


def test_admin_pages_and_the_login_form_are_never_stored(site: Site) -> None:
    """Admin pages carry pending comments and a CSRF token: ``no-store`` on each, logged in or not, in any form."""
    with site.client() as client:
        anonymous = [client.get("/admin/login"), client.get("/admin"), client.head("/admin/login")]
        login(client, site)
        pages = [client.get(path) for path in ("/admin", "/admin/login", "/admin/sections", "/admin/outlets/x")]
        refused = client.post("/admin/login", data={"username": "editor", "password": "x", "csrf_token": "forged"})
    for response in [*anonymous, *pages, refused]:
        assert response.headers.get_list("cache-control") == ["no-store"], (response.url, response.status_code)
    assert pages[0].status_code == 200 and "csrf_token" in pages[0].text
    with site.client() as client:  # a reader's page keeps its own caching
        assert "no-store" not in client.get("/").headers.get("cache-control", "")
