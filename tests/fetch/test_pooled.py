"""The pooled transports against a real server on 127.0.0.1: answers come through, and httpcore's errors (while
sending and while the body streams) reach the caller as httpx's, as with httpx's own transports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpcore
import httpx
import pytest

from newsloom.fetch.pooled import AsyncPooledTransport, PooledTransport
from tests.fetch.site import FaultSite, Reply

TIMEOUT = httpx.Timeout(5.0, read=0.3)


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with FaultSite() as site:
        site.route("/ok", Reply(body=b"hello", headers={"X-Kind": "plain"}))
        site.route("/slow", Reply(body=b"late", delay=1.0))
        site.route("/short", Reply(body=b"half", headers={"Content-Length": "100"}))  # the rest never comes
        yield site


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _client() -> httpx.Client:
    return httpx.Client(transport=PooledTransport(httpcore.ConnectionPool()), timeout=TIMEOUT)


def _async_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncPooledTransport(httpcore.AsyncConnectionPool()), timeout=TIMEOUT)


def test_blocking_answer_and_errors(site: FaultSite) -> None:
    with _client() as client:
        response = client.get(site.url("/ok"))
        assert (response.status_code, response.content, response.headers["x-kind"]) == (200, b"hello", "plain")
        assert client.get(site.url("/missing"), params={"q": "a b"}).status_code == 404
        assert site.log[-1].path == "/missing?q=a+b"
        with pytest.raises(httpx.ReadTimeout):
            client.get(site.url("/slow"))
        with pytest.raises(httpx.ReadTimeout):  # raised by the body's stream, after the headers came
            client.get(site.url("/short"))
        with pytest.raises(httpx.ConnectError):
            client.get(f"http://127.0.0.1:{_closed_port()}/")


def test_async_answer_and_errors(site: FaultSite) -> None:
    async def run() -> None:
        async with _async_client() as client:
            response = await client.get(site.url("/ok"))
            assert (response.status_code, response.content) == (200, b"hello")
            with pytest.raises(httpx.ReadTimeout):
                await client.get(site.url("/slow"))
            with pytest.raises(httpx.ReadTimeout):
                await client.get(site.url("/short"))
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{_closed_port()}/")

    asyncio.run(run())
