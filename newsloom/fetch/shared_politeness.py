"""Politeness shared by every crawling process: per-host slots, spacing and robots.txt kept in Redis.

When Celery workers on several machines fetch from one publisher, each process's own ``HostPacer`` would let
every process send ``crawl_per_host_concurrency`` requests spaced by ``crawl_min_delay``: N workers, N times the
load. Here the state of a host lives in Redis and every decision is one Lua script, so it is atomic across
processes, and time is Redis's own clock (``TIME``), so workers whose clocks disagree still space requests right.

- **Slots**: a sorted set per host of the requests in flight, scored by when their lease ends; a worker killed
  mid-request (or one that lost Redis while releasing) frees its slot when the lease runs out instead of holding
  it forever. The lease is the longest a request may take: ``fetch_connect_timeout + fetch_read_timeout``.
- **Spacing**: the next allowed start per host; a script reserves ``max(now, next)`` and moves ``next`` on by the
  host's delay (``crawl_min_delay``, or a longer robots.txt ``Crawl-delay``, also kept in Redis).
- **robots.txt**: the text each process fetched, cached in Redis for ``robots_cache_seconds``, so the other
  processes parse it instead of fetching it again.

Settings: ``broker_url`` (the Redis holding this state), ``crawl_per_host_concurrency``, ``crawl_min_delay``,
``robots_cache_seconds``. Used by ``newsloom.queue.tasks``; the embedded default keeps the in-process pacer.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from newsloom.fetch.politeness import RobotsCache, RobotsEntry

PREFIX = "newsloom:polite:"

# KEYS[1] slots zset; ARGV: token, per_host, lease seconds. Returns 1 when a slot was taken.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 60)
  return 1
end
return 0
"""

# KEYS[1] next start, KEYS[2] host delay; ARGV: min delay. Returns the seconds to wait before starting.
_RESERVE_START = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local delay = math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0'))
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(start + delay), 'EX', math.ceil(delay) + 3600)
return tostring(start - now)
"""

# KEYS[1] next start; ARGV: seconds from now before anyone may start.
_PUSH_BACK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(until_), 'EX', math.ceil(tonumber(ARGV[1])) + 3600)
end
return 1
"""


class RedisHostPacer:
    """The ``Pacer`` of ``politeness``, with its state in Redis for all processes together."""

    POLL_SECONDS = 0.05  # how often a request waiting for a slot asks again

    def __init__(self, redis: Redis, per_host: int, min_delay: float, slot_lease: float = 120.0) -> None:
        self.redis = redis
        self.per_host = max(1, per_host)
        self.min_delay = max(0.0, min_delay)
        self.slot_lease = slot_lease
        self.tokens: dict[str, list[str]] = {}
        self.take_slot = redis.register_script(_TAKE_SLOT)
        self.reserve_start = redis.register_script(_RESERVE_START)
        self.push = redis.register_script(_PUSH_BACK)

    async def acquire(self, host: str) -> None:
        token = secrets.token_hex(8)
        while not await self.take_slot(keys=[PREFIX + "slots:" + host], args=[token, self.per_host, self.slot_lease]):
            await asyncio.sleep(self.POLL_SECONDS)
        self.tokens.setdefault(host, []).append(token)
        keys = [PREFIX + "next:" + host, PREFIX + "delay:" + host]
        try:
            wait = float(await self.reserve_start(keys=keys, args=[self.min_delay]))
        except BaseException:
            await self.release(host)
            raise
        if wait > 0:
            await asyncio.sleep(wait)

    async def release(self, host: str) -> None:
        tokens = self.tokens.get(host)
        if tokens:
            token = tokens.pop()
            with contextlib.suppress(RedisError):  # Redis away: the slot's lease ends on its own
                await self.redis.zrem(PREFIX + "slots:" + host, token)

    async def set_delay(self, host: str, delay: float) -> None:
        await self.redis.set(PREFIX + "delay:" + host, max(self.min_delay, delay), ex=24 * 3600)

    async def push_back(self, host: str, seconds: float) -> None:
        await self.push(keys=[PREFIX + "next:" + host], args=[seconds])


class RedisRobotsCache(RobotsCache):
    """This process's robots.txt cache, backed by the texts the other processes fetched."""

    NONE = "\x00none"  # marks an origin with no usable robots.txt (everything allowed)

    def __init__(self, redis: Redis, ttl_seconds: float) -> None:
        super().__init__(ttl_seconds)
        self.redis = redis

    async def lookup(self, origin: str) -> RobotsEntry | None:
        entry = self.get(origin)
        if entry is not None:
            return entry
        key = PREFIX + "robots:" + origin
        text = await self.redis.get(key)
        if text is None:
            return None
        remaining = await self.redis.ttl(key)
        value = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
        entry = self.put(origin, None if value == self.NONE else value)
        if remaining and remaining > 0:
            entry.expires = time.monotonic() + remaining
        return entry

    async def store(self, origin: str, text: str | None) -> RobotsEntry:
        entry = self.put(origin, text)
        await self.redis.set(PREFIX + "robots:" + origin, text if text else self.NONE, ex=max(1, int(self.ttl)))
        return entry
