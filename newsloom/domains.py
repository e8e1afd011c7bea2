"""Registrable domains: one publisher is one domain (``www.bbc.co.uk`` and ``feeds.bbc.co.uk`` are ``bbc.co.uk``).

Uses tldextract with the Public Suffix List snapshot it bundles and never fetches a newer one (no network at run
time, the same answer on every machine). IP addresses and single-label hosts (``localhost``) are their own domain.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=() : the bundled snapshot only; cache_dir=None : nothing written to the user's home.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


def _host(url_or_host: str) -> str:
    value = url_or_host.strip()
    if "://" in value:
        return (urlsplit(value).hostname or "").lower()
    return value.split("/", 1)[0].split(":", 1)[0].lower().rstrip(".")


@lru_cache(maxsize=4096)
def registrable_domain(url_or_host: str) -> str:
    """``https://fr.euronews.com/x`` -> ``euronews.com``; ``news.bbc.co.uk`` -> ``bbc.co.uk``; ``""`` for none."""
    host = _host(url_or_host)
    if not host:
        return ""
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host  # an IP address, "localhost", or a name under no known suffix
