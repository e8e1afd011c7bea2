"""A portal over a store seeded with related articles: shared tags, sections, authors, a story, outlets.

``site.client()`` talks to the app in-process; ``site.url`` starts a real uvicorn for the test on first use (see
tests/support/web.py), so only the tests that need a socket pay for one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsloom.model import Attribution, AttributionKind
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.support.articles import make_article
from tests.support.editions import Editions, store_editions
from tests.support.web import AppServer, Site

__all__ = ["Site"]  # importable from here, as it always was


def seed_site(store: SQLStore) -> tuple[list[int], int]:
    """Five articles, the fourth from another outlet, section, tag and author; a story of the first and fourth."""
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
    return ids, story_id


@pytest.fixture
def site(tmp_path: Path, settings: Settings, store: SQLStore) -> Iterator[Site]:
    ids, story_id = seed_site(store)
    portal_settings = settings.model_copy(update={"comment_policy": "moderate"})
    with AppServer(create_app(portal_settings, store)) as server:
        yield Site(server, store, ids, story_id)


@pytest.fixture
def editions(settings: Settings, store: SQLStore) -> Iterator[Editions]:
    """A portal over ``store_editions``: ``editions.client()`` in-process, ``editions.url`` a real server on demand."""
    ids = store_editions(store)
    with AppServer(create_app(settings, store)) as server:
        yield Editions(server, store, **ids)
