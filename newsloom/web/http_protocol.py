"""The HTTP protocol the portal is served with (``newsloom serve``, ``newsloom run``): uvicorn's httptools
protocol, with each response's head and its body handed to the socket in one write.

uvicorn writes the head (status line and headers) when the app sends ``http.response.start`` and the body when it
sends ``http.response.body``: two writes, so two ``send`` system calls and two TCP segments (the socket has
``TCP_NODELAY``, so nothing joins them). For a page served from the page cache those two writes were about 45% of a
worker's CPU under load (py-spy, BENCHMARKS.md "Web"), each one waking the client's side of the connection. Here a
request's transport holds the head until the next write (the body's first chunk, which then goes with it), the
response's end (a HEAD answer has no body write) or the connection's close. Streamed bodies flow as before after
their first chunk; ``100 Continue`` is written at once (the client waits for it before sending its body).

A repeat of a request the page cache answered from a kept page is answered here, from the bytes of that answer,
without a request cycle (``web.replay``).

Uvicorn's own settings the portal runs with are in ``uvicorn_settings``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from newsloom.web.replay import REPLAY_SLOT, ReplaySlot, ReplayTable, plain_read

_CONTINUE = b"HTTP/1.1 100 "
_TABLE = "newsloom_replays"  # on uvicorn's ServerState (one per server): the app's ReplayTable, once it offers one


class HeldHead:
    """One request's view of the connection's transport: the first write of its response waits for the next.

    With a ``slot`` that the app filled in (``web.replay``), what is written is also kept, to be replayed."""

    __slots__ = ("_held", "_holding", "_slot", "_transport", "written")

    def __init__(self, transport: asyncio.Transport, slot: ReplaySlot | None = None) -> None:
        self._transport = transport
        self._held = b""
        self._holding = True
        self._slot = slot
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        if self._holding and not data.startswith(_CONTINUE):
            self._holding = False
            self._held = data
            return
        if self._held:
            data, self._held = self._held + data, b""
        if self._slot is not None and self._slot.offered is not None:
            self.written.append(data)
        self._transport.write(data)

    def flush(self) -> None:
        self._holding = False
        if self._held:
            data, self._held = self._held, b""
            if self._slot is not None and self._slot.offered is not None:
                self.written.append(data)
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading, ...: the transport's
        return getattr(self._transport, name)


class PortalHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, each request cycle writing through a ``HeldHead``, and repeats of the page
    cache's answers replayed (``web.replay``)."""

    _replayed = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._replayed = False
        # A replay just before, in the same read, armed the keep-alive timeout: this request is not idle time.
        self._unset_keepalive_if_required()

    def on_headers_complete(self) -> None:
        method = self.parser.get_method()
        slot = None
        if self.limit_concurrency is None and not self.parser.should_upgrade() and plain_read(method, self.headers):
            slot = ReplaySlot((method, self.url, self.parser.get_http_version(), tuple(self.headers)))
            if self._replay(slot):
                return
        before = self.cycle
        super().on_headers_complete()  # makes the request's cycle and schedules it (it has not run yet)
        cycle = self.cycle
        if cycle is None or cycle is before:  # an upgrade: no cycle made
            return
        held = HeldHead(cycle.transport, slot)
        cycle.transport = held  # type: ignore[assignment]
        if slot is not None:
            cycle.scope[REPLAY_SLOT] = slot  # type: ignore[literal-required]
        cycle.on_response = _completed(held, cycle, slot, self.server_state)

    def _replay(self, slot: ReplaySlot) -> bool:
        """Answers the request from its replay, when there is one and nothing is before it on the connection."""
        table: ReplayTable | None = getattr(self.server_state, _TABLE, None)
        if table is None or self.pipeline or self.flow.write_paused:
            return False
        if self.cycle is not None and not self.cycle.response_complete:
            return False
        replay = table.get(slot.key)
        if replay is None:
            return False
        self._replayed = True
        self.transport.write(table.answer(replay, self.server_state.default_headers))
        self.on_response_complete()  # counts the request, arms the keep-alive timeout as after any answer
        return True

    def on_body(self, body: bytes) -> None:
        if not self._replayed:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._replayed:
            super().on_message_complete()


def _completed(held: HeldHead, cycle: RequestResponseCycle, slot: ReplaySlot | None, state: object
               ) -> Callable[[], None]:  # fmt: skip
    on_response = cycle.on_response

    def completed() -> None:  # the response is complete: whatever is held goes now (a HEAD answer's head)
        held.flush()
        if slot is not None and slot.table is not None and held.written and cycle.keep_alive:
            slot.table.keep(slot, cycle.default_headers, b"".join(held.written))
            setattr(state, _TABLE, slot.table)
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
