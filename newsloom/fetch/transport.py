"""An httpx transport that enforces the SSRF guard when it opens a socket, not only before the request.

Checking a URL and then letting httpx resolve the name again leaves a window: a hostile DNS server can answer
with a public address for the check and ``127.0.0.1`` for the connection (DNS rebinding). Here the network
backend resolves the name itself, checks every address with :class:`AddressGuard`, and connects to the checked
address, so what was checked is what is reached. TLS still verifies against the host name (httpcore passes it as
SNI separately). Settings: ``allow_networks``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from newsloom.errors import BlockedError, FetchError
from newsloom.fetch.guard import AddressGuard
from newsloom.fetch.pooled import AsyncPooledTransport

# getaddrinfo's answers that the name has no address: NXDOMAIN ("no such host") or a name with no A/AAAA records. A
# retry asks the same resolver the same question seconds later and gets the same answer, so these fail at once;
# EAI_AGAIN (the resolver did not answer, maybe for now) and every other failure stay retried connection errors.
_NO_SUCH_HOST = frozenset(
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if isinstance(code, int)
)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check, then connect to the checked address; refuse the whole name if any address is refused."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self.inner = httpcore.AnyIOBackend()

    async def _permitted_addresses(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
            addresses = [literal]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                # Bounded by the connect timeout: with no reachable DNS server a lookup blocks for the resolver's
                # own retries (tens of seconds), and an offline crawl of pages whose pictures sit on fifty CDNs
                # then waited minutes for answers that never come.
                infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
            except socket.gaierror as error:
                if error.errno in _NO_SUCH_HOST:
                    # same "cannot resolve" start as below: the media stage reads it as a dead host
                    raise UnknownHost(f"cannot resolve {host}: no such host ({error.strerror})", host) from error
                raise httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}") from error
            except TimeoutError as error:
                raise httpcore.ConnectTimeout(f"cannot resolve {host}: no answer in {timeout:g} s") from error
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        refused = [address for address in addresses if not self.guard.permits(address)]
        if refused:
            raise GuardRefused(f"address {refused[0]} is not public (see allow_networks)", host)
        return [str(address) for address in dict.fromkeys(addresses)]

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: Exception | None = None
        for address in await self._permitted_addresses(host, port, timeout):
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise GuardRefused("unix sockets are not fetched", None)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardRefused(BlockedError):
    """Raised inside the transport; the fetcher turns it into a plain ``BlockedError`` for its caller."""


class UnknownHost(FetchError):
    """The host's name does not resolve. Raised inside the transport (httpx passes exceptions of its own through
    unmapped); the fetcher fails the URL with it at once, without the retries a timeout or a reset gets."""


def guarded_transport(guard: AddressGuard, *, max_connections: int, http2: bool = True) -> AsyncPooledTransport:
    """An httpx transport whose connection pool dials through :class:`GuardedBackend`.

    httpx's ``AsyncHTTPTransport`` takes no network backend, so the pool is built here with the options it would
    have been given (no proxy from the environment: ``trust_env=False``), and :class:`AsyncPooledTransport` does
    httpx's request and error mapping around it.
    """
    pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=15.0,
        http1=True,
        http2=http2,
        network_backend=GuardedBackend(guard),
    )
    return AsyncPooledTransport(pool)
