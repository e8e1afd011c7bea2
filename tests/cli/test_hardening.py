"""`newsloom import` against hostile and careless input: in-process through the CLI runner, a real SQLite file;
real processes where the process is the point (the hash seed).

Rows F1, F2, F9, F10 and F12 of the issue's table each have a test here; the acceptance test is
``test_one_poison_page_among_five``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import article_html, corpus
from tests.support.cli import count_articles, run_cli


def newsloom(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("--data-dir", str(data_dir), *args)


def stored(data_dir: Path, column: str = "title") -> dict[str, str]:
    with sqlite3.connect(data_dir / "newsloom.db") as conn:
        return dict(conn.execute(f"SELECT canonical_url, {column} FROM articles").fetchall())


def good_pages(directory: Path, count: int) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    urls = []
    for number in range(count):
        url = f"https://news.example.com/report-{number}"
        (directory / f"good-{number}.html").write_text(article_html(title=f"Report number {number}", canonical=url))
        urls.append(url)
    return urls


def test_one_poison_page_among_five(tmp_path: Path) -> None:
    """Acceptance: one poison page among five: four stored, exit status 1, the one named with its reason."""
    pages = tmp_path / "pages"
    urls = good_pages(pages, 4)
    poison = pages / "c-poison.html"  # sorted between the good ones: the pages after it must still be imported
    poison.write_bytes(b"<html>" + bytes(range(256)) * 64)
    result = newsloom(tmp_path / "data", "import", str(pages))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "4 new, 0 updated, 0 skipped, 1 failed" in result.stdout
    assert f"failed: {poison}: binary data, not HTML" in result.stdout
    assert "Traceback" not in result.stderr
    assert sorted(stored(tmp_path / "data")) == sorted(urls)
    assert "stories:" in result.stdout  # the batch stage ran after the failure
    allowed = newsloom(tmp_path / "data", "import", "--allow-failures", str(pages))
    assert allowed.returncode == 0 and "0 new, 0 updated, 4 skipped, 1 failed" in allowed.stdout


def test_f1_hostile_structures_never_stop_the_batch(tmp_path: Path) -> None:
    """F1: a bad port or unclosed IPv6 bracket in the canonical link, JSON-LD nested 20,000 deep."""
    pages = tmp_path / "pages"
    urls = good_pages(pages, 2)
    deep = "[" * 20_000 + "]" * 20_000
    hostile = {
        "a-port.html": article_html(title="Bad port page", canonical="https://bad.example:99999/two"),
        "a-ipv6.html": article_html(title="Bad bracket page", canonical="https://[::1/four"),
        "a-jsonld.html": article_html(
            title="Deep JSON-LD page",
            canonical="https://news.example.com/deep",
            extra_head=f'<script type="application/ld+json">{deep}</script>',
        ),
        "a-divs.html": article_html(
            title="Deep divs page", canonical="https://news.example.com/divs", body_prefix="<div>" * 20_000
        ),
    }
    for name, html in hostile.items():
        (pages / name).write_text(html)
    result = newsloom(tmp_path / "data", "import", str(pages))
    assert "Traceback" not in result.stderr, result.stderr
    # 20,000 nested <div>s: the parser stops nesting at its depth limit, so the text after them is lost and the
    # page is skipped with a reason (not a crash); the other hostile pages are stored under a key they may claim
    assert "5 new, 0 updated, 1 skipped, 0 failed" in result.stdout, result.stdout
    assert f"skipped: {pages / 'a-divs.html'}: too short" in result.stdout
    assert result.returncode == 0
    titles = stored(tmp_path / "data")
    assert {url: titles[url] for url in urls} == {url: f"Report number {n}" for n, url in enumerate(urls)}
    # an unparseable declaration is ignored: the saved file is the key
    assert titles[(pages / "a-port.html").resolve().as_uri()] == "Bad port page"
    assert titles[(pages / "a-ipv6.html").resolve().as_uri()] == "Bad bracket page"
    assert titles["https://news.example.com/deep"] == "Deep JSON-LD page"


def test_f1_an_unexpected_exception_fails_only_its_page(tmp_path: Path) -> None:
    """Whatever a stage raises (here a bug in a stage: RecursionError, KeyError) is that page's failure."""
    from newsloom.pipeline import Outcome, extract_stage, process_pages
    from newsloom.settings import Settings
    from newsloom.store import open_store

    store = open_store(Settings(data_dir=tmp_path / "data"))
    pages = tmp_path / "pages"
    good_pages(pages, 3)
    from newsloom.fetch.local import iter_local_pages
    from newsloom.pipeline import process_page

    def fragile(page):  # type: ignore[no-untyped-def]
        if page.origin.endswith("good-1.html"):
            raise RecursionError("maximum recursion depth exceeded")
        return extract_stage(page)

    results = [process_page(page, store, extract=fragile) for page in iter_local_pages([pages])]
    assert [r.outcome for r in results] == [Outcome.NEW, Outcome.FAILED, Outcome.NEW]
    assert results[1].reason == "the page nests too deeply to process (RecursionError)"
    report = process_pages(iter_local_pages([pages]), store)
    assert report.counts[Outcome.SKIPPED] == 2 and report.counts[Outcome.NEW] == 1
    store.close()


