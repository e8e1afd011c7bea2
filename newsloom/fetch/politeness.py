"""Politeness, in one place: robots.txt rules and the pace of requests to each host.

``HostPacer`` lets at most ``crawl_per_host_concurrency`` requests run per host and spaces their starts by
``crawl_min_delay`` seconds, or the host's robots.txt ``Crawl-delay`` when that is longer (capped by
``crawl_max_delay``). A server answering 429 or 503 with ``Retry-After`` pushes the host's next start later for
everyone, not only for the request that was told. ``RobotsCache`` holds one parsed robots.txt per host for
``robots_cache_seconds``; the fetcher fills it (fetching robots.txt is itself a paced, guarded request).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Protocol

from protego import Protego


class Pacer(Protocol):
    """Per-host concurrency and spacing of request starts, for one process or (``shared_politeness``) for all.

    ``acquire`` returns when a request to ``host`` may start; every ``acquire`` is followed by one ``release``.
    ``set_delay`` raises the spacing for a host (robots.txt ``Crawl-delay``); ``push_back`` keeps everyone off a
    host for a while (``Retry-After``).
    """

    async def acquire(self, host: str) -> None: ...

    async def release(self, host: str) -> None: ...

    async def set_delay(self, host: str, delay: float) -> None: ...

    async def push_back(self, host: str, seconds: float) -> None: ...


@dataclass
class HostState:
    slots: asyncio.Semaphore
    next_start: float = 0.0
    delay: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class HostPacer:
    def __init__(self, per_host: int, min_delay: float) -> None:
        self.per_host = max(1, per_host)
        self.min_delay = max(0.0, min_delay)
        self.hosts: dict[str, HostState] = {}

    def _state(self, host: str) -> HostState:
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = HostState(asyncio.Semaphore(self.per_host), delay=self.min_delay)
        return state

    async def set_delay(self, host: str, delay: float) -> None:
        state = self._state(host)
        state.delay = max(self.min_delay, delay)

    async def push_back(self, host: str, seconds: float) -> None:
        """Nobody starts a request to ``host`` for ``seconds`` (a Retry-After for the whole host)."""
        state = self._state(host)
        state.next_start = max(state.next_start, time.monotonic() + seconds)

    async def acquire(self, host: str) -> None:
        state = self._state(host)
        await state.slots.acquire()
        async with state.lock:
            wait = state.next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            state.next_start = max(time.monotonic(), state.next_start) + state.delay

    async def release(self, host: str) -> None:
        self._state(host).slots.release()


@dataclass
class RobotsEntry:
    rules: Protego | None  # None: no robots.txt (or an unusable one), everything allowed
    expires: float


class RobotsCache:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self.entries: dict[str, RobotsEntry] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    def lock_for(self, origin: str) -> asyncio.Lock:
        """One robots.txt fetch per origin at a time, so a burst of requests does not fetch it many times."""
        return self.locks.setdefault(origin, asyncio.Lock())

    def get(self, origin: str) -> RobotsEntry | None:
        entry = self.entries.get(origin)
        if entry is not None and entry.expires < time.monotonic():
            return None
        return entry

    def put(self, origin: str, text: str | None) -> RobotsEntry:
        rules = Protego.parse(text) if text else None
        entry = RobotsEntry(rules, time.monotonic() + self.ttl)
        self.entries[origin] = entry
        return entry

    async def lookup(self, origin: str) -> RobotsEntry | None:
        """``get`` for the fetcher; a shared cache (``shared_politeness``) also asks its other processes' store."""
        return self.get(origin)

    async def store(self, origin: str, text: str | None) -> RobotsEntry:
        return self.put(origin, text)

    def sitemaps(self, origin: str) -> list[str]:
        entry = self.entries.get(origin)
        return list(entry.rules.sitemaps) if entry is not None and entry.rules is not None else []
