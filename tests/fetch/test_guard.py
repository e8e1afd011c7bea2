"""The SSRF guard against every IPv6 form that leads to a non-public IPv4 address (F13 of issue 15)."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest

from newsloom.errors import BlockedError
from newsloom.fetch.fetcher import Fetcher
from newsloom.fetch.guard import AddressGuard, is_public
from tests.fetch.site import FaultSite, Reply
from tests.support.crawl import crawl_settings


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254 (cloud metadata)
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::808:808",  # NAT64 of a public address: the translator is refused whole
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:0:7f00:1",  # IPv4-translated
        "::ffff:10.0.0.1",  # IPv4-mapped
        "2a00:1450::5efe:a00:1",  # ISATAP carrying 10.0.0.1
    ],
)
def test_ipv6_forms_of_non_public_ipv4_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not AddressGuard("127.0.0.0/8").permits(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["2002:808:808::1", "::ffff:8.8.8.8", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_stay_allowed(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_fetcher_refuses_a_6to4_literal_of_loopback(tmp_path: Path) -> None:
    """The reproduction: a feed at http://[2002:7f00:1::]:PORT/ while loopback itself is allowed for tests."""
    settings = crawl_settings(tmp_path)

    async def fetch(url: str) -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch(url, obey_robots=False)

    with FaultSite() as site:
        site.routes["/feed.xml"] = Reply(body=b"<rss/>")
        port = site.url("/").split(":")[2].split("/")[0]
        asyncio.run(fetch(site.url("/feed.xml")))  # loopback is allowed in these settings: the route answers
        with pytest.raises(BlockedError, match="not public"):
            asyncio.run(fetch(f"http://[2002:7f00:1::]:{port}/feed.xml"))
        with pytest.raises(BlockedError, match="not public"):
            asyncio.run(fetch(f"http://[64:ff9b::7f00:1]:{port}/feed.xml"))


def test_a_resolver_that_never_answers_costs_the_connect_timeout_not_minutes() -> None:
    """DNS is outside the machine, so the loop's resolver is the one thing replaced: it never answers, as on an
    offline machine whose DNS server drops queries. The connection must fail within its connect timeout."""
    import time

    import httpcore

    from newsloom.fetch.transport import GuardedBackend

    async def never(*args: object, **kwargs: object) -> list[object]:
        await asyncio.sleep(60)
        return []

    async def connect() -> None:
        asyncio.get_running_loop().getaddrinfo = never  # type: ignore[method-assign]
        await GuardedBackend(AddressGuard()).connect_tcp("cdn.example.com", 443, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(httpcore.ConnectTimeout, match=r"cannot resolve cdn\.example\.com"):
        asyncio.run(connect())
    assert time.monotonic() - started < 5
