"""Portal benchmark: wrk against `newsloom serve` on a store of generated articles, beside nginx serving the same
article page as a static file in the same run.

    make bench-web                                   # 100,000 articles (building the store takes a few minutes)
    .venv/bin/python bench/web_bench.py --articles 20000 --duration 10

Articles are made from the real pages of ../shared/corpora (extracted once) with varied titles, dates, sections
and tags. The portal runs as users run it (`newsloom serve`, a separate process); wrk runs from another process
on loopback; each request picks a random article/section/query, so caches see a realistic spread. nginx and wrk
come from Debian (apt-get install wrk nginx).
"""

from __future__ import annotations

import argparse
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
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsloom.errors import NewsloomError  # noqa: E402
from newsloom.extract import extract_article  # noqa: E402
from newsloom.model import Article  # noqa: E402
from newsloom.settings import Settings  # noqa: E402
from newsloom.store import open_store  # noqa: E402

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


def build_store(data_dir: Path, count: int) -> None:
    store = open_store(Settings(data_dir=data_dir))
    if store.count_articles() >= count:
        return
    seeds = corpus_articles()
    rng = random.Random(42)
    start = datetime(2026, 11, 24, tzinfo=UTC)
    began = time.monotonic()
    for number in range(store.count_articles(), count):
        seed = seeds[number % len(seeds)]
        word = rng.choice(WORDS)
        article = replace(
            seed,
            url=f"https://outlet{number % 40}.example/{number}",
            canonical_url=f"https://outlet{number % 40}.example/{number}",
            title=f"{seed.title[:120]} ({word} {number})",
            published=start - timedelta(minutes=number * 7),
            section=SECTIONS[number % len(SECTIONS)],
            tags=[word, rng.choice(WORDS), f"topic-{number % 300}"],
            site_name=f"Outlet {number % 40}",
            blocks=list(seed.blocks),
            images=list(seed.images),
            attribution=list(seed.attribution),
            id=None,
            source_id=None,
        )
        store.upsert_article(article)
        if number % 5000 == 0:
            print(f"  store: {number} articles ({time.monotonic() - began:.0f} s)", flush=True)
    store.close()


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
    parser.add_argument("--warmup", type=int, default=20, help="seconds of load over the hot paths before measuring")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes of `newsloom serve`")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "web-store")
    args = parser.parse_args()
    global ACCEPT_ENCODING
    ACCEPT_ENCODING = args.accept_encoding
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx")
    print(f"building store of {args.articles} articles in {args.data_dir} ...", flush=True)
    build_store(args.data_dir, args.articles)
    workdir = Path(tempfile.mkdtemp(prefix="newsloom-web-bench-"))
    workdir.chmod(0o755)  # nginx workers run unprivileged and must read the static page
    port, nginx_port = free_port(), free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "newsloom", "--data-dir", str(args.data_dir), "serve", "--port", str(port),
         "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        ids = httpx.get(base + "/api/v1/articles", params={"limit": 100}).json()["items"]
        article_paths = [item["portal_url"].replace("http://127.0.0.1:8000", "") for item in ids]
        rng = random.Random(7)
        sample_ids = rng.sample(range(1, args.articles + 1), 2000)
        article_paths += [f"/article/{i}/x" for i in sample_ids]  # slug is not checked: any article, cold or warm
        static_html = httpx.get(base + article_paths[0]).content
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
        print(f"warm-up: {args.warmup} s over every hot path ...", flush=True)
        warmup = run_wrk([p for paths in hot.values() for p in paths], base, args.warmup, args.connections, workdir)
        cold_ids = rng.sample(range(1, args.articles + 1), min(args.articles, 100_000))
        cold_articles = [f"/article/{i}/x" for i in cold_ids[: len(cold_ids) // 2]]
        # Another half of the store for a run at lower concurrency: pages not rendered by the run before.
        other_cold_articles = [f"/article/{i}/x" for i in cold_ids[len(cold_ids) // 2 :]]
        cold_queries = [f"/search?q={rng.choice(WORDS)}+{rng.randrange(args.articles)}" for _ in range(20_000)]
        scenarios = {
            **{name: (paths, args.connections) for name, paths in hot.items()},
            f"article (any of {args.articles:,})": (cold_articles, args.connections),
            f"same, {LOW_CONNECTIONS} connections": (other_cold_articles, LOW_CONNECTIONS),
            "search (20,000 new queries)": (cold_queries, args.connections),
            "nginx static article": (["/article.html"], args.connections),
        }
        first = first_renders(base, rng.sample(range(1, args.articles + 1), 300))
        results = {"warm-up (first renders mixed in)": warmup}
        for name, (paths, connections) in scenarios.items():
            target = f"http://127.0.0.1:{nginx_port}" if name.startswith("nginx") else base
            results[name] = run_wrk(paths, target, args.duration, connections, workdir)
            print(f"{name:<28} {results[name]}", flush=True)
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    article = results["article (random of 2,100)"]
    static = results["nginx static article"]
    print(
        f"\narticles: {args.articles}; serve workers: {args.workers}; wrk -t2 -c{args.connections} -d{args.duration}s"
    )
    print(f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in results.items():
        print(
            f"{name:<28} {row['rps']:8.0f} {row['p50']:8.2f} {row['p95']:8.2f} {row['p99']:8.2f} {row['errors'] + row['non2xx']:7.0f}"
        )
    print(f"article page vs nginx static: {article['rps'] / static['rps']:.3f}x throughput")
    print(f"first render of an article, one request at a time: p50 {first[0]:.2f} ms, p95 {first[1]:.2f} ms")


def first_renders(base: str, article_ids: list[int]) -> tuple[float, float]:
    """Latency of pages nobody asked for yet, without load: what the long tail costs a reader."""
    latencies = []
    with httpx.Client(base_url=base) as client:
        for article_id in article_ids:
            began = time.perf_counter()
            client.get(f"/article/{article_id}/x").raise_for_status()
            latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]


if __name__ == "__main__":
    main()
