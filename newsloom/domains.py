"""Registrable domains ("eTLD+1"): which names belong to one publisher.

``www.bbc.co.uk`` and ``news.bbc.co.uk`` are one registrable domain, ``bbc.co.uk``; ``a.blogspot.com`` and
``b.blogspot.com`` are two. The public suffix list decides, and the copy bundled with the ``tld`` package is used
as shipped (never refreshed from the network at run time), so results do not change under a running crawl.

Used by the identity rule (a page's declared canonical URL is believed only on its own registrable domain, see
``newsloom.identity``) and by anything that groups outlets by domain. Names the list does not know (``localhost``,
``news.example``) fall back to their last two labels; IP addresses are their own domain.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from newsloom.urls import host_of


@lru_cache(maxsize=4096)
def registrable_domain_of_host(host: str) -> str:
    """``news.bbc.co.uk`` → ``bbc.co.uk``; ``127.0.0.1`` → ``127.0.0.1``; ``""`` → ``""``."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    from tld import get_fld  # the list loads in ~0.3 s: only when a domain is first asked for

    found = get_fld(host, fix_protocol=True, fail_silently=True)
    if found:
        return str(found)
    labels = host.split(".")
    return ".".join(labels[-2:])


def registrable_domain(url: str) -> str:
    """The registrable domain of ``url``'s host ("" for a URL without one, such as ``file:``)."""
    return registrable_domain_of_host(host_of(url))


def parse_aliases(spec: str) -> list[frozenset[str]]:
    """``"a.com,a.co.uk; b.org,b.net"`` → groups of domains that are one publisher (setting ``canonical_aliases``)."""
    groups = []
    for group in spec.split(";"):
        domains = frozenset(registrable_domain_of_host(part) for part in group.split(",") if part.strip())
        if len(domains) > 1:
            groups.append(domains)
    return groups


def same_publisher(first_url: str, second_url: str, aliases: Iterable[frozenset[str]] = ()) -> bool:
    """Whether two URLs lie on one registrable domain, or on two that an operator declared aliases."""
    first, second = registrable_domain(first_url), registrable_domain(second_url)
    if not first or not second:
        return False
    return first == second or any(first in group and second in group for group in aliases)
