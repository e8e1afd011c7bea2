"""The batch stages after store (``pipeline.Batch``) take whatever is pending in the store, whoever stored it: a run
killed right after storing (``kill -9`` after the "import:" line) is finished by the next run, even though that
run stores nothing new. Real SQLite files, a real ``newsloom`` process, a real loopback image server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsloom.cli.batch import page_stage
from newsloom.fetch.local import iter_local_pages
from newsloom.media.storage import LocalMediaStorage
from newsloom.pipeline import Batch, Outcome, process_page
from newsloom.settings import Settings
from newsloom.sources.crawler import Crawler
from newsloom.store import SQLStore, open_store, schema
from newsloom.store.media import MediaStore
from tests.conftest import article_html
from tests.media.cdn import ImageServer

STORMS = 4


def write_pages(directory: Path, image_base: str) -> list[str]:
    """Four reports of one storm, each with its own picture; returns the pictures' URLs."""
    directory.mkdir(parents=True, exist_ok=True)
    urls = []
    for number in range(STORMS):
        url = f"{image_base}/pics/storm-{number}.jpg"
        figure = (
            f'<figure><img src="{url}" alt="Flooded street {number}"><figcaption>Flooded street</figcaption></figure>'
        )
        html = article_html(
            title=f"Storm report number {number}",
            canonical=f"https://news.example.com/storm-{number}",
            body_prefix=figure,
        )
        (directory / f"storm-{number}.html").write_text(html, encoding="utf-8")
        urls.append(url)
    return urls


def store_without_later_stages(settings: Settings, pages: Path) -> list[int]:
    """What a killed ``newsloom import`` leaves: every page stored (its "import:" line printed), then ``kill -9``
    before the batch stages ran."""
    store = open_store(settings)
    try:
        results = [process_page(page, store) for page in iter_local_pages([pages])]
    finally:
        store.close()
    assert [result.outcome for result in results] == [Outcome.NEW] * STORMS
    return [result.article_id for result in results if result.article_id is not None]


def waiting(store: SQLStore) -> dict[str, int]:
    """Articles each batch stage has not handled yet."""
    a = schema.articles
    unchecked = sa.and_(a.c.story_id.is_(None), a.c.story_checked_at.is_(None))
    with store.engine.connect() as conn:

        def count(condition: sa.ColumnElement[bool]) -> int:
            return int(conn.execute(sa.select(sa.func.count()).select_from(a).where(condition)).scalar_one())

        return {
            "enrichment": count(a.c.enriched_at.is_(None)),
            "stories": count(unchecked),
            "media": count(a.c.media_checked_at.is_(None)),
        }


def assert_finished(store: SQLStore, image_urls: list[str], settings: Settings) -> None:
    assert waiting(store) == {"enrichment": 0, "stories": 0, "media": 0}
    with store.engine.connect() as conn:
        stories = conn.execute(sa.select(sa.func.count(sa.distinct(schema.articles.c.story_id)))).scalar_one()
    assert stories == 1  # four reports of one storm: one story
    found = MediaStore(store.engine).lookup(image_urls)
    assert sorted(found) == sorted(image_urls)
    assert all(media.ok for media in found.values()), {url: media.reason for url, media in found.items()}
    storage = LocalMediaStorage(settings.resolved_media_dir)
    for media in found.values():
        assert media.digest is not None and media.widths
        assert storage.read(f"{media.digest[:2]}/{media.digest}-{media.widths[0]}.jpg") is not None


def assert_pages_stored(store: SQLStore, settings: Settings) -> None:
    """Every article's page stored by the pages stage, valid, and what a live render of it is now."""
    from newsloom.web.portal import Portal
    from tests.support.stored_pages import live

    portal = Portal(settings, store)
    with store.engine.connect() as conn:
        ids = list(conn.execute(sa.select(schema.articles.c.id)).scalars())
    assert len(ids) == STORMS
    for article_id in ids:
        found = portal.blocks.page(article_id, settings.edition_list[0], "")
        assert found is not None, article_id
        assert found[1] == live(portal, article_id, settings.edition_list[0], "")


