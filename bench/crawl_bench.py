"""Crawl benchmark: a loopback news site of ≥ 2,000 article pages on 20 hosts, crawled end to end into a fresh store.

Pages are real publisher pages from ``../shared/corpora`` (article-extraction-benchmark and fundus-publishers),
each given its own URL, title and canonical link so every one is a distinct article. Each host (127.0.0.2 …
127.0.0.21, one port) serves robots.txt, an RSS feed of its newest 50 articles, a sitemap of all of them, and the
articles; the server runs in its own process so it does not share the crawler's GIL.

Reported, as a table (figure, now, target): ingest articles/s (``Crawler.run_once`` from registered sources to every
article stored, the batch stages included: stories, copies, entity tags, sections) over bare trafilatura
(``trafilatura.extract(html, include_comments=False)``, one process) pages/s over exactly the same page bytes in
the same run; peak RSS of the crawler process and of the largest extraction worker; CPU seconds per article of
the crawler process and of the workers (what guides tuning on a busy machine, where wall-clock rates are noisy),
beside bare trafilatura's. Which entity recognisers are installed is printed first: the target holds with them.

Run: ``make bench-crawl`` (or ``nice .venv/bin/python bench/crawl_bench.py [--hosts 20] [--pages-per-host 100]
[--workers 2] [--extraction-baseline]``).
Politeness delays are set to 0 here (every host is loopback and ours); per-host concurrency stays at 2.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import re
import resource
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPORA = ROOT.parent / "shared" / "corpora"
CORPUS_DIRS = [CORPORA / "article-extraction-benchmark" / "html", CORPORA / "fundus-publishers" / "html"]
_CANONICAL = re.compile(rb"<link[^>]*rel=[\"']?canonical[^>]*>|<meta[^>]*property=[\"']og:url[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_OG_TITLE = re.compile(rb"(<meta[^>]*property=[\"']og:title[\"'][^>]*content=[\"'])([^\"']*)", re.IGNORECASE)
_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)


def load_corpus() -> list[bytes]:
    pages = []
    for directory in CORPUS_DIRS:
        for path in sorted(directory.glob("*.html.gz")):
            pages.append(gzip.decompress(path.read_bytes()))
    return pages


def host_name(index: int) -> str:
    return f"127.0.0.{2 + index}"


def article_path(number: int) -> str:
    return f"/news/{number // 100}/story-{number}-from-the-loopback-desk.html"


def make_page(corpus: list[bytes], host: str, port: int, number: int) -> bytes:
    """A corpus page made a distinct article: its own canonical URL and title (so nothing deduplicates)."""
    html = corpus[number % len(corpus)]
    url = f"http://{host}:{port}{article_path(number)}".encode()
    html = _CANONICAL.sub(b"", html)
    html = _TITLE.sub(lambda m: b"<title>" + m.group(1) + b" #" + str(number).encode() + b"</title>", html, count=1)
    html = _OG_TITLE.sub(lambda m: m.group(1) + m.group(2) + b" #" + str(number).encode(), html, count=1)
    head = _HEAD.search(html)
    link = b'<link rel="canonical" href="' + url + b'">'
    return html[: head.end()] + link + html[head.end() :] if head else link + html


def numbers_of(host_index: int, per_host: int) -> range:
    return range(host_index * per_host, (host_index + 1) * per_host)


def rss(host: str, port: int, numbers: range) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>http://{host}:{port}{article_path(n)}</link>"
        f"<pubDate>Sat, 26 Oct 2024 {n % 24:02d}:{n % 60:02d}:00 GMT</pubDate></item>"
        for n in list(numbers)[-50:]
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}</title>{items}</channel></rss>'.encode()


def sitemap(host: str, port: int, numbers: range) -> bytes:
    urls = "".join(f"<url><loc>http://{host}:{port}{article_path(n)}</loc></url>" for n in numbers)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def serve(hosts: int, per_host: int, port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    corpus = load_corpus()
    servers = []
    for index in range(hosts):
        host = host_name(index)
        numbers = numbers_of(index, per_host)
        routes = {
            "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
            "/feed.xml": (rss(host, port, numbers), "application/rss+xml"),
            "/sitemap.xml": (sitemap(host, port, numbers), "application/xml"),
        }
        paths = {article_path(n): n for n in numbers}

        def handler_for(host: str = host, routes: dict = routes, paths: dict = paths) -> type:  # type: ignore[type-arg]
            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def do_GET(self) -> None:
                    if self.path in routes:
                        body, content_type = routes[self.path]
                    elif self.path in paths:
                        body, content_type = make_page(corpus, host, port, paths[self.path]), "text/html"
                    else:
                        body, content_type = b"not found", "text/plain"
                    self.send_response(200 if body != b"not found" else 404)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def log_message(self, *args: object) -> None:
                    pass

            return Handler

        server = ThreadingHTTPServer((host, port), handler_for())
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    threading.Event().wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return int(sock.getsockname()[1])


def site_pages(corpus: list[bytes], hosts: int, per_host: int, port: int) -> list[tuple[str, bytes]]:
    return [
        (f"http://{host_name(index)}:{port}{article_path(number)}", make_page(corpus, host_name(index), port, number))
        for index in range(hosts)
        for number in numbers_of(index, per_host)
    ]


def bare_trafilatura(pages: list[tuple[str, bytes]]) -> tuple[int, float, float]:
    """Pages with text, wall seconds and CPU seconds of trafilatura alone over ``pages``."""
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    extracted = sum(1 for _, html in pages if trafilatura.extract(html, include_comments=False))
    return extracted, time.perf_counter() - started, time.process_time() - cpu


def newsloom_extraction(pages: list[tuple[str, bytes]]) -> float:
    """newsloom's own extract → enrich, one process, no fetching or storing: the crawl's CPU floor."""
    from newsloom.enrich import enrich_article
    from newsloom.extract import extract_article

    started = time.perf_counter()
    for url, html in pages:
        enrich_article(extract_article(html, url=url))
    return time.perf_counter() - started


def recognisers() -> str:
    """Which entity models the crawl will load (looked up, not loaded: loading would weigh on this process)."""
    from importlib.util import find_spec

    from newsloom.enrich.tags.ner import SPACY_MODELS

    english = next((name for name in SPACY_MODELS if find_spec(name) is not None), None)
    vietnamese = find_spec("underthesea") is not None
    return f"en {english or 'none (publisher tags only)'}, vi {'underthesea' if vietnamese else 'none'}"


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def crawl(data_dir: Path, hosts: int, port: int, workers: int) -> tuple[dict[str, int], float, int]:
    from newsloom.model import Feed, Source
    from newsloom.settings import Settings
    from newsloom.sources.crawler import Crawler, CrawlReport
    from newsloom.store import open_store
    from newsloom.store.sources import SourceStore

    settings = Settings(
        data_dir=data_dir,
        allow_networks="127.0.0.0/8",
        crawl_min_delay=0.0,
        crawl_per_host_concurrency=2,
        crawl_concurrency=16,
        crawl_workers=workers,
        crawl_max_articles_per_poll=100_000,
        # The corpus pages' pictures are on their publishers' CDNs, off this machine: benchmarks stay on loopback
        # (and without a reachable DNS server every picture host costs a resolver timeout).
        fetch_images=False,
    )
    store = open_store(settings)
    registry = SourceStore(store.engine)
    for index in range(hosts):
        base = f"http://{host_name(index)}:{port}"
        registry.add_source(
            Source(
                name=f"Loopback {index}",
                homepage=base + "/",
                feeds=[Feed(url=base + "/feed.xml", kind="rss"), Feed(url=base + "/sitemap.xml", kind="sitemap")],
            )
        )

    batch_seconds = 0.0

    async def run() -> dict[str, int]:
        async with Crawler(settings, store) as crawler:
            stages = crawler.after_store

            async def timed_stages(report: CrawlReport) -> None:  # the batch stages: once per round
                nonlocal batch_seconds
                began = time.perf_counter()
                await stages(report)
                batch_seconds += time.perf_counter() - began

            crawler.after_store = timed_stages  # type: ignore[method-assign]
            report = await crawler.run_once()
        return {
            "feeds": report.feeds_polled,
            "feed_errors": len(report.feed_errors),
            "requests": report.fetch_stats["requests"],
            **{outcome.value: count for outcome, count in report.articles.items()},
            "page_failures": len(report.page_failures),
        }

    started = time.perf_counter()
    counts = asyncio.run(run())
    elapsed = time.perf_counter() - started
    stored = store.count_articles()
    store.close()
    counts["batch_stage_ms"] = round(batch_seconds * 1000)
    return counts, elapsed, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages-per-host", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="extraction processes (crawl_workers)")
    parser.add_argument(
        "--extraction-baseline", action="store_true", help="also time newsloom's extract+enrich alone (one process)"
    )
    args = parser.parse_args()
    if not all(directory.is_dir() for directory in CORPUS_DIRS):
        print(f"corpora not found under {CORPORA}; nothing to benchmark")
        return
    print(f"entity recognisers installed: {recognisers()}")
    corpus_pages = sum(1 for directory in CORPUS_DIRS for _ in directory.glob("*.html.gz"))  # the site loads them
    port = free_port()
    ready = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(args.hosts, args.pages_per_host, port, ready), daemon=True
    )
    server.start()
    if not ready.wait(60):
        raise SystemExit("site did not start")
    total = args.hosts * args.pages_per_host
    print(f"site: {total} article pages on {args.hosts} hosts (127.0.0.2…), port {port}, {corpus_pages} corpus pages")

    parent_cpu, workers_cpu = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        counts, crawl_seconds, stored = crawl(Path(tmp), args.hosts, port, args.workers)
    # The pool's workers were joined when the crawler closed; the site process is not reaped yet, so the children's
    # figures are the workers' alone.
    parent_cpu = cpu_seconds(resource.RUSAGE_SELF) - parent_cpu
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - workers_cpu
    crawl_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the baseline loads its pages
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    server.terminate()
    pages = site_pages(load_corpus(), args.hosts, args.pages_per_host, port)
    extracted, bare_seconds, bare_cpu = bare_trafilatura(pages)
    own_seconds = newsloom_extraction(pages) if args.extraction_baseline else None

    crawl_rate = stored / crawl_seconds
    bare_rate = total / bare_seconds
    print(f"crawl:   {stored} articles stored in {crawl_seconds:.1f} s = {crawl_rate:.1f} articles/s  {counts}")
    print(f"bare trafilatura: {total} pages ({extracted} with text) in {bare_seconds:.1f} s = {bare_rate:.1f} pages/s")
    if own_seconds is not None:
        print(f"newsloom extract+enrich alone (1 process): {total / own_seconds:.1f} pages/s")
    per_article = 1000 / max(1, stored)
    rows = [
        (
            f"ingest / bare trafilatura ({args.workers} workers)",
            f"{crawl_rate / bare_rate:.2f}x ({crawl_rate:.1f} vs {bare_rate:.1f} pages/s)",
            ">= 1.6x",
        ),
        ("peak RSS, crawler process", f"{crawl_peak:.0f} MiB", "<= 300 MiB"),
        ("peak RSS, largest extraction worker", f"{worker_peak:.0f} MiB", "-"),
        (
            "CPU per article: crawler / workers",
            f"{parent_cpu * per_article:.1f} / {workers_cpu * per_article:.1f} ms",
            f"bare trafilatura {bare_cpu * 1000 / total:.1f} ms",
        ),
        ("batch stages (wall)", f"{counts['batch_stage_ms'] / max(1, stored):.1f} ms an article", "-"),
    ]
    widths = [max(len(row[column]) for row in [("figure", "now", "target"), *rows]) for column in range(3)]
    for row in [("figure", "now", "target"), tuple("-" * width for width in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
