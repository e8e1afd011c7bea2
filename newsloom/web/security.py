"""Defences of the portal's forms: the secret key, CSRF tokens, admin sessions and rate limits.

- The secret signs CSRF tokens and session cookies. ``settings.secret_key`` wins; else one is generated once and
  kept in ``<data_dir>/secret_key`` (mode 600), so restarts keep sessions valid.
- Public forms (the comment form on an article page): no cookie, so a reader's page is the same bytes as everyone
  else's and caches may share it. The form carries a stateless token, an HMAC over what the form is for (the
  article) and the day it was made in, valid through the next day (``form_token``); the POST must also come from
  a page of this site (``same_origin``: Origin, else Referer, and Sec-Fetch-Site when sent). A token anyone can
  fetch is no secret: the origin check is what stops a cross-site post; the token adds expiry and binds a post to
  a page that was loaded.
- Admin forms: double submit. A random token lives in an HttpOnly, SameSite=Lax ``csrf`` cookie; forms carry its
  HMAC-SHA256 under a key derived from the secret. A POST passes only when the form's value is the cookie's HMAC.
  Admin pages are ``no-store`` and never shared. Forms signed the earlier way (``payload.signature``) still pass.
- Sessions: a random token signed with a timestamp in an HttpOnly, SameSite=Lax cookie (Secure on https); the
  store keeps the live ones (``store.users``), so logout and a deleted account end them server-side.
- Client addresses: the TCP peer, unless the peer is one of ``trusted_proxies``: only then is
  ``X-Forwarded-For`` read (right to left, up to the first address that is not a trusted proxy).
- Rate limits: shared by every serving process (``store.rate_limits``); ``RateLimiter`` is the in-memory one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer

from newsloom.settings import Settings
from newsloom.store.files import private_file

CSRF_COOKIE = "csrf"
SESSION_COOKIE = "newsloom_session"
SESSION_MAX_AGE = 12 * 3600
# A browser that has logged in to an account is a known device of it for this long (OWASP's "device cookies"):
# the global ceiling on failed logins, which a distributed attack can reach, never locks it out.
DEVICE_COOKIE = "newsloom_device"
DEVICE_MAX_AGE = 90 * 24 * 3600
# A public form's token is made per day (UTC) and accepted through the next one: a page at most a day old always
# leaves its reader a full day to write, and the cached copy of a page is renewed when its day ends. Not shorter:
# the token is in the page, so each new one is a new ETag and Last-Modified for every article page, and search
# engines' revalidations (If-None-Match, If-Modified-Since) get a whole page instead of a 304. Nor is it a secret
# to keep fresh: anyone may fetch a page; the origin check is what stops another site's form.
FORM_TOKEN_PERIOD = 24 * 3600


def load_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists() and path.read_text().strip():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    private_file(path).write_text(secret)  # created 0600 before a byte of the key is written
    return secret


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str, setting: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (a bare address is a /32 or /128); a typo is a clear error at start-up."""
    networks = []
    for item in value.split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError as error:
                raise ValueError(f"{setting}: {item.strip()!r} is not an address or network") from error
    return tuple(networks)


