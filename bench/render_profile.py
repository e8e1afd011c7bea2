"""The CPU one article page's first render costs, in process: no wrk, no sockets, so a shared machine's noise
mostly stays out (``time.process_time`` counts this process's CPU only).

    .venv/bin/python bench/render_profile.py --articles 10000 --renders 500             # CPU and queries a render
    .venv/bin/python bench/render_profile.py --articles 10000 --renders 500 --profile   # where it goes (cProfile)

The store is built as ``bench/web_bench.py`` builds it (kept in --data-dir and reused). Each render asks for an
article not asked for before, through the whole ASGI stack (edition router, page cache, routing, template,
compression when --accept-encoding is given), so every one is a page-cache miss.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from web_bench import build_store  # noqa: E402

from newsloom.settings import Settings  # noqa: E402
from newsloom.store import open_store  # noqa: E402
from newsloom.web import create_app  # noqa: E402

Fetch = Callable[[Any, str, str], Awaitable[tuple[int, bytes]]]


async def get(app: Any, path: str, accept_encoding: str, query_string: bytes = b"") -> tuple[int, bytes]:
    """One GET through the app, as a server would call it."""
    chunks: list[bytes] = []
    status = 0
    headers = [(b"host", b"127.0.0.1")]
    if accept_encoding:
        headers.append((b"accept-encoding", accept_encoding.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query_string, "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


# Where a first render goes: functions by (file suffix, name), their cumulative time under the profiler scaled to
# the CPU a render takes without it. Parts nest (the route holds the template); "framework" is the rest.
PARTS = {
    "whole request (edition router, page cache, routing)": ("page_cache.py", "__call__"),
    "  stored page: row read and check": ("article_blocks.py", "valid"),
    "  stored page: header, footer, most read, neighbour lists put in": ("article_blocks.py", "assemble"),
    "    same tag, section, author lists (shared per name)": ("article_blocks.py", "neighbours_html"),
    "  page cache: keep the entry (ETag, split at the token)": ("page_cache.py", "_keep"),
    "  compression (with --accept-encoding)": ("compress.py", "compress"),
    "  article route": ("pages.py", "article"),
    "    article row": ("sql.py", "get_article"),
    "    other editions": ("portal_queries.py", "editions"),
    "    comments": ("comments.py", "for_article"),
    "    related lists (same story)": ("portal_queries.py", "related"),
    "    same tag, section, author lists": ("article_blocks.py", "neighbours"),
    "    story box": ("portal_queries.py", "story"),
    "    pictures looked up": ("media.py", "lookup"),
    "    outlet logos": ("portal.py", "logos"),
    "    JSON-LD built": ("structured.py", "article_ld"),
    "    translation pending": ("translation.py", "translation_pending"),
    "    template (Portal.render)": ("portal.py", "render"),
    "      list items": ("pictures.py", "__call__"),
    "      article body": ("body.py", "article_body"),
    "      header and footer fragments": ("portal.py", "_fragment"),
    "  SQL statements (all)": ("base.py", "_execute_context"),
}


async def timed_gets(
    app: Any, paths: list[str], accept_encoding: str, profile: bool, fetch: Fetch | None = None
) -> tuple[float, float, cProfile.Profile | None]:
    """CPU and wall seconds of GETting ``paths`` one after another with ``fetch`` (``get`` by default; each must
    answer 200), under cProfile when ``profile`` (the profiler is returned, stopped)."""
    fetch = fetch or get
    profiler = cProfile.Profile() if profile else None
    began, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for path in paths:
        status, _ = await fetch(app, path, accept_encoding)
        assert status == 200, (path, status)
    if profiler:
        profiler.disable()
    return time.process_time() - began, time.perf_counter() - wall, profiler


def breakdown(
    stats: pstats.Stats,
    cpu: float,
    count: int,
    parts: dict[str, tuple[str, str]] = PARTS,
    whole: str = "render_profile.py",
    unit: str = "render",
) -> None:
    """Each part's profiled share of the whole (``get`` in the ``whole`` script) applied to the unprofiled CPU."""
    found: dict[str, float] = {}
    total = 0.0
    for (filename, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, (suffix, function) in parts.items():
            if filename.endswith(suffix) and name == function:
                found[label] = found.get(label, 0.0) + row[3]
        if filename.endswith(whole) and name == "get":
            total = row[3]
    scale = cpu * count / total if total else 0.0  # profiled seconds to unprofiled CPU seconds
    print(f"µs a {unit} (CPU; each part's profiled share of the {cpu * 1e6:.0f} µs):")
    width = max(map(len, parts)) + 2
    for label in parts:
        if label in found:
            print(f"  {label:<{width}} {found[label] * scale / count * 1e6:8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--renders", type=int, default=500)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "render-store")
    parser.add_argument("--database-url", help="a PostgreSQL store instead of SQLite in --data-dir")
    parser.add_argument("--accept-encoding", default="", help="e.g. 'gzip, br' to count compression too")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions by own time")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--top", type=int, default=0, help="with --profile: also the N functions of most own time")
    parser.add_argument(
        "--live", action="store_true", help="render every page live (as with no stored parts, or stale ones)"
    )
    parser.add_argument(
        "--names-warm",
        action="store_true",
        help="build the same-tag, section and author lists of every measured page first (other pages of those "
        "names rendered since the last store change); without it most renders build a name's list",
    )
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir, database_url=args.database_url)
    build_store(settings, args.articles)
    store = open_store(settings)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, title FROM articles WHERE hidden = false ORDER BY id")).all()
    from newsloom.text import slugify

    rng = random.Random(args.seed)
    chosen = rng.sample(rows, min(len(rows), args.renders * 2 + 50))
    warm = [f"/article/{r.id}/{slugify(r.title, 60)}" for r in chosen[:50]]
    paths = [f"/article/{r.id}/{slugify(r.title, 60)}" for r in chosen[50 : 50 + args.renders]]
    app = create_app(settings, store)
    from newsloom.store import schema
    from newsloom.web.prerender import precompute

    with store.engine.begin() as conn:  # no page from an earlier run; the store's other pages are left as they are
        table = schema.article_blocks
        for start in range(0, len(chosen), 500):
            conn.execute(table.delete().where(table.c.article_id.in_([r.id for r in chosen[start : start + 500]])))
    if not args.live:  # the pages' stored parts, as `newsloom prerender` leaves them
        precompute(app.state.portal, [r.id for r in chosen[: 50 + args.renders]])
    queries = 0

    def count(*_: object) -> None:
        nonlocal queries
        queries += 1

    async def run() -> None:
        nonlocal queries
        for path in warm:  # shared lists, fragments and templates built: what a running server has
            await get(app, path, args.accept_encoding)
        if args.names_warm:
            from newsloom.web.article_blocks import neighbour_names

            edition = settings.edition_list[0]
            for row in chosen[50 : 50 + args.renders]:
                article = store.get_article(row.id)
                assert article is not None
                for kind, (names, _) in neighbour_names(article).items():
                    for name in names:
                        app.state.portal.blocks.neighbour_items(kind, name, edition, "")
        sa.event.listen(store.engine, "before_cursor_execute", count)
        queries = 0
        cpu, elapsed, profiler = await timed_gets(app, paths, args.accept_encoding, args.profile)
        n = len(paths)
        print(f"{n} first renders: CPU {cpu / n * 1e6:.0f} µs a render, wall {elapsed / n * 1e6:.0f} µs, "
              f"{queries / n:.2f} queries a render")  # fmt: skip
        if profiler:
            breakdown(pstats.Stats(profiler), cpu / n, n)
            if args.top:
                pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)

    asyncio.run(run())
    store.close()


if __name__ == "__main__":
    main()
