"""Compressed responses at the edge: the cost per cached page of answering compressed, beside the same pages sent
uncompressed and beside Starlette's GZipMiddleware (which recompresses every response), in the same process.

    .venv/bin/python bench/compress_bench.py [--articles 300] [--requests 3000]

Each request goes through the whole ASGI stack in process (no sockets): a page cache hit for a home page (no
form: compressed once, the bytes reused) and for article pages (a comment form whose token is the same for every
reader: compressed once too). Prints microseconds per request and bytes on the wire, and the ratios; then, for the
levels a page's first request pays (``newsloom.web.compress``), the CPU and bytes of each level over the same
article pages.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

import brotli
import zstandard

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.middleware.gzip import GZipMiddleware  # noqa: E402

from newsloom.settings import Settings  # noqa: E402
from newsloom.store import open_store  # noqa: E402
from newsloom.web import create_app  # noqa: E402
from newsloom.web.portal import article_path  # noqa: E402
from tests.store.test_store import make_article  # noqa: E402

CODINGS = {"identity": b"identity", "zstd": b"gzip, deflate, br, zstd", "br": b"br", "gzip": b"gzip"}


async def request(app, path: str, accept: bytes, cookie: bytes) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    scope = {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"bench"), (b"accept-encoding", accept), (b"cookie", cookie)],
        "scheme": "http", "server": ("bench", 80), "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": "",
    }  # fmt: skip
    sent = [0, 0]

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):  # type: ignore[no-untyped-def]
        if message["type"] == "http.response.start":
            sent[0] = message["status"]
        elif message["type"] == "http.response.body":
            sent[1] += len(message.get("body", b""))

    await app(scope, receive, send)
    return sent[0], sent[1]


async def plain_bodies(app, paths: list[str]) -> list[bytes]:  # type: ignore[no-untyped-def]
    bodies = []
    for path in paths:
        chunks: list[bytes] = []

        async def send(message, chunks=chunks):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        async def receive():  # type: ignore[no-untyped-def]
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {
            "type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
            "headers": [(b"host", b"bench")], "scheme": "http", "server": ("bench", 80), "client": ("127.0.0.1", 1),
            "http_version": "1.1", "root_path": "",
        }  # fmt: skip
        await app(scope, receive, send)
        bodies.append(b"".join(chunks))
    return bodies


LEVELS = {
    "zstd 1 (new searches)": zstandard.ZstdCompressor(level=1).compress,
    "zstd 2": zstandard.ZstdCompressor(level=2).compress,
    "zstd 3 (first renders)": zstandard.ZstdCompressor(level=3).compress,
    "zstd 5": zstandard.ZstdCompressor(level=5).compress,
    "brotli 1": lambda body: brotli.compress(body, quality=1, lgwin=22),
    "brotli 2 (Brotli-only clients)": lambda body: brotli.compress(body, quality=2, lgwin=22),
    "brotli 3": lambda body: brotli.compress(body, quality=3, lgwin=22),
    "brotli 4": lambda body: brotli.compress(body, quality=4, lgwin=22),
    "brotli 5": lambda body: brotli.compress(body, quality=5, lgwin=22),
    "deflate 1": lambda body: zlib.compress(body, 1),
    "deflate 2": lambda body: zlib.compress(body, 2),
    "deflate 3 (first renders)": lambda body: zlib.compress(body, 3),
    "deflate 4": lambda body: zlib.compress(body, 4),
    "deflate 5": lambda body: zlib.compress(body, 5),
    "deflate 6": lambda body: zlib.compress(body, 6),
}


def compare_levels(bodies: list[bytes], rounds: int = 15) -> None:
    """CPU per page (best of ``rounds``, the levels taking turns in each round, so a busy spell of this machine
    falls on all of them alike) and bytes, per level."""
    plain = sum(len(body) for body in bodies)
    best = dict.fromkeys(LEVELS, float("inf"))
    for _ in range(rounds):
        for label, pack in LEVELS.items():
            best[label] = min(best[label], _timed(pack, bodies))
    for label, pack in LEVELS.items():
        size = sum(len(pack(body)) for body in bodies)
        print(
            f"article  {label:28} {best[label] / len(bodies) * 1e6:11.1f} {size / len(bodies):8.0f}  ({size / plain:.3f})"
        )


def _timed(pack, bodies: list[bytes]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for body in bodies:
        pack(body)
    return time.perf_counter() - started


async def measure(app, paths: list[str], accept: bytes, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    cookie = b"csrf=bench-reader-cookie-0123456789abcdef"
    for path in paths:  # warm the page cache
        await request(app, path, accept, cookie)
    sizes = []
    started = time.perf_counter()
    for number in range(count):
        status, size = await request(app, paths[number % len(paths)], accept, cookie)
        assert status == 200, (status, paths[number % len(paths)])
        sizes.append(size)
    return (time.perf_counter() - started) / count * 1e6, statistics.mean(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(data_dir=Path(directory), base_url="http://bench")
        store = open_store(settings)
        ids = [store.upsert_article(make_article(n)).article_id for n in range(1, args.articles + 1)]
        app = create_app(settings, store)
        naive = GZipMiddleware(create_app(settings.model_copy(update={"page_cache_mb": 0}), store), minimum_size=500)
        pages = {"home": ["/"], "article": [article_path(store.get_article(i)) for i in ids[:50]]}  # type: ignore[arg-type]
        print(f"{'page':8} {'answer':28} {'us/request':>11} {'bytes':>8}")
        for name, paths in pages.items():
            results = {}
            for label, accept in CODINGS.items():
                results[label] = asyncio.run(measure(app, paths, accept, args.requests))
            results["GZipMiddleware, no cache"] = asyncio.run(
                measure(naive, paths, b"gzip", max(200, args.requests // 10))
            )
            for label, (micros, size) in results.items():
                print(f"{name:8} {label:28} {micros:11.1f} {size:8.0f}")
            base = results["identity"][0]
            print(f"{name:8} ratio zstd/identity {results['zstd'][0] / base:.2f}, br/identity {results['br'][0] / base:.2f}, "
                  f"gzip/identity {results['gzip'][0] / base:.2f}; bytes zstd/identity "
                  f"{results['zstd'][1] / results['identity'][1]:.2f}")  # fmt: skip
        print("levels a first render pays (us/page, bytes/page, share of the plain page):")
        compare_levels(asyncio.run(plain_bodies(create_app(settings, store), pages["article"])))
        store.close()


if __name__ == "__main__":
    main()
