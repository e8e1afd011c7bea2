"""A live portal over a store built from slices of the shared corpora, a translated pair, an untranslated
Vietnamese article and a story, at a public base URL: what the SEO signal and target-size tests read.

The store is built once a process (importing the slices through the pipeline is about a second of CPU) and each
test's empty SQLite store is overwritten with a copy of it, so every test still gets a store of its own to change.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from newsloom.fetch.local import iter_local_pages
from newsloom.pipeline import Outcome, process_page
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.conftest import CORPORA, LiveServer
from tests.support.editions import store_editions

BASE = "https://news.example.vn"
SLICES = {"vietnamese-news/html": 3, "fundus-publishers/html": 3, "article-extraction-benchmark/html": 2}


@dataclass
class Served:
    url: str
    ids: list[int]
    named: dict[str, int]
    story_id: int
    syndication: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=20)


def import_slices(store: SQLStore, slices: dict[str, int] = SLICES) -> list[int]:
    """The first ``count`` pages of each corpus directory, through the pipeline; the ids stored."""
    stored = []
    for corpus, count in slices.items():
        directory = CORPORA / corpus
        files = sorted(p for p in directory.iterdir() if p.is_file())[:count] if directory.exists() else []
        for page in iter_local_pages(files):
            result = process_page(page, store)
            if result.outcome in (Outcome.NEW, Outcome.UPDATED) and result.article_id is not None:
                stored.append(result.article_id)
    return stored


@dataclass(frozen=True)
class _Built:
    path: Path
    ids: list[int]
    named: dict[str, int]
    story_id: int


_built: list[_Built] = []


def _fill(store: SQLStore) -> tuple[list[int], dict[str, int], int]:
    named = store_editions(store)
    ids = [*named.values(), *import_slices(store)]
    story_id = StoryStore(store.engine).create_story(
        "Bão số 13", [named["original"], named["untranslated"]], datetime.now(UTC)
    )
    return ids, named, story_id


def _template() -> _Built:
    """The filled store, built on first use in this process into a directory removed when the process ends."""
    if not _built:
        directory = Path(tempfile.mkdtemp(prefix="corpora-portal-"))
        atexit.register(shutil.rmtree, directory, True)
        store = open_store(Settings(data_dir=directory))
        ids, named, story_id = _fill(store)
        store.close()  # the last connection: the WAL is folded into the file
        _built.append(_Built(directory / "newsloom.db", ids, named, story_id))
    return _built[0]


def _is_empty_sqlite(store: SQLStore) -> bool:
    if store.engine.dialect.name != "sqlite" or not store.engine.url.database:
        return False
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 0


def serve_corpora(settings: Settings, store: SQLStore, syndication: str) -> Iterator[Served]:
    if _is_empty_sqlite(store):
        built = _template()
        store.engine.dispose()  # no connection open while the file's pages are replaced
        source, target = sqlite3.connect(built.path), sqlite3.connect(str(store.engine.url.database))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        ids, named, story_id = list(built.ids), dict(built.named), built.story_id
    else:
        ids, named, story_id = _fill(store)
    chosen = settings.model_copy(update={"base_url": BASE, "syndication": syndication})
    with LiveServer(create_app(chosen, store)) as server:
        yield Served(server.url, ids, named, story_id, syndication)
