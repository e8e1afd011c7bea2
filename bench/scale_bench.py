"""Scale-out benchmark: ingest of a loopback site by Celery workers (Redis, PostgreSQL) with 1 and 2 workers,
beside the embedded default (`newsloom crawl --once`, SQLite, in-process extraction workers) on the same pages.

    make bench-scale                               # 5,000 pages
    .venv/bin/python bench/scale_bench.py --pages 1000

Pages are the real pages of ../shared/corpora (AEB and fundus-publishers), each served under many paths with its
canonical link and og:url removed, so every path is its own article. Redis and PostgreSQL are throwaway servers
on loopback (Debian's redis-server and postgresql); the site is a threaded HTTP server in this process. Reported:
articles/s for each run, the 2-to-1 worker scaling ratio, and each run against the embedded default.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsloom.model import Feed, Source  # noqa: E402
from newsloom.settings import Settings  # noqa: E402
from newsloom.store import open_store, schema  # noqa: E402
from newsloom.store.sources import SourceStore  # noqa: E402
from tests.postgres import PostgresCluster, postgres_cluster  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
_IDENTITY = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+og:url[^>]*>", re.IGNORECASE)


def seed_pages() -> list[bytes]:
    paths = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    paths += sorted((CORPORA / "fundus-publishers" / "html").glob("*.html.gz"))
    return [_IDENTITY.sub(b"", gzip.decompress(path.read_bytes())) for path in paths]


class Site:
    """``/p/N.html`` for N < pages, listed by ``/sitemap.xml``."""

    def __init__(self, pages: int) -> None:
        seeds = seed_pages()
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path == "/sitemap.xml":
                    body, kind = site.sitemap, "application/xml"
                elif self.path == "/robots.txt":
                    body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
                elif (match := re.fullmatch(r"/p/(\d+)\.html", self.path)) and int(match.group(1)) < pages:
                    body, kind = seeds[int(match.group(1)) % len(seeds)], "text/html; charset=utf-8"
                else:
                    body, kind = b"not found", "text/plain"
                self.send_response(200 if kind != "text/plain" or self.path == "/robots.txt" else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        urls = "".join(f"<url><loc>{self.url}/p/{n}.html</loc></url>" for n in range(pages))
        self.sitemap = (
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add_source(self, settings: Settings) -> None:
        store = open_store(settings)
        SourceStore(store.engine).add_source(
            Source(
                name="Bench Site", homepage=self.url + "/", feeds=[Feed(url=self.url + "/sitemap.xml", kind="sitemap")]
            )
        )
        store.close()


def environment(
    data_dir: Path, pages: int, database_url: str | None = None, broker: str | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLOOM_")}
    env.update(
        NEWSLOOM_DATA_DIR=str(data_dir),
        NEWSLOOM_ALLOW_NETWORKS="127.0.0.0/8",
        NEWSLOOM_CRAWL_MIN_DELAY="0",
        NEWSLOOM_CRAWL_PER_HOST_CONCURRENCY="16",
        NEWSLOOM_CRAWL_MAX_ARTICLES_PER_POLL=str(pages),
        NEWSLOOM_MAX_PAGE_BYTES="20000000",
        # The pages' images live on the publishers' hosts: off the machine, and not part of ingest.
        NEWSLOOM_FETCH_IMAGES="false",
    )
    if database_url:
        env["NEWSLOOM_DATABASE_URL"] = database_url
    if broker:
        env["NEWSLOOM_BROKER_URL"] = broker
    return env


def newsloom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsloom", *args], env=env, capture_output=True, text=True)


def stored_articles(database_url: str) -> tuple[int, int]:
    """(articles stored, URLs not yet done: queued ones, or 1 while the feed has not been polled)."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        articles = conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar_one()
        queued = conn.execute(sa.select(sa.func.count()).where(schema.crawl_urls.c.status == "queued")).scalar_one()
        total = conn.execute(sa.select(sa.func.count()).select_from(schema.crawl_urls)).scalar_one()
    engine.dispose()
    return int(articles), int(queued) if total else 1


def embedded_run(site: Site, pages: int, workdir: Path) -> Run:
    """``newsloom crawl --once``: timed to the last article stored (the round then runs the stories stage and the
    batch enrichment, which the worker runs leave to ``beat``); the whole command is reported beside it."""
    data_dir = workdir / "embedded"
    settings = Settings(data_dir=data_dir)
    site.add_source(settings)
    usage = CpuUsage({})
    began_wall, began = time.time(), time.monotonic()
    result = newsloom(environment(data_dir, pages), "crawl", "--once")
    whole = time.monotonic() - began
    if result.returncode != 0:
        sys.exit(f"embedded crawl failed: {result.stderr[-2000:]}")
    articles, _ = stored_articles(settings.resolved_database_url)
    engine = sa.create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(schema.articles.c.created_at))).scalar_one()
    engine.dispose()
    seconds = last.timestamp() - began_wall
    return Run(seconds, articles, usage.spent(), f"whole command {whole:.1f} s (stories stage and enrichment after)")


