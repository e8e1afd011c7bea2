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

Beside it, in the same site process, hostile neighbours (``--no-hostile`` leaves them out):
- a hostile site whose JSON Feed lists good pages (``/h/N``, two more every minute) among poison items: hosts that
  fail IDNA encoding (``http://xn--/x``, an emoji, a 300-character label), invalid IPv4 addresses
  (``0177.0.0.1``, ``1.2.3.999``), a good page again with ``user:pass@`` in its link, and ``/private/…`` pages
  that its 13.6 MB robots.txt disallows in its first line;
- a LibreTranslate server that drips one byte a second, configured as the translation backend
  (``translate_targets = "vi"``, ``translate_timeout = 3``), so every round's translation stage meets it.

Reported beside memory: per sample, the backlog of each stage (articles not yet enriched, not yet considered for
stories, translation jobs) and how long the portal took to answer ``/healthz``; a stage whose backlog stays above
zero and unchanged for ``--stuck-samples`` samples is reported stuck. At the end: every good page of both sites
stored once and enriched, the poison items rejected (never the hostile feed's failure), no credentials stored,
no ``/private`` page fetched.

The peer is the same process earlier in the run: growth is the ratio of the last sample to the baseline sample.

Run: ``nice .venv/bin/python bench/soak_bench.py`` (30 minutes) or ``--minutes 5`` for a short soak.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


HOSTILE_START = 20  # good pages on the hostile site at the start; two more every minute
# 13.6 MB: the first rule, then comment lines far past the 500 KiB a crawler must read (RFC 9309).
HUGE_ROBOTS = b"User-agent: *\nDisallow: /private\n" + b"# filler line of a robots.txt far too long to read\n" * 272_000


def poison_items(port: int) -> list[str]:
    """The hostile feed's bad items: each must be that item's rejection (or skip), never the feed's failure."""
    return [
        "http://xn--/x",
        "http://\U0001f4a9.la/",
        "http://" + "a" * 300 + ".example/",
        "http://0177.0.0.1/",
        "http://1.2.3.999/x",
        f"http://user:pass@127.0.0.1:{port}/h/2",  # the good page 2 again, with credentials
        f"http://127.0.0.1:{port}/private/secret-report",  # disallowed by robots.txt's first rule
    ]


class HostileSite:
    """Good article pages ``/h/N`` listed among poison items in ``/hostile.json``; hits on ``/private`` counted."""

    def __init__(self) -> None:
        self.count = HOSTILE_START
        self.private_hits = 0
        self.lock = threading.Lock()

    def page(self, number: int, port: int) -> bytes:
        words = random.Random(-number)
        paragraphs = "".join(
            "<p>" + " ".join(words.choice(WORDS) for _ in range(60)).capitalize() + ".</p>" for _ in range(6)
        )
        title = f"Hostile page {number}: {' '.join(words.choice(WORDS) for _ in range(5))}"
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>""".encode()

    def feed(self, port: int) -> bytes:
        good = [f"http://127.0.0.1:{port}/h/{n}" for n in range(self.count)]
        items = [{"id": url, "url": url, "title": "item"} for url in [*poison_items(port), *good]]
        return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items}).encode()


def serve_hostile(port: int, site: HostileSite) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path
            with site.lock:
                if path == "/robots.txt":
                    body, kind = HUGE_ROBOTS, "text/plain"
                elif path == "/hostile.json":
                    body, kind = site.feed(port), "application/feed+json"
                elif path.startswith("/h/") and path[3:].isdigit() and int(path[3:]) < site.count:
                    body, kind = site.page(int(path[3:]), port), "text/html; charset=utf-8"
                elif path.startswith("/private/"):
                    site.private_hits += 1
                    body, kind = site.page(10**6, port), "text/html; charset=utf-8"
                else:
                    body, kind = b"not found", "text/plain"
            self.send_response(200 if kind != "text/plain" or path == "/robots.txt" else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the crawler reads robots.txt's first 500 KiB and hangs up
                self.wfile.write(body)

        def do_POST(self) -> None:  # the site's own report: how often /private was fetched
            body = json.dumps({"private_hits": site.private_hits, "good_pages": site.count}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def serve_dripping_translator(port: int) -> None:
    """A LibreTranslate endpoint that answers every request one byte a second."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

    def answer(connection: socket.socket) -> None:
        body = json.dumps({"translatedText": ["x" * 100] * 50}).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        with connection:
            try:
                connection.recv(1 << 20)
                connection.sendall(head.encode())
                for byte in body:
                    time.sleep(1.0)
                    connection.sendall(bytes([byte]))
            except OSError:
                pass

    while True:
        connection, _ = listener.accept()
        threading.Thread(target=answer, args=(connection,), daemon=True).start()


def serve_site(
    port: int,
    pages: int,
    seed: int,
    new: int,
    changes: int,
    period: float,
    hostile_port: int | None = None,
    drip_port: int | None = None,
) -> None:
    """The site's process: serve, and change the site every ``period`` seconds; the hostile neighbours too."""
    site = Site(pages, seed)
    hostile = HostileSite()
    if hostile_port is not None:
        threading.Thread(target=serve_hostile, args=(hostile_port, hostile), daemon=True).start()
    if drip_port is not None:
        threading.Thread(target=serve_dripping_translator, args=(drip_port,), daemon=True).start()

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
            with hostile.lock:
                hostile.count += 2

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


def store_facts(db: Path, site_port: int = 0, hostile_port: int = 0) -> dict[str, int]:
    """What the store holds; failed URLs are the normal site's (the hostile feed's poison items are counted apart)."""
    with sqlite3.connect(db, timeout=30) as conn:
        rows = conn.execute("SELECT title, url, canonical_url, enriched_at FROM articles WHERE translated_from IS NULL")
        articles = list(rows)
        failed_urls = conn.execute(
            "SELECT count(*) FROM crawl_urls WHERE status NOT IN ('stored', 'skipped') AND url LIKE ?",
            (f"http://127.0.0.1:{site_port}/%",),
        ).fetchone()[0]
        poison = conn.execute(
            "SELECT count(*) FROM crawl_urls WHERE status IN ('rejected', 'skipped') AND url NOT LIKE ?",
            (f"http://127.0.0.1:{site_port}/%",),
        ).fetchone()[0]
        failing_feeds = conn.execute("SELECT count(*) FROM feeds WHERE error_streak > 0").fetchone()[0]
        hostile_feed = conn.execute(
            "SELECT count(*) FROM feeds WHERE url LIKE ? AND last_success_at IS NOT NULL",
            (f"http://127.0.0.1:{hostile_port}/%",),
        ).fetchone()[0]
        jobs = dict(conn.execute("SELECT status, count(*) FROM translation_jobs GROUP BY status").fetchall())
        unchecked = conn.execute("SELECT count(*) FROM articles WHERE story_checked_at IS NULL").fetchone()[0]
    titles = [row[0] for row in articles]
    numbers = [title.split(":", 1)[0].removeprefix("Soak page ") for title in titles if title.startswith("Soak page")]
    hostile = [title.split(":", 1)[0] for title in titles if title.startswith("Hostile page")]
    return {
        "articles": len(titles),
        "pages": len(set(numbers)),
        "duplicates": len(numbers) - len(set(numbers)) + len(hostile) - len(set(hostile)),
        "hostile_pages": len(set(hostile)),
        "not_enriched": sum(1 for row in articles if row[3] is None),
        "story_unchecked": int(unchecked),
        "credentials": sum(1 for row in articles if "@" in row[1].split("/")[2] or "@" in row[2].split("/")[2]),
        "private": sum(1 for row in articles if "/private/" in row[1]),
        "failed_urls": int(failed_urls),
        "poison_recorded": int(poison),
        "failing_feeds": int(failing_feeds),
        "hostile_feed_ok": int(hostile_feed),
        "translation_pending": int(sum(count for status, count in jobs.items() if status != "done")),
        "translation_failed": int(jobs.get("failed", 0)),
    }


def healthz_seconds(port: int) -> float:
    """How long the portal takes to answer /healthz (``inf`` when it does not within 10 s)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            conn.settimeout(10)
            if not conn.recv(64).startswith(b"HTTP/1.1 200"):
                return float("inf")
    except OSError:
        return float("inf")
    return time.monotonic() - started


def hostile_report(port: int) -> dict[str, int]:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(b"POST /report HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.settimeout(10)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        return dict(json.loads(answer.split(b"\r\n\r\n", 1)[1]))
    except (OSError, ValueError, IndexError):
        return {"private_hits": -1, "good_pages": -1}


# Translation cannot succeed against the dripping server: its jobs stay failed by design, so it is not among the
# stages checked for progress; that it ends each round shows in the others moving.
STAGES = ("not_enriched", "story_unchecked")


def stuck_stages(samples: list[dict[str, float]], window: int) -> list[str]:
    """Stages whose backlog stayed above zero and did not move over the last ``window`` samples."""
    if len(samples) < window:
        return []
    recent = samples[-window:]
    return [stage for stage in STAGES if recent[0][stage] > 0 and len({sample[stage] for sample in recent}) == 1]


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
    parser.add_argument("--no-hostile", dest="hostile", action="store_false", help="the normal site only")
    parser.add_argument("--stuck-samples", type=int, default=4, help="samples without progress that mean stuck")
    args = parser.parse_args()
    baseline_minute = args.baseline_minute if args.baseline_minute is not None else min(5.0, args.minutes / 6)

    site_port, portal_port = free_port(), free_port()
    hostile_port, drip_port = (free_port(), free_port()) if args.hostile else (None, None)
    server = multiprocessing.get_context("spawn").Process(
        target=serve_site,
        args=(site_port, args.pages, args.seed, args.new_per_minute, args.changes_per_minute, 60.0),
        kwargs={"hostile_port": hostile_port, "drip_port": drip_port},
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
        if drip_port is not None:
            env |= {
                "NEWSLOOM_TRANSLATE_BACKEND": "libretranslate",
                "NEWSLOOM_TRANSLATE_URL": f"http://127.0.0.1:{drip_port}",
                "NEWSLOOM_TRANSLATE_TARGETS": "vi",
                "NEWSLOOM_TRANSLATE_TIMEOUT": "3",
                "NEWSLOOM_TRANSLATE_RETRIES": "1",
            }
        newsloom = [sys.executable, "-m", "newsloom", "--data-dir", str(data)]
        subprocess.run([*newsloom, "init"], env=env, check=True, capture_output=True)
        source = f"http://127.0.0.1:{site_port}/"
        subprocess.run([*newsloom, "sources", "add", source], env=env, check=True, capture_output=True, timeout=120)
        if hostile_port is not None:
            feed = f"http://127.0.0.1:{hostile_port}/hostile.json"
            added = [*newsloom, "sources", "add", feed, "--name", "Hostile"]
            subprocess.run(added, env=env, check=True, capture_output=True, timeout=120)
        stderr_path = Path(tmp) / "run.stderr"
        db = data / "newsloom.db"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [*newsloom, "run", "--port", str(portal_port)], env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )
            samples: list[tuple[float, int, int]] = []
            stages: list[dict[str, float]] = []
            stuck: dict[str, float] = {}  # stage -> minute first seen stuck
            started = time.monotonic()
            end = started + args.minutes * 60
            try:
                while True:
                    now = time.monotonic()
                    if process.poll() is not None:
                        print(f"newsloom run exited early with status {process.returncode}")
                        break
                    minute = (now - started) / 60
                    facts = store_facts(db, site_port, hostile_port or 0)
                    health = healthz_seconds(portal_port)
                    samples.append((minute, rss_kib(process.pid), facts["articles"]))
                    stages.append({**{stage: facts[stage] for stage in STAGES}, "healthz": health})
                    for stage in stuck_stages(stages, args.stuck_samples):
                        stuck.setdefault(stage, minute)
                    print(
                        f"  {minute:5.1f} min  RSS {samples[-1][1] / 1024:7.1f} MiB  articles {facts['articles']}"
                        f"  backlog: enrich {facts['not_enriched']}, stories {facts['story_unchecked']},"
                        f" translation {facts['translation_pending']}  healthz {health:.2f} s",
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
        hostile = hostile_report(hostile_port) if hostile_port is not None else {}
        server.terminate()
        facts = store_facts(db, site_port, hostile_port or 0)
        stderr_lines = [
            line
            for line in stderr_path.read_text(errors="replace").splitlines()
            if line.strip() and not line.startswith("newsloom: portal on")  # the start-up banner
        ]
    # The dripping server makes every translation fail: newsloom says so on stderr, as it should. Counted apart.
    loggers = ('"logger": "newsloom.pipeline.translation', '"logger": "newsloom.enrich.translate')
    expected = [line for line in stderr_lines if args.hostile and any(name in line for name in loggers)]
    stderr_lines = [line for line in stderr_lines if line not in expected]
    facts["translation_warnings"] = len(expected)
    report(args, baseline_minute, samples, facts, stderr_lines, stages, stuck, hostile)


def report(
    args: argparse.Namespace,
    baseline_minute: float,
    samples: list[tuple[float, int, int]],
    facts: dict[str, int],
    stderr_lines: list[str],
    stages: list[dict[str, float]],
    stuck: dict[str, float],
    hostile: dict[str, int],
) -> None:
    after = [sample for sample in samples if sample[0] >= baseline_minute]
    baseline = after[0] if after else samples[0]
    last = samples[-1]
    growth = (last[1] - baseline[1]) / baseline[1] * 100 if baseline[1] else float("nan")
    print()
    print(
        f"soak: {args.minutes:g} minutes, {args.pages} pages (+{args.new_per_minute} new, {args.changes_per_minute} revised per minute), {args.workers} extraction workers"
        + (", with the hostile site and the dripping translation server" if args.hostile else "")
    )
    print(
        f"memory: RSS {baseline[1] / 1024:.1f} MiB at minute {baseline[0]:.1f} (baseline), {last[1] / 1024:.1f} MiB at minute {last[0]:.1f}; "
        f"ratio last/baseline {last[1] / max(1, baseline[1]):.3f}, growth {growth:+.1f}% (limit +10%)"
    )
    print(f"peak RSS: {max(sample[1] for sample in samples) / 1024:.1f} MiB")
    print("memory over time: " + ", ".join(f"{m:.1f} min {kib / 1024:.0f} MiB" for m, kib, _ in samples))
    print(
        f"articles: {facts['articles']} stored for {facts['pages']} distinct site pages; duplicates: {facts['duplicates']}"
    )
    print(
        f"errors: {facts['failed_urls']} failed URLs, {facts['failing_feeds']} failing feeds, {len(stderr_lines)} stderr lines"
    )
    for line in stderr_lines[:10]:
        print(f"  stderr: {line[:200]}")
    answered = [index for index, stage in enumerate(stages) if stage["healthz"] != float("inf")]
    # From the portal's first answer on (it starts a few seconds after the process): never slow, never silent.
    slowest = (
        max((stage["healthz"] for stage in stages[answered[0] :]), default=float("inf")) if answered else float("inf")
    )
    print(
        f"stages: stuck {', '.join(f'{name} (from minute {minute:.1f})' for name, minute in stuck.items()) or 'none'}; "
        f"at the end {facts['not_enriched']} articles not enriched, {facts['story_unchecked']} not considered for stories; "
        f"slowest /healthz {slowest:.2f} s"
    )
    verdict = (
        growth < 10
        and facts["duplicates"] == 0
        and not facts["failed_urls"]
        and not facts["failing_feeds"]
        and not stderr_lines
        and not stuck
        and slowest < 10
    )
    if args.hostile:
        poison = len(poison_items(0))
        good = hostile.get("good_pages", -1)
        print(
            f"hostile site: {facts['hostile_pages']} of {good} good pages stored; {facts['poison_recorded']} of {poison} "
            f"poison items recorded as rejected or skipped; feed healthy: {'yes' if facts['hostile_feed_ok'] else 'no'}; "
            f"credentials stored: {facts['credentials']}; /private fetched {hostile.get('private_hits', -1)} times, "
            f"stored {facts['private']}"
        )
        print(
            f"translation (dripping server): {facts['translation_failed']} jobs failed, "
            f"{facts['translation_pending']} not done, {facts['translation_warnings']} warnings on stderr; "
            "the stage ended each round (crawl and enrichment went on)"
        )
        # Pages the site published in the last minute may not have been polled yet.
        verdict = (
            verdict
            and good - 4 <= facts["hostile_pages"] <= good
            and facts["poison_recorded"] >= poison - 1  # the credentials item is the good page 2, stored once
            and facts["hostile_feed_ok"] == 1
            and facts["credentials"] == 0
            and hostile.get("private_hits") == 0
            and facts["private"] == 0
        )
    print(f"verdict: {'holds' if verdict else 'does not hold'}")


if __name__ == "__main__":
    main()
