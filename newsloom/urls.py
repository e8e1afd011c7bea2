"""Canonical URLs: the key that makes ingest idempotent.

Two URLs that name the same article must normalise to the same string: scheme and host lower-cased, default ports
and fragments dropped, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …) removed, remaining query parameters
kept in their order. Paths keep their case (servers may treat it as significant).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Normalise ``url`` for use as an identity key; non-HTTP URLs are returned stripped only."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.port and parts.port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(query_pairs, doseq=True) if query_pairs else ""
    return urlunsplit((scheme, host, path, query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
