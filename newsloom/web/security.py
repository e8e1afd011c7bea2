"""Defences of the portal's forms: the secret key, CSRF tokens, admin sessions and rate limits.

- The secret signs CSRF tokens and session cookies. ``settings.secret_key`` wins; else one is generated once and
  kept in ``<data_dir>/secret_key`` (mode 600), so restarts keep sessions valid.
- CSRF: double submit. A random token lives in an HttpOnly ``csrf`` cookie; forms carry the same token signed
  with the secret. A POST passes only when the signature holds and the two match.
- Sessions: the admin's name signed with a timestamp in an HttpOnly, SameSite=Lax cookie (Secure on https).
- Rate limits: sliding windows per key in memory (per IP and per article), enough for one portal process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer

from newsloom.settings import Settings

CSRF_COOKIE = "csrf"
SESSION_COOKIE = "newsloom_session"
SESSION_MAX_AGE = 12 * 3600


def load_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


class Guard:
    def __init__(self, secret: str, secure_cookies: bool) -> None:
        self.secret = secret
        self.secure_cookies = secure_cookies
        self._csrf = URLSafeSerializer(secret, salt="csrf")
        self._sessions = TimestampSigner(secret, salt="session")

    # -- CSRF --------------------------------------------------------------------------------------------------

    @staticmethod
    def new_csrf_cookie() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, cookie_value: str) -> str:
        return str(self._csrf.dumps(cookie_value))

    def csrf_set_cookie(self, cookie_value: str) -> bytes:
        """The Set-Cookie value for a new CSRF cookie, for responses built outside Starlette (the page cache)."""
        secure = "; Secure" if self.secure_cookies else ""
        return f"{CSRF_COOKIE}={cookie_value}; HttpOnly; Path=/; SameSite=lax{secure}".encode()

    def csrf_valid(self, cookie_value: str | None, form_token: str | None) -> bool:
        if not cookie_value or not form_token:
            return False
        try:
            signed_value = self._csrf.loads(form_token)
        except BadSignature:
            return False
        return isinstance(signed_value, str) and hmac.compare_digest(signed_value, cookie_value)

    # -- sessions ----------------------------------------------------------------------------------------------

    def session_cookie(self, username: str) -> str:
        return self._sessions.sign(username).decode()

    def session_user(self, cookie_value: str | None) -> str | None:
        if not cookie_value:
            return None
        try:
            return self._sessions.unsign(cookie_value, max_age=SESSION_MAX_AGE).decode()
        except (BadSignature, SignatureExpired):
            return None

    def hash_ip(self, address: str) -> str:
        """Comments keep a keyed hash of the address (for rate limits and abuse review), never the address."""
        return hashlib.sha256(f"{self.secret}:{address}".encode()).hexdigest()


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        events = self._events[key]
        while events and now - events[0] > self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True
