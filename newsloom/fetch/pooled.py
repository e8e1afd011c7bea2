"""httpx transports over an httpcore connection pool we build ourselves, for a network backend of our own.

httpx's ``HTTPTransport`` and ``AsyncHTTPTransport`` take no network backend, and the one place they keep their
pool is a private attribute. newsloom needs its own backend twice: the crawler's dials only addresses the SSRF
guard checked (``newsloom.fetch.transport``), and the translation client gives every socket read only what is left
of the request's deadline (``newsloom.enrich.translate.remote``). These transports do what httpx's do, through
public API on both sides: map the ``httpx.Request`` to an ``httpcore.Request``, send it on the pool, and map
httpcore's exceptions (while sending and while the body streams) to httpx's of the same name.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

import httpcore
import httpx

# httpcore's exceptions and httpx's of the same meaning, most specific first (a subclass before its base).
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's exceptions raised as httpx's (what httpx's own transports do); anything else as it is."""
    try:
        yield
    except Exception as error:
        for theirs, ours in _EXCEPTIONS:
            if isinstance(error, theirs):
                raise ours(str(error)) from error
        raise


def _core_request(request: httpx.Request, content: Iterable[bytes] | AsyncIterable[bytes]) -> httpcore.Request:
    url = request.url
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
        headers=request.headers.raw,
        content=content,
        extensions=request.extensions,
    )


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self.stream

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self.stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self.stream:
                yield part

    async def aclose(self) -> None:
        aclose = getattr(self.stream, "aclose", None)
        if aclose is not None:
            await aclose()


class PooledTransport(httpx.BaseTransport):
    """A blocking httpx transport sending on ``pool``, which it closes with itself."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self.pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, Iterable):
            raise TypeError("a blocking transport needs a request body it can iterate")
        with _httpx_errors():
            response = self.pool.handle_request(_core_request(request, request.stream))
        if not isinstance(response.stream, Iterable):
            raise TypeError("httpcore answered a blocking request with an async body")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.pool.close()


class AsyncPooledTransport(httpx.AsyncBaseTransport):
    """An asyncio httpx transport sending on ``pool``, which it closes with itself."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self.pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, AsyncIterable):
            raise TypeError("an async transport needs a request body it can iterate asynchronously")
        with _httpx_errors():
            response = await self.pool.handle_async_request(_core_request(request, request.stream))
        if not isinstance(response.stream, AsyncIterable):
            raise TypeError("httpcore answered an async request with a blocking body")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_AsyncBody(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.pool.aclose()
