"""Ingest with extraction workers stores what the single-process path stores, every stage on.

The workers do more than extract (``sources/extract_pool.py``): they compress the page and compute each article's
entities and copy signature for the batch stages (``pipeline/hints.py``). A crawl with two workers and a crawl
with none (``crawl_workers = 0``: extraction in the parent, the batch stages computing everything themselves) run
over the same loopback sites into two stores, and every stored field, tag (with its kind), section, story and
syndicated copy must agree.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsloom.enrich.tags.ner import recognizer_for
from newsloom.pipeline import Outcome
from newsloom.sources.crawler import Crawler, CrawlReport
from newsloom.store import open_store, schema
from newsloom.store.sql import SQLStore
from tests.fetch.site import FaultSite, Reply
from tests.support.crawl import crawl_settings, register

REPORTS = [
    (
        "Flooding closes bridges in Hamburg",
        "Heavy rain flooded the port of Hamburg on Tuesday, and Mayor Peter Tschentscher closed three bridges. "
        "The German Weather Service warned of more rain over Lower Saxony, and Deutsche Bahn cancelled trains to "
        "Berlin. Firefighters pumped water from cellars in Altona through the night while residents moved cars.",
    ),
    (
        "Hamburg floods: bridges shut as rain goes on",
        "Rain kept falling on Hamburg on Tuesday after floods closed three bridges, said Peter Tschentscher, the "
        "city's mayor. Deutsche Bahn stopped trains to Berlin and the German Weather Service expects more rain in "
        "Lower Saxony. In Altona, firefighters worked all night to pump water out of flooded cellars.",
    ),
    (
        "Microsoft opens a data centre in Warsaw",
        "Microsoft opened its first Polish data centre in Warsaw on Monday. Satya Nadella said the company would "
        "train 200,000 people in Poland in cloud skills by 2027, and Prime Minister Donald Tusk welcomed the "
        "investment, which the government in Warsaw valued at one billion dollars over four years of building.",
    ),
    (
        "Kenya's runners win in Boston",
        "Evans Chebet won the Boston Marathon for the second year, ahead of Gabriel Geay of Tanzania. Hellen Obiri "
        "of Kenya took the women's race. The Boston Athletic Association said thirty thousand runners finished the "
        "course from Hopkinton to Copley Square, where Mayor Michelle Wu handed out the medals after the race.",
    ),
]
WIRE = (
    "Wire: central bank holds rates",
    "The European Central Bank kept interest rates unchanged on Thursday, Christine Lagarde said in Frankfurt. "
    "Inflation in the euro area fell to 2.4 percent in November, Eurostat said, and the bank expects it to reach "
    "its target next year. Economists at Deutsche Bank and Commerzbank had expected the decision, and markets in "
    "Frankfurt and Paris barely moved after the announcement by the bank's governing council on Thursday.",
)
VIETNAMESE = (
    "Mưa lớn gây ngập ở Hà Nội",
    "Mưa lớn kéo dài từ chiều qua khiến nhiều tuyến phố ở Hà Nội ngập sâu. Ông Nguyễn Văn Phong, Phó chủ tịch "
    "UBND thành phố Hà Nội, cho biết lực lượng chức năng đã được điều động tới các điểm ngập. Sở Xây dựng Hà Nội "
    "cho biết nước đã rút ở phần lớn các tuyến phố vào sáng nay, giao thông trở lại bình thường.",
)


def page(title: str, text: str, url: str, day: int, language: str = "en") -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.split(". ") if sentence)
    return f"""<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{url}"><meta property="og:title" content="{title}">
