"""Answers replayed by the HTTP protocol: a repeat of a request the page cache answered from a kept page gets the
same bytes again, written from the protocol, before any ASGI work.

A hot page costs little in the app (the page cache serves its bytes, ~35 µs), but the request around it costs more:
uvicorn builds a scope and a request cycle, schedules a task for it, the ASGI layers each wrap ``send`` and build
message dicts, and the head is serialised again. For the 2,000 pages everybody reads, that was most of a worker's
CPU. So the page cache offers (``ReplaySlot.offer``) each answer it gives from a kept entry (from a page's second
read on: most pages of a large store are read once and never cost a replay), and the protocol keeps that answer's
bytes under the request's own bytes: method, target, HTTP version and every header as sent.

Why this is the same answer: an answer from a kept entry is a function of the request's method, target and headers
(edition, coding, validators, cookie, host are all read from them) and of the entry. The replay is written only
while that entry is still the one the page cache would serve (``Offer.still``: same store change token, not
expired, not forgotten), and it performs the answer's effects again (the page's read count, the request counters,
the page cache's hit). Uvicorn's own headers (``server``, ``date``) are written as they are now, not as
they were. A request with a body, an ``Expect`` or an upgrade is never replayed.

Bounded: at most ``MAX_REPLAYS`` answers and ``max_bytes`` of bodies (the bodies are the page cache's own bytes,
shared, until an entry is dropped there).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

REPLAY_SLOT = "newsloom.replay"  # scope key: the request's ReplaySlot, when its protocol can replay
MAX_REPLAYS = 4096
# Headers that mean a request is not a plain read: it has a body, waits for a go-ahead, or changes protocol.
NOT_PLAIN = frozenset((b"content-length", b"transfer-encoding", b"expect", b"upgrade"))

RequestKey = tuple[bytes, bytes, str, tuple[tuple[bytes, bytes], ...]]


class Offer(Protocol):
    """The app's side of a replayable answer: whether it still holds, and its effect (called once per replay)."""

    def still(self) -> bool: ...

    def __call__(self) -> None: ...


class ReplaySlot:
    """One request's offer: filled in by the app layers that answered it, read by the protocol once it is sent."""

    __slots__ = ("body", "effects", "key", "offered", "table")

    def __init__(self, key: RequestKey) -> None:
        self.key = key
        self.table: ReplayTable | None = None
        self.offered: Offer | None = None
        self.effects: list[Callable[[], None]] = []
        self.body = b""

    def offer(self, table: ReplayTable, offered: Offer, body: bytes) -> None:
        """The answer may be replayed from ``table`` (the app's) while ``offered.still()`` holds, calling
        ``offered()`` each time; ``body`` is the bytes object the answer's body is written from (kept by reference,
        not copied)."""
        self.table = table
        self.offered = offered
        self.effects.append(offered)
        self.body = body

    def also(self, effect: Callable[[], None]) -> None:
        """An outer layer's effect of answering (a counter), run again with each replay."""
        if self.offered is not None:
            self.effects.append(effect)


@dataclass(slots=True)
class Replay:
    status_line: bytes
    head: bytes  # the app's header lines and the blank line: everything after uvicorn's own headers
    body: bytes
    offered: Offer
    effects: tuple[Callable[[], None], ...]


class ReplayTable:
    """The replayable answers of one app (all its connections), least recently replayed dropped first."""

    def __init__(self, max_bytes: int, max_replays: int = MAX_REPLAYS) -> None:
        self.max_bytes = max_bytes
        self.max_replays = max_replays
        self._replays: OrderedDict[RequestKey, Replay] = OrderedDict()
        self._bytes = 0
        self._defaults: list[tuple[bytes, bytes]] | None = None
        self._defaults_bytes = b""
        self.replayed = 0

    def __len__(self) -> int:
        return len(self._replays)

    def get(self, key: RequestKey) -> Replay | None:
        """The replay for ``key`` while its answer still holds (else it is dropped)."""
        found = self._replays.get(key)
        if found is None:
            return None
        if not found.offered.still():
            self._drop(key)
            return None
        self._replays.move_to_end(key)
        return found

    def keep(self, slot: ReplaySlot, defaults: list[tuple[bytes, bytes]], written: bytes) -> None:
        """Keeps the answer written for ``slot``'s request (``written``: head and body as sent), if it is what the
        slot offered: a status line, uvicorn's ``defaults`` headers, the app's headers, the offered body."""
        end = written.find(b"\r\n") + 2
        status_line, prefix = written[:end], serialised(defaults)
        if slot.offered is None or end < 2 or not written.startswith(prefix, end) or not written.endswith(slot.body):
            return
        head = written[end + len(prefix) : len(written) - len(slot.body)]
        if not head.endswith(b"\r\n\r\n") or len(slot.body) > self.max_bytes // 4:
            return
        self._drop(slot.key)
        self._replays[slot.key] = Replay(status_line, head, slot.body, slot.offered, tuple(slot.effects))
        self._bytes += len(slot.body) + len(head)
        while self._replays and (self._bytes > self.max_bytes or len(self._replays) > self.max_replays):
            self._drop(next(iter(self._replays)))

    def answer(self, replay: Replay, defaults: list[tuple[bytes, bytes]]) -> bytes:
        """The replay's bytes with uvicorn's headers as they are now (its ``date`` changes each second)."""
        if defaults is not self._defaults:
            self._defaults, self._defaults_bytes = defaults, serialised(defaults)
        for effect in replay.effects:
            effect()
        self.replayed += 1
        return b"".join((replay.status_line, self._defaults_bytes, replay.head, replay.body))

    def _drop(self, key: RequestKey) -> None:
        old = self._replays.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body) + len(old.head)


def serialised(headers: list[tuple[bytes, bytes]]) -> bytes:
    """Header lines as uvicorn writes them."""
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


def plain_read(method: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
    """A GET or HEAD without a body, an ``Expect`` or an upgrade: the only requests replayed."""
    return method in (b"GET", b"HEAD") and not any(name in NOT_PLAIN for name, _ in headers)
