"""The pipeline's batch rule: two different pages with one canonical URL keep the first; a later capture of the
same page is a new version of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsloom.model import FetchedPage
from newsloom.pipeline import Outcome, process_pages
from newsloom.store import SQLStore
from tests.conftest import article_html, corpus
from tests.support.cli import run_cli

CANONICAL = "https://news.example.com/world/storm-hits-the-coast"


def _titles(store: SQLStore) -> list[str]:
    return [article.title for article in store.latest_articles(10)]


def test_two_files_with_one_canonical_url_keep_the_first_on_every_import(tmp_path: Path, store: SQLStore) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(article_html(title="First capture of the storm", canonical=CANONICAL))
    (pages / "b.html").write_text(article_html(title="Second capture of the storm", canonical=CANONICAL))

    def run() -> list[tuple[Outcome, str | None]]:
        saved = [FetchedPage(content=path.read_bytes(), origin=str(path)) for path in sorted(pages.iterdir())]
        report = process_pages(saved, store)
        return sorted((outcome, None) for outcome in report.counts.elements()) + [
            (problem.outcome, problem.reason) for problem in report.problems
        ]

    first = run()
    assert (Outcome.NEW, None) in first and (Outcome.UPDATED, None) not in first
    assert any(reason and "a copy" in reason and "a.html" in reason for _, reason in first)
    for _ in range(2):
        again = run()
        assert not any(outcome in (Outcome.NEW, Outcome.UPDATED) for outcome, _ in again), again
    assert _titles(store) == ["First capture of the storm"]


def test_a_later_capture_of_the_same_page_updates_it(store: SQLStore) -> None:
    captures = [
        FetchedPage(
            content=article_html(title=title, canonical=CANONICAL).encode(), origin=f"crawl.warc#{n}", url=CANONICAL
        )
        for n, title in enumerate(["Storm report", "Storm report (updated)"])
    ]
    report = process_pages(captures, store)
    assert report.counts[Outcome.NEW] == 1 and report.counts[Outcome.UPDATED] == 1
    assert _titles(store) == ["Storm report (updated)"]


def test_reimporting_the_fundus_taz_pair_updates_nothing(tmp_path: Path) -> None:
    source = corpus("fundus-publishers") / "html"
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("Taz_2023_04_28.html.gz", "Taz_2024_10_23.html.gz"):
        if not (source / name).exists():
            continue
        shutil.copy(source / name, pages / name)
    assert len(list(pages.iterdir())) == 2, "the two taz pages sharing one canonical URL"
    data = tmp_path / "data"
    first = run_cli("--data-dir", str(data), "import", "--allow-failures", str(pages))
    assert "1 new, 0 updated" in first.stdout, first.stdout + first.stderr
    assert "a copy" in first.stdout + first.stderr
    for _ in range(2):
        again = run_cli("--data-dir", str(data), "import", "--allow-failures", str(pages))
        assert " 0 new, 0 updated," in again.stdout, again.stdout
