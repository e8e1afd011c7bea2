"""The HTTP protocol the portal is served with (``newsloom serve``, ``newsloom run``): uvicorn's httptools
protocol, with each response's head and its body handed to the socket in one write.

uvicorn writes the head (status line and headers) when the app sends ``http.response.start`` and the body when it
sends ``http.response.body``: two writes, so two ``send`` system calls and two TCP segments (the socket has
``TCP_NODELAY``, so nothing joins them). For a page served from the page cache those two writes were about 45% of a
worker's CPU under load (py-spy, BENCHMARKS.md "Web"), each one waking the client's side of the connection. Here a
request's transport holds the head until the next write (the body's first chunk, which then goes with it), the
response's end (a HEAD answer has no body write) or the connection's close. Streamed bodies flow as before after
their first chunk; ``100 Continue`` is written at once (the client waits for it before sending its body).

Uvicorn's own settings the portal runs with are in ``uvicorn_settings``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_CONTINUE = b"HTTP/1.1 100 "


class HeldHead:
    """One request's view of the connection's transport: the first write of its response waits for the next."""

    __slots__ = ("_held", "_holding", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._held = b""
        self._holding = True

    def write(self, data: bytes) -> None:
        if self._holding and not data.startswith(_CONTINUE):
            self._holding = False
            self._held = data
            return
        if self._held:
            data, self._held = self._held + data, b""
        self._transport.write(data)

    def flush(self) -> None:
        self._holding = False
        if self._held:
            data, self._held = self._held, b""
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading, ...: the transport's
        return getattr(self._transport, name)


class PortalHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, each request cycle writing through a ``HeldHead``."""

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()  # makes the request's cycle and schedules it (it has not run yet)
        cycle = self.cycle
        if cycle is None or cycle is before:  # an upgrade: no cycle made
            return
        held = HeldHead(cycle.transport)
        cycle.transport = held  # type: ignore[assignment]
        cycle.on_response = _flushing(held, cycle.on_response)


def _flushing(held: HeldHead, on_response: Callable[[], None]) -> Callable[[], None]:
    def completed() -> None:  # the response is complete: whatever is held goes now (a HEAD answer's head)
        held.flush()
        on_response()

    return completed


def uvicorn_settings() -> dict[str, Any]:
    """Settings for ``uvicorn.run`` / ``uvicorn.Config`` besides the app, host, port and workers.

    - ``http``: ``PortalHttpProtocol``, named by its import path (worker processes import it);
    - ``access_log`` off: with uvicorn's logging set up, every request built an access-log record's arguments
      (client address, path) even at level warning;
    - ``proxy_headers`` off: by default uvicorn believes ``X-Forwarded-For`` from any loopback peer, before the app
      sees the request; the portal reads that header itself, from ``trusted_proxies`` only (``web.security``).
    """
    return {
        "http": f"{__name__}:PortalHttpProtocol",
        "access_log": False,
        "proxy_headers": False,
        "log_level": "warning",
    }
