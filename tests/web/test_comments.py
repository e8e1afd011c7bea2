"""Comments and moderation over real HTTP: CSRF, honeypot, limits, escaping, admin approval."""

from __future__ import annotations

import re
import time

import httpx

from newsloom.web.security import FORM_TOKEN_PERIOD
from tests.support.web import Site, form_token, login, open_article, post


def test_comment_is_held_then_approved_by_admin(site: Site) -> None:
    with site.client() as reader, site.client() as editor:
        path, token = open_article(reader, site)
        posted = post(reader, site, token, body="<script>alert('x')</script> Nice piece")
        assert posted.status_code == 303 and "posted=held" in posted.headers["location"]
        assert "Comment (0)" in reader.get(path).text
        login(editor, site)
        queue = editor.get("/admin").text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Nice piece" in queue
        comment_id = re.search(r'action="/admin/comments/(\d+)"', queue).group(1)  # type: ignore[union-attr]
        approved = editor.post(
            f"/admin/comments/{comment_id}", data={"action": "approve", "csrf_token": form_token(queue)}
        )
        assert approved.status_code == 303
        page = reader.get(path).text
        assert "Comment (1)" in page and "&lt;script&gt;alert" in page and "<script>alert" not in page


def test_csrf_is_required(site: Site) -> None:
    with site.client() as client:
        open_article(client, site)
        assert post(client, site, "forged-token").status_code == 403
    with site.client() as stranger:  # never opened a page
        assert post(stranger, site, "x").status_code == 403


def test_comment_form_needs_its_token_and_a_post_from_this_site(site: Site) -> None:
    """Over a real socket, as a browser posts: the token from the page and the site's own Origin pass, with no
    cookie ever set; a forged, expired, missing or other article's token, or a post from another site (or naming
    no page at all), is refused with 403 and stores nothing. The rate limit still holds."""
    from newsloom.store.comments import CommentStore

    guard = site.app.state.portal.guard
    with httpx.Client(base_url=site.url, timeout=10) as client:
        page = client.get(f"/article/{site.ids[0]}", follow_redirects=True)
        token = form_token(page.text)
        action = f"/article/{site.ids[0]}/comments"
        own = {"Origin": site.url}

        def send(token: str | None, headers: dict[str, str], body: str = "Refused remark") -> int:
            data = {"author_name": "Reader", "body": body, **({"csrf_token": token} if token is not None else {})}
            return client.post(action, data=data, headers=headers).status_code

        refused = [
            send("1a2b3c.forged-signature", own),
            send(guard.form_token(f"comment:{site.ids[0]}", time.time() - 2 * FORM_TOKEN_PERIOD), own),
            send(None, own),
            send(guard.form_token(f"comment:{site.ids[1]}"), own),
            send(token, {"Origin": "https://evil.example"}),
            send(token, {"Origin": site.url, "Sec-Fetch-Site": "cross-site"}),
            send(token, {"Referer": "https://evil.example/page"}),
            send(token, {}),
        ]
        assert refused == [403] * len(refused)
        assert CommentStore(site.store.engine).pending() == []
        posted = send(token, own, body="A fair remark")
        by_referer = send(token, {"Referer": str(page.url)}, body="Another fair remark")
        statuses = [send(token, own, body=f"remark {n}") for n in range(5)]
    assert posted == by_referer == 303
    assert "set-cookie" not in page.headers and not client.cookies
    bodies = [c.body for c in CommentStore(site.store.engine).pending()]
    assert {"A fair remark", "Another fair remark"} <= set(bodies) and len(bodies) == 5
    assert statuses[:3] == [303] * 3 and statuses[3:] == [429, 429]  # five per address, refused ones not counted


def test_honeypot_stores_nothing(site: Site) -> None:
    with site.client() as client:
        _, token = open_article(client, site)
        assert post(client, site, token, website="http://spam.example").status_code == 303
    from newsloom.store.comments import CommentStore

    assert CommentStore(site.store.engine).pending() == []


def test_length_link_and_rate_limits(site: Site) -> None:
    with site.client() as client:
        _, token = open_article(client, site)
        assert post(client, site, token, body="x" * 3001).status_code == 400
        assert post(client, site, token, author_name="").status_code in (400, 422)
        assert post(client, site, token, body="http://a.example http://b.example http://c.example").status_code == 400
        statuses = [post(client, site, token, body=f"comment {n}").status_code for n in range(7)]
    assert statuses[:5] == [303] * 5 and statuses[5:] == [429, 429]


def test_admin_requires_login_and_csrf(site: Site) -> None:
    with site.client() as client:
        assert client.get("/admin").status_code == 303
        assert client.post("/admin/comments/1", data={"action": "approve"}).status_code == 401
        form = client.get("/admin/login")
        token = form_token(form.text)
        csrf_cookie = form.headers[
            "set-cookie"
        ].lower()  # admin forms keep a double-submit cookie, never sent cross-site
        assert csrf_cookie.startswith("csrf=") and "samesite=lax" in csrf_cookie and "httponly" in csrf_cookie
        wrong = client.post(
            "/admin/login", data={"username": "editor", "password": "nope-nope-nope", "csrf_token": token}
        )
        assert wrong.status_code == 401
        login(client, site)
        assert client.post("/admin/comments/1", data={"action": "approve", "csrf_token": "bad"}).status_code == 403
        cookie = client.cookies.get("newsloom_session")
        assert cookie and "editor" not in cookie  # a random session token, signed; HttpOnly flag checked below
        raw = client.post(
            "/admin/login", data={"username": "editor", "password": "correct horse battery", "csrf_token": token}
        )
        assert "httponly" in raw.headers["set-cookie"].lower() and "samesite=lax" in raw.headers["set-cookie"].lower()


def test_admin_hides_and_reprocesses(site: Site) -> None:
    with site.client() as client:
        login(client, site)
        token = form_token(client.get("/admin").text)
        hidden = client.post(f"/admin/articles/{site.ids[1]}/visibility", data={"hidden": "true", "csrf_token": token})
        assert hidden.status_code == 303
        assert client.get(f"/article/{site.ids[1]}").status_code == 404
        client.post(f"/admin/articles/{site.ids[1]}/visibility", data={"hidden": "false", "csrf_token": token})
        assert client.get(f"/article/{site.ids[1]}").status_code == 301
        # seeded articles carry stored HTML "<html>one</html>"-less: reprocess reports what it can
        assert client.post(f"/admin/articles/{site.ids[1]}/reprocess", data={"csrf_token": token}).status_code == 404