def test_f2_an_outlet_cannot_overwrite_another(tmp_path: Path) -> None:
    """F2: outlet B's page declaring outlet A's URL as its canonical is stored under B's own URL."""
    data = tmp_path / "data"
    a_page = tmp_path / "a.html"
    a_page.write_text(article_html(title="Outlet A original", canonical="https://outlet-a.com/story"))
    b_page = tmp_path / "b.html"
    b_page.write_text(article_html(title="Forged by outlet B", canonical="https://outlet-a.com/story"))
    first = newsloom(data, "import", "--url", "https://outlet-a.com/story?utm_source=x", str(a_page))
    assert first.returncode == 0, first.stdout + first.stderr
    second = newsloom(data, "import", "--url", "https://www.outlet-b.net/copy", str(b_page))
    assert second.returncode == 0 and "1 new, 0 updated" in second.stdout, second.stdout
    titles = stored(data)
    assert titles["https://outlet-a.com/story"] == "Outlet A original"
    assert titles["https://www.outlet-b.net/copy"] == "Forged by outlet B"
    # the same outlet under another host of its registrable domain is believed
    c_page = tmp_path / "c.html"
    c_page.write_text(article_html(title="Outlet A, mobile copy", canonical="https://outlet-a.com/story"))
    third = newsloom(data, "import", "--url", "https://m.outlet-a.com/story", str(c_page))
    assert "0 new, 1 updated" in third.stdout, third.stdout
    assert count_articles(data) == 2


def test_f9_stored_fields_are_bounded_and_cuts_reported(tmp_path: Path) -> None:
    """F9: a 2 MB <title>, 20,000 tags and a 120 KB --url."""
    huge_title = "Storm " * 350_000
    tags = "".join(f'<meta property="article:tag" content="tag number {n}">' for n in range(20_000))
    page = tmp_path / "big.html"
    page.write_text(article_html(title=huge_title, canonical="https://news.example.com/big", extra_head=tags))
    data = tmp_path / "data"
    result = newsloom(data, "import", str(page))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cut:" in result.stdout and "title cut from" in result.stdout and "tags: kept 100 of" in result.stdout
    with sqlite3.connect(data / "newsloom.db") as conn:
        title, tags = conn.execute("SELECT title, tags FROM articles").fetchone()
    assert len(title) <= 500 and len(json.loads(tags)) == 100
    long_url = newsloom(data, "import", "--url", "https://news.example.com/" + "x" * 120_000, str(page))
    # refused before anything is read: click's usage error (status 2), the reason on stderr
    assert long_url.returncode != 0 and "URL longer than 2048 characters" in long_url.stdout + long_url.stderr
    assert count_articles(data) == 1


@pytest.mark.slow
def test_f10_extraction_time_is_bounded_on_pathological_pages(tmp_path: Path) -> None:
    """F10: 200,000 tiny <p> cost about what 20,000 do (on main: 73 s against 2.8 s, superlinear)."""
    from newsloom.extract import extract_article

    def seconds(count: int) -> float:
        html = article_html(body_prefix="".join(f"<p>w{n}</p>" for n in range(count)))
        started = time.perf_counter()
        extract_article(html, url="https://news.example.com/p")
        return time.perf_counter() - started

    small, large = seconds(20_000), seconds(200_000)
    assert large < 4 * small + 2, (small, large)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_f12_reimport_reports_nothing_updated(tmp_path: Path) -> None:
    """F12: the same bytes give the same article, whatever the process's hash seed (image order included)."""
    source = corpus("article-extraction-benchmark") / "html"
    pages = tmp_path / "pages"
    pages.mkdir()
    for path in sorted(source.iterdir())[:30]:
        shutil.copy(path, pages / path.name)
    data = tmp_path / "data"

    def run(seed: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newsloom", "--data-dir", str(data), "import", "--allow-failures", str(pages)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )

    first = run("1")
    assert first.returncode == 0, first.stderr
    for seed in ("2", "3"):
        again = run(seed)
        assert " 0 new, 0 updated," in again.stdout, again.stdout


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes_as_a_page_never_stop_a_directory_import(junk: bytes) -> None:
    """Property: whatever one file holds, the pages beside it are stored and the import ends with a report."""
    from click.testing import CliRunner

    from newsloom.cli import cli

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages = root / "pages"
        urls = good_pages(pages, 2)
        (pages / "good-0a-junk.html").write_bytes(junk)
        result = CliRunner().invoke(cli, ["--data-dir", str(root / "data"), "import", str(pages)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "import: 2 new" in result.output or "import: 3 new" in result.output, result.output
        assert set(urls) <= set(stored(root / "data"))
