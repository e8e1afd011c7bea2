"""A live portal over a store seeded with related articles: shared tags, sections, authors, a story, outlets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from newsloom.model import Attribution, AttributionKind
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.conftest import LiveServer
from tests.store.test_store import make_article


@dataclass
class Site:
    url: str
    store: SQLStore
    ids: list[int]
    story_id: int
    app: Any = None

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)


@pytest.fixture
def site(tmp_path, settings: Settings, store: SQLStore) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    ids = []
    for number in range(1, 6):
        article = make_article(number)
        if number == 4:
            article.url = article.canonical_url = "https://other.example.org/story-4"
            article.site_name = "Other Daily"
            article.section = "Sport"
            article.tags = ["Football"]
            article.authors = ["Sam Poe"]
            article.attribution = [Attribution(AttributionKind.ACCORDING_TO, name="Example News")]
        ids.append(store.upsert_article(article).article_id)
    story_id = StoryStore(store.engine).create_story("Storms hit the coast", [ids[0], ids[3]], datetime.now(UTC))
    portal_settings = settings.model_copy(update={"comment_policy": "moderate"})
    app = create_app(portal_settings, store)
    with LiveServer(app) as server:
        yield Site(server.url, store, ids, story_id, app)
