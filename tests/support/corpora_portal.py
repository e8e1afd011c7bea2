"""A live portal over a store built from slices of the shared corpora, a translated pair, an untranslated
Vietnamese article and a story, at a public base URL: what the SEO signal and target-size tests read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from newsloom.fetch.local import iter_local_pages
from newsloom.pipeline import Outcome, process_page
from newsloom.settings import Settings
from newsloom.store import SQLStore
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


def serve_corpora(settings: Settings, store: SQLStore, syndication: str) -> Iterator[Served]:
    named = store_editions(store)
    ids = [*named.values(), *import_slices(store)]
    story_id = StoryStore(store.engine).create_story(
        "Bão số 13", [named["original"], named["untranslated"]], datetime.now(UTC)
    )
    chosen = settings.model_copy(update={"base_url": BASE, "syndication": syndication})
    with LiveServer(create_app(chosen, store)) as server:
        yield Served(server.url, ids, named, story_id, syndication)
