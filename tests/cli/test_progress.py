"""Progress lines on stderr while a long command works with stderr not a terminal (a log file, a pipe): every
``PROGRESS_EVERY`` seconds a plain line, so minutes of work are never minutes of silence. Shortened here to 0.05 s,
and the work made slow by real loopback servers (a feed answering late, a translation server that is down and
retried with backoff). Through the CLI runner, which pipes stderr as a process's would be."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from newsloom.cli import context
from newsloom.settings import Settings
from newsloom.store import open_store
from tests.enrich.translate.helpers import translation_server, vietnamese_page
from tests.fetch.site import FaultSite, Reply
from tests.sources.newsite import NewsSite
from tests.support.articles import make_article
from tests.support.cli import newsloom_in, run_cli


@pytest.fixture(autouse=True)
def often(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "PROGRESS_EVERY", 0.05)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


# A translation server that is down, retried with backoff: the translation stage takes about a second.
SLOW_TRANSLATION = {
    "NEWSLOOM_TRANSLATE_BACKEND": "libretranslate",
    "NEWSLOOM_TRANSLATE_RETRIES": "3",
    "NEWSLOOM_TRANSLATE_BACKOFF_SECONDS": "0.3",
    "NEWSLOOM_FETCH_IMAGES": "0",
}


def progress_lines(result: subprocess.CompletedProcess[str], description: str) -> list[str]:
    return re.findall(rf"^{re.escape(description)}: \d+ s.*$", result.stderr, re.MULTILINE)


def test_the_ticker_says_nothing_for_a_quick_step_and_a_line_per_interval_for_a_slow_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with context.Ticker("quick"):
        pass
    with context.Ticker("slow", lambda: "3 done") as tick:
        time.sleep(0.3)
        tick.update("slower")
        time.sleep(0.3)
    said = capsys.readouterr().err.splitlines()
    assert not [line for line in said if line.startswith("quick")]
    assert "slow: 0 s; 3 done" in said and "slower: 0 s; 3 done" in said
    assert 6 <= len(said) <= 13, said  # about one line per 0.05 s


def test_import_reports_the_batch_stages_while_they_run(tmp_path: Path) -> None:
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    # A server that lists the pair (so the job is tried) and fails each request: retried with backoff.
    with translation_server("fail") as (url, _state):
        env = {**SLOW_TRANSLATION, "NEWSLOOM_TRANSLATE_URL": url}
        imported = run_cli("--data-dir", str(tmp_path / "data"), "import", str(page), env=env)
        assert imported.returncode == 0, imported.stderr
        assert len(progress_lines(imported, "translating")) >= 3, imported.stderr
    # reprocess runs the same batch through the same reporter; its failed job is not due again for minutes, so
    # here it has nothing slow to report.


@pytest.mark.slow
def test_translate_reports_while_it_retries(tmp_path: Path) -> None:
    page = tmp_path / "vi.html"
    page.write_text(vietnamese_page(), encoding="utf-8")
    data = tmp_path / "data"
    env = {**SLOW_TRANSLATION, "NEWSLOOM_TRANSLATE_URL": closed_port_url()}
    assert run_cli("--data-dir", str(data), "import", str(page), env=env).returncode == 0
    translated = run_cli("--data-dir", str(data), "translate", env=env)
    assert len(progress_lines(translated, "translating")) >= 3, translated.stderr


def test_crawl_once_reports_the_round_while_a_page_answers_late(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FaultSite() as site:
        news = NewsSite(site, count=2)
        site.route(news.path(1), Reply(200, b"<html><title>late</title></html>", delay=0.6))
        assert newsloom_in(data, "sources", "add", site.url("/")).returncode == 0
        crawled = newsloom_in(data, "crawl", "--once", "--allow-failures", NEWSLOOM_FETCH_IMAGES="0")
    assert crawled.returncode == 0, crawled.stderr
    lines = progress_lines(crawled, "crawling")
    assert len(lines) >= 4, crawled.stderr
    assert any("feeds: " in line and "articles: " in line for line in lines), lines


@pytest.mark.slow
def test_stories_and_enrich_report_while_they_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Grouping stories over a big store takes minutes; here the real grouping is made slow by a pause before it."""
    import newsloom.pipeline as pipeline

    data = tmp_path / "data"
    store = open_store(Settings(data_dir=data))
    for number in range(1, 71):
        store.upsert_article(make_article(number))
    store.close()
    real = pipeline.update_stories

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.4)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "update_stories", slow)
    stories = run_cli("--data-dir", str(data), "stories")
    assert stories.returncode == 0, stories.stderr
    assert len(progress_lines(stories, "grouping stories")) >= 3, stories.stderr
    monkeypatch.setattr(context, "PROGRESS_EVERY", 0.0)  # a line at each batch of 64 articles
    enriched = run_cli("--data-dir", str(data), "enrich")
    assert enriched.returncode == 0, enriched.stderr
    assert re.search(r"^tags and sections: 64 of 70 \(91%\), \d+ s$", enriched.stderr, re.MULTILINE), enriched.stderr