@pytest.mark.slow  # a real import process, killed
def test_rerun_of_a_killed_import_finishes_enrichment_stories_and_pictures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The fetcher's guard refuses loopback unless allowed: the stand-in CDN is on 127.0.0.1.
    environment = {"NEWSLOOM_ALLOW_NETWORKS": "127.0.0.0/8", "NEWSLOOM_CRAWL_MIN_DELAY": "0"}
    settings = Settings(data_dir=data, allow_networks="127.0.0.0/8", crawl_min_delay=0.0)
    with ImageServer() as server:
        image_urls = write_pages(tmp_path / "pages", f"http://127.0.0.1:{server.port}")
        ids = store_without_later_stages(settings, tmp_path / "pages")
        store = open_store(settings)
        try:
            assert waiting(store) == {"enrichment": STORMS, "stories": STORMS, "media": STORMS}
            assert sorted(MediaStore(store.engine).image_urls(ids, 5)) == sorted(image_urls)
        finally:
            store.close()

        rerun = subprocess.run(
            [sys.executable, "-m", "newsloom", "--data-dir", str(data), "import", str(tmp_path / "pages")],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **environment},
        )
        assert rerun.returncode == 0, rerun.stderr
        assert f"import: 0 new, 0 updated, {STORMS} skipped, 0 failed" in rerun.stdout
        assert f"stories: 1 new, {STORMS} articles linked" in rerun.stdout
        assert f"images: {STORMS} stored" in rerun.stderr
        assert f"pages: {STORMS} article pages stored" in rerun.stderr
        assert all(server.hits[f"/pics/storm-{n}.jpg"] == 1 for n in range(STORMS)), server.hits

    store = open_store(settings)
    try:
        assert_finished(store, image_urls, settings)
        assert_pages_stored(store, settings)  # the import's pages stage stored them: no ``newsloom prerender``
    finally:
        store.close()


def test_a_crawl_round_that_stores_nothing_finishes_what_another_process_stored(tmp_path: Path) -> None:
    """``newsloom crawl`` / ``run``: the round polls no feed and stores nothing, yet the batch stages run over the
    articles an import killed before its stages left behind, with the crawler's own fetcher (and no extraction
    processes: the round fetches no page for them, and starting and stopping them took seconds)."""
    settings = Settings(data_dir=tmp_path / "data", allow_networks="127.0.0.0/8", crawl_min_delay=0.0, crawl_workers=0)
    with ImageServer() as server:
        image_urls = write_pages(tmp_path / "pages", f"http://127.0.0.1:{server.port}")
        store_without_later_stages(settings, tmp_path / "pages")
        store = open_store(settings)
        try:

            async def crawl_round() -> None:
                async with Crawler(settings, store) as crawler:
                    report = await crawler.run_once()
                assert report.pages_fetched == 0
                assert report.stories.articles_linked == STORMS and report.media["stored"] == STORMS

            asyncio.run(crawl_round())
            assert_finished(store, image_urls, settings)
        finally:
            store.close()


def test_the_stages_run_in_one_order_and_a_second_run_finds_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", allow_networks="127.0.0.0/8", crawl_min_delay=0.0)
    with ImageServer() as server:
        image_urls = write_pages(tmp_path / "pages", f"http://127.0.0.1:{server.port}")
        store_without_later_stages(settings, tmp_path / "pages")
        store = open_store(settings)
        try:
            batch = Batch(store, settings, pages=page_stage)  # as the CLI sets it (the web layer stores pages)
            heard: list[str] = []
            first = asyncio.run(batch.run(on_stage=heard.append))
            assert heard == ["media", "stories", "enrichment", "pages"]  # translation: no backend configured
            assert first.enrichment is not None and first.enrichment.articles == STORMS
            assert first.pages == STORMS
            assert_finished(store, image_urls, settings)
            assert_pages_stored(store, settings)
            again = asyncio.run(batch.run())
            assert again.pages == 0  # nothing written since: every page still valid
            assert again.stories.articles_linked == 0 and again.enrichment is not None
            assert again.enrichment.articles == 0
            assert again.media is not None and again.media.counts["stored"] == 0
        finally:
            store.close()
    assert all(server.hits[f"/pics/storm-{n}.jpg"] == 1 for n in range(STORMS)), server.hits
