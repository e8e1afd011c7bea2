"""The CPU a search nobody made before costs, in process: the proxy for `make bench-web`'s "new queries" row
without wrk or sockets, so a shared machine's noise mostly stays out (``time.process_time`` counts this process's
CPU only).

    .venv/bin/python bench/search_profile.py --data-dir bench/results/web-store --searches 2000
    .venv/bin/python bench/search_profile.py --data-dir bench/results/web-store --searches 2000 --profile

Queries are shaped as the web bench's (a word and a number: "storm 48213", most of which find nothing), each new
to the process, asked through the whole ASGI stack (edition router, page cache, routing, the route with its shared
pages file, template, compression for a browser's Accept-Encoding), once the start-up heap is settled as ``newsloom
serve`` settles it. --rounds N measures N rounds of fresh queries and prints each round, so runs of two trees can
take turns. The store is the web bench's (``bench/web_bench.py``
builds it; this script builds none).
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from render_profile import breakdown, timed_gets  # noqa: E402
from render_profile import get as get_path  # noqa: E402
from web_bench import ACCEPT_ENCODING, WORDS  # noqa: E402

from newsloom.cli.serve import settle_heap  # noqa: E402
from newsloom.settings import Settings  # noqa: E402
from newsloom.store import open_store  # noqa: E402
from newsloom.web import create_app  # noqa: E402

# Where a new search goes: functions by (file suffix, name), their cumulative time under the profiler scaled to the
# CPU a search takes without it. Parts nest; "framework" is what the whole request holds beyond its parts.
PARTS = {
    "whole request (edition router, security headers, page cache)": ("page_cache.py", "__call__"),
    "  page cache: route's response captured": ("page_cache.py", "_render"),
    "    search route": ("pages.py", "search"),
    "      shared pages: token read": ("search_share.py", "shared_token"),
    "      shared pages: looked up": ("search_share.py", "get"),
    "      shared pages: written": ("search_share.py", "put"),
    "      store: search_page": ("sql.py", "search_page"),
    "        counting the matches first": ("search.py", "matches"),
    "      template (Portal.render)": ("portal.py", "render"),
    "        search page, quick path": ("search_page.py", "render"),
    "        header and footer fragments": ("portal.py", "_fragment"),
    "        search menus": ("portal.py", "search_menus"),
    "  page cache: keep the entry": ("page_cache.py", "_keep"),
    "  compression": ("compress.py", "compress"),
    "  SQL statements (all)": ("base.py", "_execute_context"),
}


async def get(app: Any, address: str, accept_encoding: str) -> tuple[int, bytes]:
    """One GET of ``address`` (a path and its query string) through the app, as a server would call it."""
    path, _, query = address.partition("?")
    return await get_path(app, path, accept_encoding, query.encode())


# Timed without a profiler (which doubles Python's cost and not SQLite's): (label, module, owner, attribute).
TIMED = [
    ("store: search_page", "newsloom.store.sql", "SQLStore", "search_page"),
    ("  of which: counting the matches first", "newsloom.store.search", "Fts5SearchIndex", "matches"),
    ("template: Portal.render", "newsloom.web.portal", "Portal", "render"),
    ("search page from its frame", "newsloom.web.search_page", None, "render"),
    ("page cache: keep the entry", "newsloom.web.page_cache", "EdgeCache", "_keep"),
    ("compression", "newsloom.web.compress", None, "compress"),
    ("shared pages: look-up", "newsloom.web.search_share", "SharedPages", "get"),
    ("shared pages: write", "newsloom.web.search_share", "SharedPages", "put"),
]


def timed_parts() -> dict[str, float]:
    """Wraps the ``TIMED`` functions to add their CPU to the returned totals (seconds, by label)."""
    import functools
    import importlib

    totals = {label: 0.0 for label, *_ in TIMED}
    for label, module_name, owner_name, attribute in TIMED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # a tree from before that part
            continue
        owner = getattr(module, owner_name) if owner_name else module
        original = getattr(owner, attribute, None)
        if original is None:  # a tree from before that part
            continue

        def wrapped(*args: Any, _original: Any = original, _label: str = label, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] += time.process_time() - began

        setattr(owner, attribute, functools.wraps(original)(wrapped))
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "web-store")
    parser.add_argument("--searches", type=int, default=2000, help="new searches a round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--accept-encoding", default=ACCEPT_ENCODING, help="'' for uncompressed responses")
    parser.add_argument("--profile", action="store_true", help="the parts' breakdown and cProfile's top functions")
    parser.add_argument("--parts", action="store_true", help="CPU of the main parts, timed without a profiler")
    parser.add_argument("--top", type=int, default=30, help="functions listed with --profile")
    parser.add_argument("--sort", default="tottime", help="cProfile's order for --profile (tottime, cumulative)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="the web bench's PostgreSQL store (its cluster started by hand)")
    args = parser.parse_args()
    if not args.database_url and not (args.data_dir / "newsloom.db").exists():
        sys.exit(f"no store in {args.data_dir}: build one with bench/web_bench.py first")
    settings = Settings(data_dir=args.data_dir, database_url=args.database_url)
    store = open_store(settings)
    with store.engine.connect() as conn:
        articles = int(conn.exec_driver_sql("SELECT max(id) FROM articles").scalar() or 1)
    app = create_app(settings, store)
    totals = timed_parts() if args.parts else {}
    rng = random.Random(args.seed)
    run_mark = f"{time.time_ns():x}"  # unseeded: keeps a query new to the shared pages file of an earlier run too
    seen: set[str] = set()

    def new_paths(count: int) -> list[str]:
        paths: list[str] = []
        while len(paths) < count:
            # ``n`` is no page parameter: the page is the query's, its address new (page cache, shared pages).
            path = f"/search?q={rng.choice(WORDS)}+{rng.randrange(articles)}&n={run_mark}"
            if path not in seen:
                seen.add(path)
                paths.append(path)
        return paths

    async def run() -> None:
        for path in new_paths(50) + [f"/search?q={w}" for w in WORDS]:  # memo, fragments, templates built
            await get(app, path, args.accept_encoding)
        settle_heap()  # as `newsloom serve` does once the app is built: the collector skips the start-up heap
        for label in totals:
            totals[label] = 0.0
        for round_number in range(args.rounds):
            paths = new_paths(args.searches)
            cpu, elapsed, profiler = await timed_gets(app, paths, args.accept_encoding, args.profile, get)
            n = len(paths)
            print(f"round {round_number + 1}: {n} new searches: CPU {cpu / n * 1e6:.0f} µs a search, "
                  f"wall {elapsed / n * 1e6:.0f} µs", flush=True)  # fmt: skip
            for label, seconds in totals.items():
                print(f"  {label:<40} {seconds / n * 1e6:7.0f} µs")
                totals[label] = 0.0
            if profiler:
                breakdown(pstats.Stats(profiler), cpu / n, n, PARTS, "search_profile.py", "search")
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)

    asyncio.run(run())
    store.close()


if __name__ == "__main__":
    main()
