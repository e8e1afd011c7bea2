"""Soak benchmark: ``newsloom run`` crawling a loopback site of 2,000 pages that changes every minute.

The site (a server in its own process, on 127.0.0.1) has ``--pages`` article pages; every minute it publishes
``--new-per-minute`` new pages and revises ``--changes-per-minute`` existing ones (a new version, a newer date in
the feed and the sitemap). A real ``newsloom run`` process (portal and crawler in one, ``crawl_workers`` extraction
processes) follows the site's RSS feed and sitemap for ``--minutes``; its resident memory (the process and its
extraction workers, from /proc) is sampled every ``--sample-seconds``.

Reported, and what the issue asks of them (issue 15):
- memory: RSS per sample, and growth from the sample at ``--baseline-minute`` (5 in a 30-minute run: start-up
  and the first full crawl are over by then) to the last one: must stay under 10 %;
- errors: crawl_urls rows that failed, feeds with an error streak, and lines the process wrote to stderr: none;
- duplicates: articles stored more than once for one page of the site (by the page number in the title): none.

The peer is the same process earlier in the run: growth is the ratio of the last sample to the baseline sample.

Run: ``nice .venv/bin/python bench/soak_bench.py`` (30 minutes) or ``--minutes 5`` for a short soak.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "storm",
    "flood",
    "harbour",
    "council",
    "budget",
    "election",
    "minister",
    "river",
    "bridge",
    "school",
    "hospital",
    "market",
    "farmers",
    "rain",
    "coast",
    "energy",
    "grid",
    "court",
    "ruling",
    "strike",
    "workers",
    "festival",
    "museum",
    "railway",
    "airport",
    "police",
    "mayor",
    "province",
    "export",
    "rice",
    "coffee",
    "factory",
    "university",
    "research",
    "vaccine",
    "drought",
    "typhoon",
    "fishermen",
    "tourism",
    "temple",
    "bank",
]


HOMEPAGE = b"""<!doctype html><html lang="en"><head><title>Soak Times</title>
<meta property="og:site_name" content="Soak Times">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>Soak Times</body></html>"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Site:
    """The site's state: page number → version; page N's date moves forward with each version."""

    def __init__(self, pages: int, seed: int) -> None:
        self.random = random.Random(seed)
        self.start = datetime.now(UTC) - timedelta(days=1)
        self.versions: dict[int, int] = dict.fromkeys(range(pages), 1)
        self.dates: dict[int, datetime] = {n: self.start + timedelta(seconds=20 * n) for n in range(pages)}
        self.lock = threading.Lock()

    def tick(self, new: int, changes: int) -> None:
        with self.lock:
            now = datetime.now(UTC)
            first = len(self.versions)
            for number in range(first, first + new):
                self.versions[number] = 1
                self.dates[number] = now
            for number in self.random.sample(range(first), min(changes, first)):
                self.versions[number] += 1
                self.dates[number] = now

    def page(self, number: int, port: int) -> bytes:
        version = self.versions[number]
        words = random.Random(number * 1000 + version)
        paragraphs = "".join(
            "<p>" + " ".join(words.choice(WORDS) for _ in range(60)).capitalize() + ".</p>" for _ in range(6)
        )
        title = f"Soak page {number}: {' '.join(words.choice(WORDS) for _ in range(5))} (version {version})"
        url = f"http://127.0.0.1:{port}/news/{number}"
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{url}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{self.dates[number].isoformat()}"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article></body></html>""".encode()

    def newest(self, count: int | None = None) -> list[int]:
        ordered = sorted(self.versions, key=lambda n: self.dates[n], reverse=True)
        return ordered[:count] if count else ordered

    def rss(self, port: int) -> bytes:
        items = "".join(
            f"<item><title>Soak page {n}</title><link>http://127.0.0.1:{port}/news/{n}</link>"
            f"<pubDate>{format_datetime(self.dates[n])}</pubDate></item>"
            for n in self.newest(100)
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Soak</title>{items}</channel></rss>'.encode()

    def sitemap(self, port: int) -> bytes:
        urls = "".join(
            f"<url><loc>http://127.0.0.1:{port}/news/{n}</loc><lastmod>{self.dates[n].isoformat()}</lastmod></url>"
            for n in self.newest()
        )
        return (
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
        )


def serve_site(port: int, pages: int, seed: int, new: int, changes: int, period: float) -> None:
    """The site's process: serve, and change the site every ``period`` seconds."""
    site = Site(pages, seed)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with site.lock:
                if self.path == "/robots.txt":
                    body = f"User-agent: *\nAllow: /\nSitemap: http://127.0.0.1:{port}/sitemap.xml\n".encode()
                    kind = "text/plain"
                elif self.path == "/feed.xml":
                    body, kind = site.rss(port), "application/rss+xml"
                elif self.path == "/sitemap.xml":
                    body, kind = site.sitemap(port), "application/xml"
                elif self.path.startswith("/news/") and self.path[6:].isdigit() and int(self.path[6:]) in site.versions:
                    body, kind = site.page(int(self.path[6:]), port), "text/html; charset=utf-8"
                else:
                    body, kind = HOMEPAGE, "text/html"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    def changer() -> None:
        while True:
            time.sleep(period)
            site.tick(new, changes)

    threading.Thread(target=changer, daemon=True).start()
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    total = 0
    for member in tree:
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def store_facts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM articles")]
        failed_urls = conn.execute(
            "SELECT count(*) FROM crawl_urls WHERE status NOT IN ('stored', 'skipped')"
        ).fetchone()[0]
        failing_feeds = conn.execute("SELECT count(*) FROM feeds WHERE error_streak > 0").fetchone()[0]
    numbers = [title.split(":", 1)[0].removeprefix("Soak page ") for title in titles if title.startswith("Soak page")]
    return {
        "articles": len(titles),
        "pages": len(set(numbers)),
        "duplicates": len(numbers) - len(set(numbers)),
        "failed_urls": int(failed_urls),
        "failing_feeds": int(failing_feeds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the soak (the issue asks for 30)")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--new-per-minute", type=int, default=20)
    parser.add_argument("--changes-per-minute", type=int, default=40)
    parser.add_argument("--sample-seconds", type=float, default=60.0)
    parser.add_argument("--baseline-minute", type=float, default=None, help="default: 5, or a sixth of a shorter run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    baseline_minute = args.baseline_minute if args.baseline_minute is not None else min(5.0, args.minutes / 6)

    site_port, portal_port = free_port(), free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_site,
        args=(site_port, args.pages, args.seed, args.new_per_minute, args.changes_per_minute, 60.0),
        daemon=True,
    )
    server.start()
    time.sleep(1.0)
    with tempfile.TemporaryDirectory(prefix="newsloom-soak-") as tmp:
        data = Path(tmp) / "data"
        env = {
            **os.environ,
            "NEWSLOOM_ALLOW_NETWORKS": "127.0.0.0/8",
            "NEWSLOOM_CRAWL_MIN_DELAY": "0",
            "NEWSLOOM_CRAWL_WORKERS": str(args.workers),
            "NEWSLOOM_POLL_INTERVAL_SECONDS": "60",
            "NEWSLOOM_POLL_MIN_SECONDS": "30",
            "NEWSLOOM_POLL_MAX_SECONDS": "60",
            "NEWSLOOM_CRAWL_MAX_ARTICLES_PER_POLL": "2500",
        }
        newsloom = [sys.executable, "-m", "newsloom", "--data-dir", str(data)]
        subprocess.run([*newsloom, "init"], env=env, check=True, capture_output=True)
        source = f"http://127.0.0.1:{site_port}/"
        subprocess.run([*newsloom, "sources", "add", source], env=env, check=True, capture_output=True, timeout=120)
        stderr_path = Path(tmp) / "run.stderr"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [*newsloom, "run", "--port", str(portal_port)], env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )
            samples: list[tuple[float, int, int]] = []
            started = time.monotonic()
            end = started + args.minutes * 60
            try:
                while True:
                    now = time.monotonic()
                    if process.poll() is not None:
                        print(f"newsloom run exited early with status {process.returncode}")
                        break
                    minute = (now - started) / 60
                    samples.append((minute, rss_kib(process.pid), store_facts(data / "newsloom.db")["articles"]))
                    print(
                        f"  {minute:5.1f} min  RSS {samples[-1][1] / 1024:7.1f} MiB  articles {samples[-1][2]}",
                        flush=True,
                    )
                    if now >= end:
                        break
                    time.sleep(min(args.sample_seconds, max(0.0, end - now)))
            finally:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        server.terminate()
        facts = store_facts(data / "newsloom.db")
        stderr_lines = [
            line
            for line in stderr_path.read_text(errors="replace").splitlines()
            if line.strip() and not line.startswith("newsloom: portal on")  # the start-up banner
        ]
    report(args, baseline_minute, samples, facts, stderr_lines)


def report(
    args: argparse.Namespace,
    baseline_minute: float,
    samples: list[tuple[float, int, int]],
    facts: dict[str, int],
    stderr_lines: list[str],
) -> None:
    after = [sample for sample in samples if sample[0] >= baseline_minute]
    baseline = after[0] if after else samples[0]
    last = samples[-1]
    growth = (last[1] - baseline[1]) / baseline[1] * 100 if baseline[1] else float("nan")
    print()
    print(
        f"soak: {args.minutes:g} minutes, {args.pages} pages (+{args.new_per_minute} new, {args.changes_per_minute} revised per minute), {args.workers} extraction workers"
    )
    print(
        f"memory: RSS {baseline[1] / 1024:.1f} MiB at minute {baseline[0]:.1f} (baseline), {last[1] / 1024:.1f} MiB at minute {last[0]:.1f}; "
        f"ratio last/baseline {last[1] / max(1, baseline[1]):.3f}, growth {growth:+.1f}% (limit +10%)"
    )
    print(f"peak RSS: {max(sample[1] for sample in samples) / 1024:.1f} MiB")
    print(
        f"articles: {facts['articles']} stored for {facts['pages']} distinct site pages; duplicates: {facts['duplicates']}"
    )
    print(
        f"errors: {facts['failed_urls']} failed URLs, {facts['failing_feeds']} failing feeds, {len(stderr_lines)} stderr lines"
    )
    for line in stderr_lines[:10]:
        print(f"  stderr: {line[:200]}")
    verdict = (
        growth < 10
        and facts["duplicates"] == 0
        and not facts["failed_urls"]
        and not facts["failing_feeds"]
        and not stderr_lines
    )
    print(f"verdict: {'holds' if verdict else 'does not hold'}")


if __name__ == "__main__":
    main()
