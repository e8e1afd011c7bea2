"""`newsloom import` as users run it, on a real SQLite file: in-process through the CLI runner, and as a real
process where the process is the point (killed mid-import)."""

from __future__ import annotations

import gzip
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import article_html
from tests.support.cli import count_articles, run_cli
from tests.support.pages import make_pages, write_warc


def newsloom(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``newsloom --data-dir DATA ARGS``, in-process."""
    return run_cli("--data-dir", str(data_dir), *args)


def test_import_twice_reports_and_never_duplicates(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    make_pages(pages, 3)
    first = newsloom(tmp_path / "data", "import", str(pages))
    assert first.returncode == 0, first.stderr
    assert "3 new, 0 updated, 0 skipped, 0 failed" in first.stdout
    assert "stories: 1 new, 3 articles linked" in first.stdout  # three reports of one storm
    second = newsloom(tmp_path / "data", "import", str(pages))
    assert "0 new, 0 updated, 3 skipped, 0 failed" in second.stdout
    assert count_articles(tmp_path / "data") == 3
    again = newsloom(tmp_path / "data", "stories")
    assert again.returncode == 0 and "stories: 0 new, 0 articles linked" in again.stdout
    with sqlite3.connect(tmp_path / "data" / "newsloom.db") as conn:
        assert conn.execute("SELECT count(*), max(article_count) FROM stories").fetchone() == (1, 3)


def test_changed_page_is_updated(tmp_path: Path) -> None:
    page = tmp_path / "one.html"
    page.write_text(article_html(title="First version"))
    newsloom(tmp_path / "data", "import", str(page))
    page.write_text(article_html(title="Second version"))
    result = newsloom(tmp_path / "data", "import", str(page))
    assert "0 new, 1 updated" in result.stdout
    assert count_articles(tmp_path / "data") == 1


def test_bad_inputs_are_reported_by_path_and_lose_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good"
    make_pages(good, 2)
    data = tmp_path / "data"
    newsloom(data, "import", str(good))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "binary.html").write_bytes(bytes(range(256)) * 40)
    (bad / "cut.html.gz").write_bytes(gzip.compress(article_html().encode())[:50])
    (bad / "latin1.html").write_bytes(article_html(title="Café olé", canonical="https://x.example/c").encode("latin-1"))
    (bad / "short.html").write_text("<html><body><p>Hi.</p></body></html>")
    write_warc(bad / "cut.warc.gz", [("https://news.example.com/w", "200 OK", "text/html", article_html().encode())])
    (bad / "cut.warc.gz").write_bytes((bad / "cut.warc.gz").read_bytes()[:40])
    before = sqlite3.connect(data / "newsloom.db").execute("SELECT id, content_hash FROM articles").fetchall()
    result = newsloom(data, "import", str(bad))
    assert result.returncode == 1  # some pages failed
    report = result.stdout
    assert "1 new" in report and "failed" in report
    for name in ("empty.html", "binary.html", "cut.html.gz", "short.html", "cut.warc.gz"):
        assert name in report, (name, report)
    assert "empty page" in report and "binary" in report and "too short" in report
    after = sqlite3.connect(data / "newsloom.db").execute("SELECT id, content_hash FROM articles").fetchall()
    assert set(before) <= set(after) and len(after) == len(before) + 1
    titles = [row[0] for row in sqlite3.connect(data / "newsloom.db").execute("SELECT title FROM articles")]
    assert "Café olé" in titles


def test_warc_import_uses_record_urls(tmp_path: Path) -> None:
    archive = tmp_path / "news.warc.gz"
    write_warc(
        archive,
        [
            (
                f"https://wire.example.org/story-{n}",
                "200 OK",
                "text/html",
                article_html(canonical=None).encode(),
            )
            for n in range(2)
        ],
    )
    result = newsloom(tmp_path / "data", "import", str(archive))
    assert "2 new" in result.stdout, result.stdout
    exported = newsloom(tmp_path / "data", "export")
    urls = sorted(json.loads(line)["canonical_url"] for line in exported.stdout.splitlines())
    assert urls == ["https://wire.example.org/story-0", "https://wire.example.org/story-1"]


@pytest.mark.slow
def test_killed_import_leaves_a_consistent_store_and_rerun_finishes(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    make_pages(pages, 120)
    data = tmp_path / "data"
    newsloom(data, "init")
    process = subprocess.Popen(
        [sys.executable, "-m", "newsloom", "--data-dir", str(data), "import", str(pages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and count_articles(data) < 10:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = count_articles(data)
    assert 10 <= partial < 120
    with sqlite3.connect(data / "newsloom.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute(
            "SELECT count(*) FROM articles a LEFT JOIN article_html h ON h.article_id = a.id WHERE h.article_id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == partial
    result = newsloom(data, "import", str(pages))
    assert f"{120 - partial} new" in result.stdout, result.stdout
    assert count_articles(data) == 120


def test_extract_jsonl_one_object_per_input_in_order(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(article_html())
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"")
    result = newsloom(tmp_path / "data", "extract", str(good), str(bad), str(good), "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(good), str(bad), str(good)]
    assert records[0]["title"] == "Storm hits the coast" and "error" in records[1]
    assert result.returncode == 1 and "1 input failed" in result.stderr, result.stderr
    keys = {
        "url",
        "canonical_url",
        "title",
        "lead",
        "authors",
        "published",
        "modified",
        "language",
        "site_name",
        "section",
        "tags",
        "body",
        "blocks",
        "images",
        "attribution",
    }
    assert keys <= set(records[0])


def test_extract_exit_status_says_whether_every_input_was_read(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(article_html())
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"")
    every_good = newsloom(tmp_path / "data", "extract", str(good), str(good), "--format", "jsonl")
    assert every_good.returncode == 0 and len(every_good.stdout.splitlines()) == 2
    every_bad = newsloom(tmp_path / "data", "extract", str(bad), str(bad), "--format", "jsonl")
    assert every_bad.returncode == 1 and "2 inputs failed" in every_bad.stderr
    assert [json.loads(line)["file"] for line in every_bad.stdout.splitlines()] == [str(bad), str(bad)]
    for output_format in ("json", "text"):
        one_bad = newsloom(tmp_path / "data", "extract", str(bad), "--format", output_format)
        assert one_bad.returncode == 1 and "bad.html" in one_bad.stderr, output_format


def test_extract_json_and_text(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(article_html())
    as_json = json.loads(newsloom(tmp_path / "d", "extract", str(page), "--url", "https://a.example/p").stdout)
    assert as_json["url"] == "https://a.example/p"
    assert as_json["published"] == "2024-10-26T07:24:43+07:00"
    as_text = newsloom(tmp_path / "d", "extract", str(page), "--format", "text").stdout
    assert as_text.startswith("Storm hits the coast")
    missing = newsloom(tmp_path / "d", "extract", str(tmp_path / "nope.html"))
    assert missing.returncode == 1 and "nope.html" in missing.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in ("init", "import", "extract", "reprocess", "serve", "export", "stats", "settings"):
        result = newsloom(tmp_path, command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command


def test_reprocess_and_stats(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    make_pages(pages, 2)
    data = tmp_path / "data"
    newsloom(data, "import", str(pages))
    result = newsloom(data, "reprocess")
    assert "reprocess: 0 new, 0 updated, 2 skipped, 0 failed" in result.stdout, result.stdout
    stats = newsloom(data, "stats").stdout
    assert "articles: 2" in stats and "Example News" in stats and "en" in stats