<meta name="description" content="{text.split(". ")[0]}.">
<meta property="article:published_time" content="2024-10-{day:02d}T07:00:00+00:00">
<meta property="article:section" content="World"><meta name="keywords" content="News, {title.split()[0]}">
</head><body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>
<footer>Copyright</footer></body></html>""".encode()


def serve(site: FaultSite, articles: list[tuple[str, str, str]], first_day: int) -> None:
    items = []
    for number, (title, text, language) in enumerate(articles):
        path = f"/news/{number}-{first_day}.html"
        site.route(path, Reply(200, page(title, text, site.url(path), first_day + number, language)))
        items.append(f"<item><title>{title}</title><link>{site.url(path)}</link></item>")
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'
    site.route("/feed.xml", Reply(200, feed.encode(), content_type="application/rss+xml"))
    site.route("/robots.txt", Reply(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))


def crawl_into(tmp_path: Path, sites: list[FaultSite], workers: int) -> tuple[SQLStore, CrawlReport, int]:
    settings = crawl_settings(tmp_path, crawl_workers=workers, fetch_images=False, entity_tags=True)
    store = open_store(settings)
    for index, site in enumerate(sites):
        register(store, f"Outlet {index}", site, ("/feed.xml", "rss"))

    async def run() -> tuple[CrawlReport, int]:
        async with Crawler(settings, store) as crawler:
            report = await crawler.run_once()
            return report, crawler.batch.hints.used

    report, used = asyncio.run(run())
    return store, report, used


def stored(store: SQLStore) -> dict[str, dict[str, Any]]:
    """Per canonical URL: the article's stored fields, tags with kinds, story and copy group (as URLs, since the
    ids depend on the order pages were stored in), and its page as kept for reprocessing."""
    a, tags, html = schema.articles, schema.article_tags, schema.article_html
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(a)).mappings().all()
        urls = {row["id"]: row["canonical_url"] for row in rows}
        kinds: dict[int, set[tuple[str, str | None]]] = {}
        for link in conn.execute(sa.select(tags)).mappings():
            kinds.setdefault(link["article_id"], set()).add((link["tag_slug"], link["tag_kind"]))
        pages = {row.article_id: gzip.decompress(row.html_gz) for row in conn.execute(sa.select(html))}
        copy_rows = conn.execute(sa.select(schema.article_copies)).all()
    copies = {row.article_id: row.original_id for row in copy_rows if row.original_id}
    signatures = {row.article_id: row.signature for row in copy_rows}
    members: dict[int, set[str]] = {}
    for row in rows:
        if row["story_id"] is not None:
            members.setdefault(row["story_id"], set()).add(row["canonical_url"])
    result = {}
    for row in rows:
        fields = {
            key: row[key]
            for key in ("title", "lead", "body", "blocks", "language", "tags", "section_slug", "section_rule")
        }
        fields["tag_kinds"] = sorted(kinds.get(row["id"], set()), key=str)
        fields["story"] = sorted(members.get(row["story_id"], set()))
        fields["copy_of"] = urls.get(copies.get(row["id"], -1))
        fields["signature"] = signatures.get(row["id"], b"missing")
        fields["page"] = pages.get(row["id"])
        fields["enriched"] = row["enriched_at"] is not None
        result[row["canonical_url"]] = fields
    return result


@pytest.mark.slow  # two process pools
def test_workers_store_what_the_single_process_path_stores(tmp_path: Path) -> None:
    with FaultSite() as one, FaultSite() as two:
        serve(one, [(title, text, "en") for title, text in [REPORTS[0], REPORTS[2], WIRE]], 1)
        serve(two, [(title, text, "en") for title, text in [REPORTS[1], REPORTS[3], WIRE]] + [(*VIETNAMESE, "vi")], 2)
        pooled, report, used = crawl_into(tmp_path / "pooled", [one, two], workers=2)
        single, single_report, single_used = crawl_into(tmp_path / "single", [one, two], workers=0)
        again = asyncio.run(_again(tmp_path / "pooled", pooled))
    assert report.articles[Outcome.NEW] == 7, report.page_failures
    assert single_report.articles[Outcome.NEW] == 7, single_report.page_failures
    assert used > 0 and single_used == 0  # the workers' hints were taken; the single path computed everything

    expected, found = stored(single), stored(pooled)
    assert found == expected
    # the stages ran and found something, so the comparison compares something
    assert all(article["enriched"] for article in found.values())
    assert any(len(article["story"]) > 1 for article in found.values())
    assert sum(1 for article in found.values() if article["copy_of"]) == 1
    if recognizer_for("en") is not None:
        assert any(kind == "person" for article in found.values() for _, kind in article["tag_kinds"])
    # idempotent: a second round over the same site stores nothing new and changes nothing
    assert again.articles[Outcome.NEW] == 0 and again.pages_fetched == 0
    assert stored(pooled) == found
    pooled.close()
    single.close()


async def _again(tmp_path: Path, store: SQLStore) -> CrawlReport:
    settings = crawl_settings(tmp_path, crawl_workers=2, fetch_images=False, entity_tags=True)
    async with Crawler(settings, store) as crawler:
        return await crawler.run_once()


WORKER_IMPORTS = """
import sys
from newsloom.model import FetchedPage
from newsloom.sources.extract_pool import Extracted, _warm_up, extract_and_enrich

_warm_up()
page = FetchedPage(content=sys.stdin.buffer.read(), origin="page", url="https://example.com/news/warsaw")
result = extract_and_enrich(page, 10.0, entity_tags=True)
assert isinstance(result, Extracted) and result.html_gz and result.hints is not None, result
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] in {"sqlalchemy", "alembic", "scipy", "sklearn"})))
"""


def test_an_extraction_worker_imports_neither_the_store_nor_scipy() -> None:
    """What a worker runs (extraction, compression, hints) needs neither the store (SQLAlchemy and its migrations)
    nor SciPy: each would add tens of megabytes to every worker, and seconds to its start. In a fresh interpreter,
    as a spawned worker starts."""
    title, body = REPORTS[2]
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    html += "".join(f"<p>{body}</p>" for _ in range(3)) + "</article></body></html>"
    done = subprocess.run(
        [sys.executable, "-c", WORKER_IMPORTS],
        input=html.encode(),
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.decode().split() == []
