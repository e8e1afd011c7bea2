"""CSRF defences: admin forms bound to the reader's cookie; public forms to their purpose and day, and to a
post from this site's own pages; both to the site's secret."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from newsloom.web.security import FORM_TOKEN_PERIOD, Guard, same_origin


def test_token_passes_only_with_its_own_cookie_and_secret() -> None:
    guard = Guard("secret one", secure_cookies=False)
    cookie, other = guard.new_csrf_cookie(), guard.new_csrf_cookie()
    token = guard.csrf_token(cookie)
    assert guard.csrf_valid(cookie, token)
    assert guard.csrf_token(cookie) == token  # one value per cookie: cached pages may swap it in
    assert not guard.csrf_valid(other, token)
    assert not guard.csrf_valid(cookie, guard.csrf_token(other))
    assert not Guard("secret two", secure_cookies=False).csrf_valid(cookie, token)
    assert not guard.csrf_valid(cookie, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not guard.csrf_valid(None, token) and not guard.csrf_valid(cookie, "") and not guard.csrf_valid(cookie, None)
    assert not guard.csrf_valid(cookie, "tóken-with-ñon-ascii") and not guard.csrf_valid("cookié", token)
    assert not guard.csrf_valid("cookié", "ẞ.ẞ")  # an old-style value that is not ours: refused, never an error


def test_forms_signed_before_the_plain_hmac_still_pass() -> None:
    """A reader who opened a page before an upgrade can still post its form."""
    guard = Guard("secret one", secure_cookies=False)
    cookie = guard.new_csrf_cookie()
    earlier = str(URLSafeSerializer("secret one", salt="csrf").dumps(cookie))
    assert "." in earlier
    assert guard.csrf_valid(cookie, earlier)
    assert not guard.csrf_valid(guard.new_csrf_cookie(), earlier)
    assert not guard.csrf_valid(cookie, str(URLSafeSerializer("another", salt="csrf").dumps(cookie)))


def test_public_form_tokens_are_bound_to_purpose_secret_and_day() -> None:
    guard = Guard("secret one", secure_cookies=False)
    now = 1_800_000_000.0
    token = guard.form_token("comment:7", now)
    assert token == guard.form_token("comment:7", now + 1)  # the same for every reader in the day: pages are shared
    assert guard.form_token_valid("comment:7", token, now)
    assert guard.form_token_valid("comment:7", token, now + FORM_TOKEN_PERIOD)  # through the next day
    assert not guard.form_token_valid("comment:7", token, now + 2 * FORM_TOKEN_PERIOD)  # then expired
    assert not guard.form_token_valid("comment:7", token, now - FORM_TOKEN_PERIOD)  # not before it was made
    assert not guard.form_token_valid("comment:8", token, now)  # another article's form
    assert not Guard("secret two", secure_cookies=False).form_token_valid("comment:7", token, now)
    period, mac = token.split(".")
    later = f"{int(period, 16) + 1:x}.{mac}"  # a forged day with the old signature
    assert not guard.form_token_valid("comment:7", later, now + FORM_TOKEN_PERIOD)
    for junk in ("", None, "x", "..", f"{period}.", f"-1.{mac}", f"{period}.ñ", "ẞ.ẞ", f"{period}.{mac}.{mac}"):
        assert not guard.form_token_valid("comment:7", junk, now)
    assert 0 < Guard.form_token_seconds(now) <= FORM_TOKEN_PERIOD
    assert Guard.form_token_seconds(now) + now == (int(now // FORM_TOKEN_PERIOD) + 1) * FORM_TOKEN_PERIOD


def test_same_origin_needs_a_page_of_this_site() -> None:
    hosts = ["news.example:8000", "", "news.example"]
    assert same_origin({"origin": "http://news.example:8000"}, hosts)
    assert same_origin({"origin": "https://NEWS.example"}, hosts)  # behind a TLS proxy the scheme differs
    assert same_origin({"referer": "http://news.example:8000/article/1/x"}, hosts)  # Referer when Origin is absent
    assert not same_origin({"origin": "https://evil.example"}, hosts)
    assert not same_origin({"origin": "https://news.example.evil.example"}, hosts)
    assert not same_origin({"origin": "http://news.example:8001"}, hosts)
    assert not same_origin({"origin": "null", "referer": "http://news.example/"}, hosts)  # a sandboxed or file page
    assert not same_origin({"origin": "https://evil.example", "referer": "http://news.example/"}, hosts)
    assert not same_origin({}, hosts)  # neither header: refused
    assert not same_origin({"referer": "javascript:alert(1)"}, hosts)
    assert not same_origin({"origin": "http://user@news.example"}, hosts)
    assert not same_origin({"origin": "http://news.example", "sec-fetch-site": "cross-site"}, hosts)
    assert same_origin({"origin": "http://news.example", "sec-fetch-site": "same-origin"}, hosts)
