"""Portal benchmark: wrk against `newsloom serve` on a store of generated articles, beside nginx serving the same
article page as a static file in the same run.

    make bench-web                                   # 100,000 articles (building the store takes a few minutes)
    .venv/bin/python bench/web_bench.py --articles 20000 --duration 10
    .venv/bin/python bench/web_bench.py --only articles --warmup 30 --duration 10     # the article rows, shorter
    .venv/bin/python bench/web_bench.py --only first --warmup 10                      # one-at-a-time first renders
    .venv/bin/python bench/web_bench.py --articles 1000000 --data-dir bench/results/million          # SQLite
    .venv/bin/python bench/web_bench.py --articles 1000000 --data-dir bench/results/million-pg --postgres
    .venv/bin/python bench/web_bench.py --articles 1000000 --data-dir bench/results/million --stories 3

The store is kept in --data-dir (and a PostgreSQL cluster in DATA_DIR/pg with --postgres) and resumed or reused
by later runs; it is built 500 articles per transaction through the store's bulk path (``store.bulk.upsert_articles``).

Articles are made from the real pages of ../shared/corpora (extracted once) with varied titles, dates, sections
and tags. The portal runs as users run it (`newsloom serve`, a separate process); wrk runs from another process
on loopback; each request picks a random article/section/query, so caches see a realistic spread. nginx and wrk
come from Debian (apt-get install wrk nginx).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsloom.errors import NewsloomError  # noqa: E402
from newsloom.extract import extract_article  # noqa: E402
from newsloom.model import Article  # noqa: E402
from newsloom.pipeline import update_stories  # noqa: E402
from newsloom.settings import Settings  # noqa: E402
from newsloom.store import SQLStore, open_store, schema  # noqa: E402
from newsloom.store.bulk import upsert_articles  # noqa: E402
from newsloom.text import slugify  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
SECTIONS = ["World", "Business", "Sport", "Technology", "Culture", "Science", "Health", "Politics"]
WORDS = [
    "storm",
    "election",
    "market",
    "vaccine",
    "league",
    "climate",
    "court",
    "budget",
    "summit",
    "startup",
    "museum",
    "reactor",
]

ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # set from --accept-encoding in main()
LUA = """
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
math.randomseed(os.time())
local encoding = os.getenv("ACCEPT_ENCODING") or ""
local headers = {}
if encoding ~= "" then headers["Accept-Encoding"] = encoding end
request = function() return wrk.format("GET", paths[math.random(#paths)], headers) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f errors=%d non2xx=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def corpus_articles() -> list[Article]:
    pages = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    pages += sorted((CORPORA / "fundus-publishers" / "html").glob("*.html.gz"))
    articles = []
    for path in pages:
        try:
            articles.append(extract_article(gzip.decompress(path.read_bytes())))
        except NewsloomError:
            continue
    return articles


def generated_article(seed: Article, number: int, published: datetime) -> Article:
    """Article ``number`` of the store: a corpus page with its own URL, title, date, section, outlet and tags.

    Its random choices are seeded by its number, so a store resumed after an interruption holds what one built
    in a single run would."""
    rng = random.Random(number)
    word = rng.choice(WORDS)
    return replace(
        seed,
        url=f"https://outlet{number % 40}.example/{number}",
        canonical_url=f"https://outlet{number % 40}.example/{number}",
        title=f"{seed.title[:120]} ({word} {number})",
        published=published,
        section=SECTIONS[number % len(SECTIONS)],
        tags=[word, rng.choice(WORDS), f"topic-{number % 300}"],
        site_name=f"Outlet {number % 40}",
        outlet_evidence=[("site", f"Outlet {number % 40}")],  # one name per outlet, not the corpus page's
        blocks=list(seed.blocks),
        images=list(seed.images),
        attribution=list(seed.attribution),
        id=None,
        source_id=None,
    )


BUILD_START = datetime(2026, 11, 24, tzinfo=UTC)  # article N is dated 7 N minutes before this
BATCH = 500  # articles per transaction while building


def build_store(settings: Settings, count: int) -> float | None:
    """Fill the store up to ``count`` generated articles, ``BATCH`` per transaction through ``upsert_articles``
    (the rows one-by-one ingest writes: articles, outlets, sections, tag and author links, search entries).
    Resumes where an earlier run stopped. Returns the seconds spent, or None when there was nothing to do."""
    store = open_store(settings)
    have = store.count_articles()
    if have >= count:
        if store.engine.dialect.name == "postgresql":  # an earlier build stopped before building it
            with store.engine.begin() as conn:
                conn.execute(sa.text(_GIN))
        store.close()
        return None
    seeds = corpus_articles()
    began = time.monotonic()
    with deferred_search_index(store):
        fill(store, seeds, have, count, began)
    store.close()
    return time.monotonic() - began


def fill(store: SQLStore, seeds: list[Article], have: int, count: int, began: float) -> None:
    for first in range(have, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        upsert_articles(
            store,
            [generated_article(seeds[n % len(seeds)], n, BUILD_START - timedelta(minutes=n * 7)) for n in numbers],
        )
        if first % 20_000 == 0:
            elapsed = time.monotonic() - began
            rate = (first + len(numbers) - have) / max(elapsed, 1e-9)
            print(f"  store: {first + len(numbers):,} articles ({elapsed:.0f} s, {rate:.0f}/s)", flush=True)


@contextlib.contextmanager
def deferred_search_index(store: SQLStore) -> Iterator[None]:
    """On PostgreSQL, the search entries' GIN index is dropped while the store is filled and built once at the end
    (as one would bulk-load any PostgreSQL table): kept up row by row it doubles the cost of a bulk load. The index
    is the one migration 0110 creates; an interrupted build leaves it missing, and the next run builds it."""
    if store.engine.dialect.name != "postgresql":
        yield
        return
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_articles_search_document"))
    try:
        yield
    finally:
        began = time.monotonic()
        with store.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL maintenance_work_mem = '1GB'"))
            conn.execute(sa.text(_GIN))
            conn.execute(sa.text("ANALYZE"))
        print(f"  search index built in {time.monotonic() - began:.0f} s", flush=True)


_GIN = "CREATE INDEX IF NOT EXISTS ix_articles_search_document ON articles_search USING GIN (document)"


def store_size(settings: Settings) -> int:
    """Bytes on disk: the SQLite file with its WAL, or PostgreSQL's ``pg_database_size``."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        return sum(
            path.stat().st_size for suffix in ("", "-wal", "-shm") if (path := Path(f"{database}{suffix}")).exists()
        )
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = int(conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one())
    engine.dispose()
    return size


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def run_wrk(paths: list[str], base: str, duration: int, connections: int, workdir: Path) -> dict[str, float]:
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "bench.lua"
    script.write_text(LUA)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), base],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PATHS_FILE": str(paths_file), "ACCEPT_ENCODING": ACCEPT_ENCODING},
    ).stdout  # fmt: skip
    match = re.search(r"RESULT (.*)", output)
    assert match, output
    return {key: float(value) for key, value in (item.split("=") for item in match.group(1).split())}


def start_nginx(root: Path, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    config = workdir / "nginx.conf"
    config.write_text(f"""
worker_processes 2; daemon off; pid {workdir}/nginx.pid; error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html; sendfile on;
  client_body_temp_path {workdir}/tmp; proxy_temp_path {workdir}/tmp; fastcgi_temp_path {workdir}/tmp;
  uwsgi_temp_path {workdir}/tmp; scgi_temp_path {workdir}/tmp;
  server {{ listen 127.0.0.1:{port}; root {root}; }} }}
""")
    (workdir / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(["nginx", "-c", str(config), "-p", str(workdir)])


# The long tail again at lower concurrency: the target is a latency at a throughput (p99 < 25 ms at
# >= 1,000 req/s); 32 connections push two workers to saturation, where latency is mostly queueing.
LOW_CONNECTIONS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--accept-encoding", default="gzip, deflate, br, zstd",
        help="Accept-Encoding sent with every request (a browser's by default: compressed responses); '' for none",
    )  # fmt: skip
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    # Each worker keeps its own page cache and the warm-up draws hot paths at random: 20 s left about a tenth of the
    # 2,100 hot articles cold per worker when first renders ran at ~500/s, so the "hot" rows measured first renders.
    parser.add_argument("--warmup", type=int, default=60, help="seconds of load over the hot paths before measuring")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes of `newsloom serve`")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "web-store")
    parser.add_argument(
        "--database-url", help="store on this database (postgresql+psycopg://...) instead of SQLite in --data-dir"
    )
    parser.add_argument(
        "--postgres", action="store_true",
        help="store on a PostgreSQL cluster kept in DATA_DIR/pg across runs (Debian's binaries, loopback)",
    )  # fmt: skip
    parser.add_argument(
        "--only", choices=("all", "articles", "first"), default="all",
        help="articles: the article and nginx rows only; first: the one-at-a-time first renders only (with "
        "--warmup 0 or a short one for quick comparisons)",
    )  # fmt: skip
    parser.add_argument("--build-only", action="store_true", help="build (or resume) the store, report it, stop")
    parser.add_argument(
        "--live", action="store_true",
        help="leave article pages' stored parts as they are (`newsloom prerender` not run): first renders live",
    )  # fmt: skip
    parser.add_argument(
        "--stories", type=int, default=0, metavar="N",
        help="then add N batches of 1,000 new articles and time the stories stage over each",
    )  # fmt: skip
    args = parser.parse_args()
    global ACCEPT_ENCODING
    ACCEPT_ENCODING = args.accept_encoding
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx")
    with contextlib.ExitStack() as stack:
        database_url = args.database_url
        if args.postgres:
            database_url = stack.enter_context(kept_postgres(args.data_dir / "pg"))
        settings = Settings(data_dir=args.data_dir, database_url=database_url)
        print(f"building store of {args.articles:,} articles in {database_url or args.data_dir} ...", flush=True)
        seconds = build_store(settings, args.articles)
        built = f"built in {seconds:.0f} s" if seconds is not None else "already built"
        print(f"store: {args.articles:,} articles, {built}; {store_size(settings) / 2**30:.2f} GiB on disk", flush=True)
        if args.build_only:
            return
        if args.stories:
            time_stories(settings, args.stories)
            return
        if not args.live:
            prerender(settings)
        serve_and_measure(args, database_url)


def prerender(settings: Settings) -> None:
    """Article pages' stored parts, as ``newsloom prerender --workers <cores>`` leaves them after an import: pages
    missing or stale only (a store built and prerendered before takes seconds)."""
    from newsloom.web.portal import Portal
    from newsloom.web.prerender import precompute_in_processes, visible_article_ids

    store = open_store(settings)
    began = time.monotonic()
    portal = Portal(settings, store)
    stored = precompute_in_processes(portal, visible_article_ids(portal), os.cpu_count() or 1, only_stale=True)
    if stored:
        settle(store)
    store.close()
    print(f"prerender: {stored:,} article pages stored in {time.monotonic() - began:.0f} s", flush=True)


def settle(store: SQLStore) -> None:
    """What a prerender wrote, moved to the database file and to disk before anything is measured: measured right
    after storing 100,000 pages, the kernel was still writing half a gigabyte back and first renders ran at 60% of
    their rate (1,879 against 3,197 req/s on SQLite, the same code a run apart)."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if store.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.exec_driver_sql("CHECKPOINT")
    os.sync()


def article_paths_of(args: argparse.Namespace, database_url: str | None, ids: list[int]) -> list[str]:
    """The pages of ``ids`` at their one address (a wrong slug answers 301 to it), slugs read in one query."""
    store = open_store(Settings(data_dir=args.data_dir, database_url=database_url))
    try:
        articles = schema.articles
        titles: dict[int, str] = {}
        with store.engine.connect() as conn:
            for start in range(0, len(ids), 10_000):  # within SQLite's bound on parameters
                chosen = sa.select(articles.c.id, articles.c.title).where(
                    articles.c.id.in_(ids[start : start + 10_000])
                )
                titles.update((row.id, row.title) for row in conn.execute(chosen))
    finally:
        store.close()
    return [f"/article/{i}/{slugify(titles[i], 60)}" for i in ids if i in titles]


def serve_and_measure(args: argparse.Namespace, database_url: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="newsloom-web-bench-"))
    workdir.chmod(0o755)  # nginx workers run unprivileged and must read the static page
    port, nginx_port = free_port(), free_port()
    while nginx_port == port:  # each port is free when asked for: the second ask may give the first one again
        nginx_port = free_port()
    store_args = ["--database-url", database_url] if database_url else []
    serve = subprocess.Popen(
        [sys.executable, "-m", "newsloom", "--data-dir", str(args.data_dir), *store_args, "serve", "--port",
         str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", seconds=180)
        ids = httpx.get(base + "/api/v1/articles", params={"limit": 100}, timeout=120).json()["items"]
        article_paths = [item["portal_url"].replace("http://127.0.0.1:8000", "") for item in ids]
        rng = random.Random(7)
        sample_ids = rng.sample(range(1, args.articles + 1), 2000)
        article_paths += article_paths_of(args, database_url, sample_ids)  # any article, cold or warm
        static_html = httpx.get(base + article_paths[0], timeout=120).content  # a cold server's first page
        (workdir / "www").mkdir()
        (workdir / "www" / "article.html").write_bytes(static_html)
        nginx = start_nginx(workdir / "www", nginx_port, workdir)
        wait_for(f"http://127.0.0.1:{nginx_port}/article.html")
        hot = {
            "article (random of 2,100)": article_paths,
            "home": ["/"],
            "section (8 sections)": [f"/section/{s.lower()}" for s in SECTIONS],
            "search (12 queries)": [f"/search?q={w}" for w in WORDS],
        }
        # Pages readers keep asking for are rendered once per worker and served from memory after: warm that set
        # up first (reported, not hidden), then measure each page type; then the long tail, where most requests
        # are first renders: articles drawn from the whole store and searches nobody made before.
        results = {}
        if args.warmup > 0:
            print(f"warm-up: {args.warmup} s over every hot path ...", flush=True)
            hot_paths = [p for paths in hot.values() for p in paths]
            results["warm-up (first renders mixed in)"] = run_wrk(
                hot_paths, base, args.warmup, args.connections, workdir
            )
        cold_ids = rng.sample(range(1, args.articles + 1), min(args.articles, 100_000))
        cold_articles = article_paths_of(args, database_url, cold_ids[: len(cold_ids) // 2])
        # Another half of the store for a run at lower concurrency: pages not rendered by the run before.
        other_cold_articles = article_paths_of(args, database_url, cold_ids[len(cold_ids) // 2 :])
        cold_queries = [f"/search?q={rng.choice(WORDS)}+{rng.randrange(args.articles)}" for _ in range(20_000)]
        scenarios = {
            **{name: (paths, args.connections) for name, paths in hot.items()},
            f"article (any of {args.articles:,})": (cold_articles, args.connections),
            f"same, {LOW_CONNECTIONS} connections": (other_cold_articles, LOW_CONNECTIONS),
            "search (20,000 new queries)": (cold_queries, args.connections),
            "nginx static article": (["/article.html"], args.connections),
        }
        if args.only == "articles":
            scenarios = {name: value for name, value in scenarios.items() if "article" in name or "same" in name}
        elif args.only == "first":
            scenarios = {}
        # One request at a time, pages nobody asked for yet; each instrument on its own 300 pages, and on nginx.
        nginx_base = f"http://127.0.0.1:{nginx_port}"
        first: dict[str, tuple[float, float]] = {}
        for client in ("lean", "httpx"):
            fresh = article_paths_of(args, database_url, rng.sample(range(1, args.articles + 1), 300))
            first[client] = first_renders(base, fresh, client)
            first[f"{client} nginx"] = reference_latency(nginx_base, client)
        for name, (paths, connections) in scenarios.items():
            target = nginx_base if name.startswith("nginx") else base
            results[name] = run_wrk(paths, target, args.duration, connections, workdir)
            print(f"{name:<28} {results[name]}", flush=True)
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    print(
        f"\narticles: {args.articles}; serve workers: {args.workers}; wrk -t2 -c{args.connections} -d{args.duration}s"
    )
    print(f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in results.items():
        print(
            f"{name:<28} {row['rps']:8.0f} {row['p50']:8.2f} {row['p95']:8.2f} {row['p99']:8.2f} {row['errors'] + row['non2xx']:7.0f}"
        )
    if "nginx static article" in results:
        article, static = results["article (random of 2,100)"], results["nginx static article"]
        print(f"article page vs nginx static: {article['rps'] / static['rps']:.3f}x throughput")
    print("one request at a time (p50 / p95 ms):")
    for client, label in (("lean", "lean client (raw socket)"), ("httpx", "httpx client (decodes)")):
        (p50, p95), (n50, n95) = first[client], first[f"{client} nginx"]
        print(f"  {label:<26} newsloom first render {p50:.2f} / {p95:.2f}; nginx static page {n50:.2f} / {n95:.2f}")
    if args.only == "all":
        print_targets(results, first, args.articles)


def print_targets(results: dict[str, dict[str, float]], first: dict[str, tuple[float, float]], articles: int) -> None:
    """The figures the portal is held to, each beside its target, so a run says at a glance what holds. The first
    render is judged on the lean client (server and loopback); the httpx figure is printed beside it."""
    static = results["nginx static article"]["rps"]

    def ratio(name: str) -> float:
        return results[name]["rps"] / static

    cold, low, search = (
        results[f"article (any of {articles:,})"],
        results[f"same, {LOW_CONNECTIONS} connections"],
        results["search (20,000 new queries)"],
    )
    rows = [
        ("hot article pages", f"{ratio('article (random of 2,100)'):.3f}x nginx", "≥ 0.35x nginx",
         ratio("article (random of 2,100)") >= 0.35),
        ("home, section, repeated search",
         f"{min(results[n]['rps'] for n in ('home', 'section (8 sections)', 'search (12 queries)')):,.0f}+ req/s, "
         f"p99 ≤ {max(results[n]['p99'] for n in ('home', 'section (8 sections)', 'search (12 queries)')):.1f} ms",
         "keep (≥ 19k req/s, p99 ≤ 10 ms)",
         min(results[n]["rps"] for n in ("home", "section (8 sections)", "search (12 queries)")) >= 19_000
         and max(results[n]["p99"] for n in ("home", "section (8 sections)", "search (12 queries)")) <= 10),
        (f"article, any of {articles:,}", f"{cold['rps']:,.0f} req/s = {cold['rps'] / static:.3f}x, p99 {cold['p99']:.0f} ms",
         "≥ 0.035x nginx, p99 < 25 ms", cold["rps"] / static >= 0.035 and cold["p99"] < 25),
        (f"same, {LOW_CONNECTIONS} connections", f"{low['rps']:,.0f} req/s, p99 {low['p99']:.0f} ms",
         "≥ 2,000 req/s, p99 < 10 ms", low["rps"] >= 2000 and low["p99"] < 10),
        ("first render, one at a time", f"p50 {first['lean'][0]:.2f} ms (httpx: {first['httpx'][0]:.2f} ms)",
         "p50 ≤ 1.5 ms", first["lean"][0] <= 1.5),
        ("search, 20,000 new queries", f"{search['rps']:,.0f} req/s = {search['rps'] / static:.3f}x, p95 {search['p95']:.0f} ms",
         "≥ 0.07x nginx, p95 < 15 ms", search["rps"] / static >= 0.07 and search["p95"] < 15),
    ]  # fmt: skip
    print(f"\n{'figure':<32} {'now':<40} {'target':<32} holds")
    for name, now, target, holds in rows:
        print(f"{name:<32} {now:<40} {target:<32} {'yes' if holds else 'NO'}")


@contextlib.contextmanager
def kept_postgres(root: Path) -> Iterator[str]:
    """A PostgreSQL cluster in ``root``, made on first use and kept (with its database) across runs; started on a
    free loopback port for this run and stopped after it. Settings a deployment of this size would have:
    shared_buffers 2 GB (of 24 GB), effective_cache_size 12 GB; everything else as Debian ships it."""
    from tests.postgres import _bindir

    root = root.resolve()  # the server runs as another user, from another directory
    bindir = _bindir()
    if bindir is None:
        sys.exit("PostgreSQL not installed: apt-get install -y postgresql")
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    if not (root / "data" / "PG_VERSION").exists():
        root.mkdir(parents=True, exist_ok=True)
        if prefix:
            shutil.chown(root, "postgres", "postgres")
        made = subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "newsloom", "-E", "UTF8"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if made.returncode:
            sys.exit(
                f"initdb failed in {root}: {made.stderr.strip()[-300:]}\n(run as root, the server runs as the postgres "
                "user: every directory above --data-dir must be open to it, e.g. a --data-dir under /tmp)"
            )
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c effective_cache_size=12GB"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w",
         "start"],
        **quiet,  # type: ignore[arg-type]
    )  # fmt: skip
    try:
        admin = sa.create_engine(
            f"postgresql+psycopg://newsloom@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            if conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = 'newsloom'")).first() is None:
                conn.execute(sa.text("CREATE DATABASE newsloom"))
        admin.dispose()
        yield f"postgresql+psycopg://newsloom@127.0.0.1:{port}/newsloom"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip


def time_stories(settings: Settings, batches: int) -> None:
    """The stories stage as the crawl runs it after a round (``pipeline.update_stories``), each time over 1,000
    articles newer than any stored, on the full store."""
    store = open_store(settings)
    settle_stories(store)
    seeds = corpus_articles()
    base = store.count_articles()
    # After the newest stored: dated from a fixed start, every run's batches shared their dates with the runs
    # before, so each run's window held more articles than the last and runs could not be compared.
    with store.engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.max(schema.articles.c.published_at))).scalar() or BUILD_START
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    times = []
    for batch in range(batches):
        first = base + batch * 1000
        upsert_articles(
            store,
            [
                generated_article(seeds[n % len(seeds)], n, newest + timedelta(minutes=(n - base + 1) * 7))
                for n in range(first, first + 1000)
            ],
        )
        began = time.monotonic()
        changes = update_stories(store)
        times.append(time.monotonic() - began)
        print(
            f"stories stage over 1,000 new articles (store: {first + 1000:,}): {times[-1]:.2f} s, "
            f"{changes.stories_created} stories created, {changes.articles_linked} articles linked",
            flush=True,
        )
    store.close()
    print(f"stories stage per 1,000 new articles: median {sorted(times)[len(times) // 2]:.2f} s over {batches} runs")


def settle_stories(store: SQLStore) -> None:
    """Mark the generated store as the stories stage leaves a store it has kept up with: every article checked and
    in the copy index. The copy index is left without signatures: the generated articles are 303 pages repeated,
    which the stage would rightly fold into 303 giant copy clusters, a shape no real store has."""
    a, copies = schema.articles, schema.article_copies
    checked = indexed = 0
    with store.engine.connect() as conn:
        last_id = conn.execute(sa.select(sa.func.max(a.c.id))).scalar() or 0
    for first in range(0, last_id + 1, 50_000):  # an SQLite row is rewritten whole: keep each WAL short
        in_range = a.c.id.between(first, first + 49_999)
        with store.engine.begin() as conn:
            checked += conn.execute(
                a.update()
                .where(in_range, a.c.story_checked_at.is_(None), a.c.story_id.is_(None))
                .values(story_checked_at=BUILD_START)
            ).rowcount
            indexed += conn.execute(
                copies.insert().from_select(
                    ["article_id", "signature", "original_id"],
                    sa.select(a.c.id, sa.null(), sa.null()).where(
                        in_range, ~sa.exists().where(copies.c.article_id == a.c.id)
                    ),
                )
            ).rowcount
    if checked or indexed:
        print(f"settled: {checked:,} articles marked checked, {indexed:,} put in the copy index", flush=True)


def first_renders(base: str, paths: list[str], client: str = "lean") -> tuple[float, float]:
    """Latency of pages nobody asked for yet, without load: what the long tail costs a reader (each at its one
    address: a wrong slug is a redirect, not a page). p50 and p95 in ms.

    ``client`` is the instrument: "lean" (one keep-alive socket, HTTP/1.1, a browser's Accept-Encoding, the body
    read and not decoded: the clock counts the server and the loopback, little of Python) or "httpx" (a full
    client that parses headers into objects and decodes Brotli: a few hundred µs of its own per request). Both
    are run against nginx serving a static page too (``reference_latency``), so a reader can subtract."""
    latencies = lean_latencies(base, paths) if client == "lean" else httpx_latencies(base, paths)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]


def lean_latencies(base: str, paths: list[str]) -> list[float]:
    """ms from the request's first byte sent to the response's last byte read, one request at a time on one
    keep-alive connection (so always the same server worker; no connection set-up is counted)."""
    host, port = base.removeprefix("http://").split(":")
    head = f"Host: {host}:{port}\r\n".encode()
    if ACCEPT_ENCODING:
        head += f"Accept-Encoding: {ACCEPT_ENCODING}\r\n".encode()
    latencies = []
    with socket.create_connection((host, int(port))) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        for path in paths:
            request = b"GET " + path.encode() + b" HTTP/1.1\r\n" + head + b"\r\n"
            began = time.perf_counter()
            sock.sendall(request)
            while b"\r\n\r\n" not in buffer:
                buffer += _received(sock)
            response_head, _, buffer = buffer.partition(b"\r\n\r\n")
            if not response_head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{path}: {response_head[:80]!r}")
            length = int(re.search(rb"(?im)^content-length:\s*(\d+)", response_head).group(1))  # type: ignore[union-attr]
            while len(buffer) < length:
                buffer += _received(sock)
            buffer = buffer[length:]
            latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def _received(sock: socket.socket) -> bytes:
    chunk = sock.recv(262_144)
    if not chunk:
        raise RuntimeError("connection closed by the server")
    return chunk


def httpx_latencies(base: str, paths: list[str]) -> list[float]:
    latencies = []
    with httpx.Client(base_url=base, headers={"Accept-Encoding": ACCEPT_ENCODING}) as client:
        for path in paths:
            began = time.perf_counter()
            client.get(path).raise_for_status()
            latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def reference_latency(nginx_base: str, client: str, requests: int = 300) -> tuple[float, float]:
    """The same instrument against nginx answering the static copy of an article page: what the client and the
    loopback cost, with a server that does next to nothing (compare, do not subtract blindly)."""
    return first_renders(nginx_base, ["/article.html"] * requests, client)


if __name__ == "__main__":
    main()
