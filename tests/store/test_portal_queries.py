"""Related-article blocks built from shared per-name lists, checked against the plain definition on a real store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from newsloom.model import Article
from newsloom.store import SQLStore
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.stories import StoryStore
from newsloom.text import slugify
from tests.support.articles import make_article

T = TypeVar("T")
TAGS = ["Climate", "Storms", "Floods", "Energy"]
AUTHORS = ["Jane Roe", "John Doe", "Sam Poe"]
SECTIONS = ["World", "Sport", "Science"]


def seed(store: SQLStore, count: int = 24) -> list[int]:
    ids = []
    for number in range(1, count + 1):
        article = make_article(
            number,
            tags=[TAGS[number % 4], TAGS[(number * 3) % 4]],
            authors=[AUTHORS[number % 3]],
            section=SECTIONS[number % 3],
        )
        ids.append(store.upsert_article(article).article_id)
    store.set_hidden(ids[-2], True)  # among the newest of its tags and section: must never show
    StoryStore(store.engine).create_story("A story", ids[:6], datetime.now(UTC))
    return ids


def expected_related(store: SQLStore, article: Article, limit: int = 5) -> dict[str, list[int]]:
    """The definition, computed the slow way: every other visible article sharing the name, newest first."""
    others = [a for a in store.latest_articles(1000) if a.id != article.id]

    def shares(kind: str, other: Article) -> bool:
        if kind == "tag":
            return bool({slugify(t) for t in other.tags} & {slugify(t) for t in article.tags})
        if kind == "author":
            return bool({slugify(n) for n in other.authors} & {slugify(n) for n in article.authors})
        if kind == "category":
            return article.section is not None and other.section == article.section
        return article.story_id is not None and other.story_id == article.story_id

    return {kind: [a.id for a in others if shares(kind, a)][:limit] for kind in ("tag", "category", "author", "story")}


class CountingCache:
    def __init__(self) -> None:
        self.values: dict[tuple[object, ...], object] = {}
        self.builds = 0

    def __call__(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        if key not in self.values:
            self.builds += 1
            self.values[key] = build()
        return self.values[key]  # type: ignore[return-value]


def test_related_blocks_are_the_newest_sharing_articles_with_or_without_a_shared_cache(store: SQLStore) -> None:
    ids = seed(store)
    queries = PortalQueries(store.engine)
    cache = CountingCache()
    for article_id in ids:
        article = store.get_article(article_id, include_hidden=True)
        assert article is not None
        want = expected_related(store, article)
        plain = queries.related(article)
        shared = queries.related(article, shared=cache)
        assert {kind: [a.id for a in items] for kind, items in plain.items()} == want, article_id
        assert {kind: [a.id for a in items] for kind, items in shared.items()} == want, article_id
    # 4 tags + 3 sections + 3 authors + 1 story: each list built once, however many articles share it.
    assert cache.builds == 11


def test_shared_lists_are_keyed_by_what_they_hold(store: SQLStore) -> None:
    ids = seed(store, 6)
    cache = CountingCache()
    queries = PortalQueries(store.engine)
    first = store.get_article(ids[0])
    assert first is not None
    queries.related(first, shared=cache)
    assert ("newest", "tag", slugify(first.tags[0]), 6) in cache.values
    assert ("newest", "category", first.section, 6) in cache.values