def worker_run(
    site: Site, pages: int, workers: int, cluster: PostgresCluster, redis: RedisServer, workdir: Path
) -> Run:
    cluster_url, broker = cluster.url, redis.url
    name = f"bench{workers}_{int(time.time())}"
    admin = sa.create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    database_url = cluster_url.rsplit("/", 1)[0] + "/" + name
    data_dir = workdir / name
    site.add_source(Settings(data_dir=data_dir, database_url=database_url))
    env = environment(data_dir, pages, database_url, broker)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "newsloom", "worker", "-c", "1", "--name", f"b{index}@bench"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for index in range(workers)
    ]
    try:
        time.sleep(3)  # workers up before the clock starts, as in a running deployment
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        assert redis.process is not None
        usage = CpuUsage(
            {"workers": [p.pid for p in processes], "postgresql": [postmaster], "redis": [redis.process.pid]}
        )
        began = time.monotonic()
        if newsloom(env, "beat", "--once").returncode != 0:
            sys.exit("beat failed")
        while True:
            articles, queued = stored_articles(database_url)
            if queued == 0:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - began
        spent = usage.spent()
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    return Run(seconds, articles, spent)


@dataclass
class Run:
    seconds: float
    articles: int
    cpu: dict[str, float]  # CPU seconds spent during the run, by process group
    note: str = ""

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


_TICK = os.sysconf("SC_CLK_TCK")


def _process_times() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds) of every process now running."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    return found


class CpuUsage:
    """CPU seconds spent by process trees (a root and its descendants now running) between ``__init__`` and
    ``spent``; "bench" is this process (the site's server threads, the polling) and what it waited for."""

    def __init__(self, roots: dict[str, list[int]]) -> None:
        self.roots = roots
        self.before = self._sample()

    def _sample(self) -> dict[str, float]:
        processes = _process_times()
        sample = {}
        for name, roots in self.roots.items():
            members, changed = set(roots), True
            while changed:
                grown = members | {pid for pid, (parent, _) in processes.items() if parent in members}
                changed, members = grown != members, grown
            sample[name] = sum(processes[pid][1] for pid in members if pid in processes)
        times = os.times()
        sample["bench (site) and waited-for children"] = (
            times.user + times.system + times.children_user + times.children_system
        )
        return sample

    def spent(self) -> dict[str, float]:
        after = self._sample()
        return {name: after[name] - self.before.get(name, 0.0) for name in after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newsloom-scale-bench-"))
    site = Site(args.pages)
    print(f"site: {args.pages} pages at {site.url}; cores: {os.cpu_count()}", flush=True)
    results: dict[str, Run] = {}
    results["embedded (SQLite, crawl --once)"] = embedded_run(site, args.pages, workdir)
    print("embedded done", results, flush=True)
    redis = RedisServer().start()
    try:
        with postgres_cluster() as cluster:
            if cluster is None:
                sys.exit("PostgreSQL not installed")
            for workers in (1, 2):
                key = f"{workers} worker{'s' if workers > 1 else ''} (PostgreSQL, Redis)"
                results[key] = worker_run(site, args.pages, workers, cluster, redis, workdir)
                print(key, results[key], flush=True)
    finally:
        redis.close()
    base_rate = results["embedded (SQLite, crawl --once)"].rate
    print(f"\n{'run':<36} {'seconds':>8} {'articles':>9} {'articles/s':>11} {'vs embedded':>12}")
    for name, run in results.items():
        print(f"{name:<36} {run.seconds:8.1f} {run.articles:9d} {run.rate:11.1f} {run.rate / base_rate:11.2f}x")
    for name, run in results.items():
        cpu = ", ".join(f"{group} {seconds * 1000 / run.articles:.0f} ms" for group, seconds in run.cpu.items())
        print(f"CPU per article, {name}: {cpu}" + (f"; {run.note}" if run.note else ""))
    one = results["1 worker (PostgreSQL, Redis)"]
    two = results["2 workers (PostgreSQL, Redis)"]
    print(f"2-to-1 worker scaling: {two.rate / one.rate:.2f}x")


if __name__ == "__main__":
    main()
