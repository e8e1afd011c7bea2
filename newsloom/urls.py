"""URLs: one tolerant parser, and canonical URLs, the key that makes ingest idempotent.

Every URL that comes from outside (a page's ``<link rel=canonical>``, a feed item, ``--url``) goes through
:func:`parse_http_url` or :func:`canonicalize_url`, which turn whatever the standard library cannot parse (a port of
99999, an unclosed ``[::1``, a host with spaces, a URL of 100 KB) into one named error, :class:`InvalidURL`, that a
caller records as the reason its page or item failed, instead of a ``ValueError`` from deep inside ``urllib``.

Two URLs that name the same article must normalise to the same string: scheme and host lower-cased, default ports,
credentials (``user:pass@``) and fragments dropped, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …) removed, remaining query parameters
kept in their order. Paths keep their case (servers may treat it as significant). IPv6 literals keep their
brackets (``http://[::1]:8080/a``).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import idna

from newsloom.errors import InvalidURL

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref_src",
        "cmpid",
        "ncid",
        "ocid",
        "spm",
        "__twitter_impression",
        "mkt_tok",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "itm_", "_hs")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Browsers and servers handle URLs of a few KB; anything longer is not an article's address (and would be stored,
# indexed and shown on every listing). Longer URLs are refused, not cut: a cut URL names another resource.
MAX_URL_CHARS = 2048
# A host name: labels of letters (any script: IDNs arrive unencoded), digits, hyphens and underscores.
_HOST_NAME = re.compile(r"^[\w-]+(\.[\w-]+)*\.?$", re.UNICODE)
# DNS limits (RFC 1035): a label of at most 63 octets, a name of at most 253 characters.
MAX_LABEL_CHARS = 63
MAX_HOST_CHARS = 253
# A host whose last label is a number is an IPv4 address (WHATWG URL), whatever its other labels look like.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


@dataclass(frozen=True, slots=True)
class HttpURL:
    """The parts of an http(s) URL that parsed cleanly; ``host`` is lower-case, IPv6 literals in brackets.

    ``netloc`` leaves out ``username`` (and the password): credentials in a URL are not the article's address."""

    scheme: str
    host: str
    port: int | None
    username: str | None
    path: str
    query: str
    fragment: str

    @property
    def netloc(self) -> str:
        netloc = self.host
        if self.port is not None and self.port != DEFAULT_PORTS[self.scheme]:
            netloc = f"{netloc}:{self.port}"
        return netloc  # never the userinfo: a listed ``user:pass@`` is neither part of the key nor shown


def _split(url: str) -> SplitResult:
    if len(url) > MAX_URL_CHARS:
        raise InvalidURL(f"URL longer than {MAX_URL_CHARS} characters ({len(url)})", url[:200] + "…")
    if any(ord(char) < 32 for char in url):
        raise InvalidURL("URL contains control characters", url)
    try:
        return urlsplit(url)
    except ValueError as error:  # "Invalid IPv6 URL" and friends
        raise InvalidURL(f"unparseable URL: {error}", url) from None


def parse_http_url(url: str) -> HttpURL:
    """Parse an http(s) URL completely or raise :class:`InvalidURL` saying why (never ``ValueError``)."""
    url = url.strip()
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("not an http or https URL", url)
    try:
        port = parts.port
        hostname = parts.hostname
    except ValueError as error:  # a port out of range or not a number
        raise InvalidURL(f"bad port: {error}", url) from None
    host = (hostname or "").lower().rstrip(".")
    if not host:
        raise InvalidURL("URL has no host", url)
    if ":" in host:  # an IPv6 literal (urlsplit already checked its brackets and characters)
        host = f"[{host}]"
    else:
        _check_host_name(host, url)
    return HttpURL(scheme, host, port, parts.username, parts.path, parts.query, parts.fragment)


def _check_host_name(host: str, url: str) -> None:
    """Refuse a host name that the HTTP client or the resolver would refuse later.

    Caught here, a bad host is one feed item's rejection; caught by httpx (``Invalid IPv4 address``) or by the
    ``idna`` codec (``label empty or too long``) it surfaced as a foreign exception in the middle of a feed's poll.
    """
    if not _HOST_NAME.match(host):
        raise InvalidURL(f"bad host name {host!r}", url)
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:  # octal (0177.0.0.1), short (127.1), hex or out of range (1.2.3.999)
            raise InvalidURL(f"bad IPv4 address {host!r}", url) from None
        return
    try:
        ascii_host = idna.encode(host).decode("ascii") if not host.isascii() else host
        labels = ascii_host.split(".")
        for label in labels:
            if label.startswith("xn--"):
                idna.decode(label)
    except (idna.IDNAError, UnicodeError) as error:
        raise InvalidURL(f"bad international host name {host!r}: {error}", url) from None
    if len(ascii_host) > MAX_HOST_CHARS or any(not label or len(label) > MAX_LABEL_CHARS for label in labels):
        raise InvalidURL(
            f"bad host name {host[:80]!r}: over {MAX_HOST_CHARS} characters or a label empty or over {MAX_LABEL_CHARS}",
            url,
        )


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Normalise ``url`` for use as an identity key; non-HTTP URLs (``file:``) are returned stripped only.

    Raises :class:`InvalidURL` for an http(s) URL that cannot be parsed, and for any URL past ``MAX_URL_CHARS``.
    """
    url = url.strip()
    if urlsplit_scheme(url) not in DEFAULT_PORTS:
        _split(url)  # the length and character checks hold for every key
        return url
    parsed = parse_http_url(url)
    query_pairs = [(k, v) for k, v in parse_qsl(parsed.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(query_pairs, doseq=True) if query_pairs else ""
    return urlunsplit((parsed.scheme, parsed.netloc, parsed.path or "/", query, ""))


def url_key(url: str) -> str:
    """The canonical URL when ``url`` parses, else the stripped text itself (cut to ``MAX_URL_CHARS``).

    For logs of what a feed listed (``crawl_urls``): a poison item must be recorded under some key so that it is
    not fetched again on every poll, even though it has no canonical form.
    """
    try:
        return canonicalize_url(url)
    except InvalidURL:
        return url.strip()[:MAX_URL_CHARS]


def strip_userinfo(url: str) -> str:
    """``url`` without its ``user:password@`` part; never raises (an unparseable URL is returned as it is).

    A feed item may carry credentials in its link (``http://user:pass@host/a``): kept, they made a second copy of
    the article under another key and were published on its "Source:" link, in the API and in the feeds.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def urlsplit_scheme(url: str) -> str:
    """The scheme of ``url``, lower-cased ("" when there is none); never raises."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


def host_of(url: str) -> str:
    """The lower-case host of ``url`` ("" when it has none or cannot be parsed); IPv6 without brackets."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@functools.lru_cache(maxsize=4096)
def join_url(base: str | None, reference: str) -> str:
    """``urljoin`` that never raises: a reference that cannot be resolved against ``base`` is returned as it is.

    Publishers' pages and feeds hold any string in an ``href``; the caller checks the result where it matters
    (:func:`canonicalize_url` when it becomes a key, the fetcher when it is fetched). Remembered for the last
    4,096 pairs: a page names the same image in its metadata, its ``srcset`` and its ``<picture>`` sources, and
    extraction resolves each (four in ten calls repeat one a few calls earlier).
    """
    if not base:
        return reference
    try:
        return urljoin(base, reference)
    except ValueError:
        return reference