def address_in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The reader's address: the peer's, or, behind a trusted proxy, the nearest untrusted hop it reports."""
    address = peer or "unknown"
    if not forwarded_for or not address_in(address, trusted):
        return address
    for hop in reversed([item.strip() for item in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a forged or broken chain: the last hop we can vouch for
        address = hop
        if not address_in(hop, trusted):
            return hop
    return address


class Guard:
    def __init__(self, secret: str, secure_cookies: bool) -> None:
        self.secret = secret
        self.secure_cookies = secure_cookies
        self._csrf = URLSafeSerializer(secret, salt="csrf")  # forms rendered before tokens were plain HMACs
        self._csrf_key = hashlib.sha256(b"newsloom csrf\x00" + secret.encode()).digest()
        self._form_key = hashlib.sha256(b"newsloom public form\x00" + secret.encode()).digest()
        self._sessions = TimestampSigner(secret, salt="session")
        self._devices = TimestampSigner(secret, salt="login-device")

    # -- CSRF --------------------------------------------------------------------------------------------------

    @staticmethod
    def new_csrf_cookie() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, cookie_value: str) -> str:
        digest = hmac.digest(self._csrf_key, cookie_value.encode(), "sha256")
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def csrf_valid(self, cookie_value: str | None, form_token: str | None) -> bool:
        if not cookie_value or not form_token:
            return False
        # Compared as bytes: compare_digest refuses str with non-ASCII, and a posted form may hold anything.
        if "." not in form_token:
            return hmac.compare_digest(self.csrf_token(cookie_value).encode(), form_token.encode())
        try:
            signed_value = self._csrf.loads(form_token)
        except BadSignature:
            return False
        return isinstance(signed_value, str) and hmac.compare_digest(signed_value.encode(), cookie_value.encode())

    # -- public forms (stateless) ------------------------------------------------------------------------------

    def form_token(self, purpose: str, now: float | None = None) -> str:
        """The token of a public form for ``purpose`` (e.g. ``comment:42``): the same for every reader in this
        period, so a cached page holds nothing of its reader's."""
        period = int((time.time() if now is None else now) // FORM_TOKEN_PERIOD)
        return f"{period:x}.{self._form_mac(purpose, period)}"

    def form_token_valid(self, purpose: str, token: str | None, now: float | None = None) -> bool:
        """Whether ``token`` was made for ``purpose`` in this period or the one before it."""
        if not token or token.count(".") != 1:
            return False
        period_text, mac = token.split(".")
        if not period_text.isascii() or not period_text.isalnum() or len(period_text) > 12:
            return False
        try:
            period = int(period_text, 16)
        except ValueError:
            return False
        current = int((time.time() if now is None else now) // FORM_TOKEN_PERIOD)
        if period not in (current, current - 1):
            return False
        return hmac.compare_digest(self._form_mac(purpose, period).encode(), mac.encode("utf-8", "replace"))

    @staticmethod
    def form_token_seconds(now: float | None = None) -> int:
        """Seconds until the current period ends: how long a page holding this period's token may be kept."""
        return FORM_TOKEN_PERIOD - int((time.time() if now is None else now) % FORM_TOKEN_PERIOD)

    def _form_mac(self, purpose: str, period: int) -> str:
        digest = hmac.digest(self._form_key, f"{purpose}\x00{period}".encode(), "sha256")
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    # -- sessions ----------------------------------------------------------------------------------------------

    def session_cookie(self, token: str) -> str:
        return self._sessions.sign(token).decode()

    def session_token(self, cookie_value: str | None) -> str | None:
        """The session token a cookie carries, if its signature holds and it is under 12 hours old."""
        if not cookie_value:
            return None
        try:
            return self._sessions.unsign(cookie_value, max_age=SESSION_MAX_AGE).decode()
        except (BadSignature, SignatureExpired):
            return None

    def device_cookie(self, account: str) -> str:
        return self._devices.sign(account.casefold().encode()).decode()

    def known_device(self, cookie_value: str | None, account: str) -> bool:
        """Whether this browser logged in to ``account`` within ``DEVICE_MAX_AGE`` (signed, so not forgeable)."""
        if not cookie_value:
            return False
        try:
            signed = self._devices.unsign(cookie_value, max_age=DEVICE_MAX_AGE).decode()
        except (BadSignature, SignatureExpired, UnicodeDecodeError):
            return False
        return hmac.compare_digest(signed.encode(), account.casefold().encode())

    def hash_ip(self, address: str) -> str:
        """Comments keep a keyed hash of the address (for rate limits and abuse review), never the address."""
        return hashlib.sha256(f"{self.secret}:{address}".encode()).hexdigest()


def same_origin(headers: Mapping[str, str], hosts: Iterable[str]) -> bool:
    """Whether a POST comes from a page of this site: its Origin (else its Referer) names one of ``hosts``
    (``host[:port]``, as the Host header gives it), and Sec-Fetch-Site, when the browser sends it, is not
    cross-site. A POST naming neither Origin nor Referer is refused: every current browser sends Origin on a
    form POST, and only a page that asked for no referrer and an old browser would send neither.

    The scheme is not compared: behind a proxy that ends TLS the application sees http for an https page."""
    if headers.get("sec-fetch-site", "same-origin").lower() == "cross-site":
        return False
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return False
    try:
        parts = urlsplit(source.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    wanted = {host.strip().lower() for host in hosts if host and host.strip()}
    return parts.netloc.lower() in wanted


class Limiter(Protocol):
    def allow(self, key: str) -> bool:
        """Records an event for ``key``; False when ``key`` is over its limit (the event is then refused)."""
        ...


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
