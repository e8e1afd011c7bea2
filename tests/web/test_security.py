"""CSRF tokens: the form's value is bound to the reader's cookie and to the site's secret."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from newsloom.web.security import Guard


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
