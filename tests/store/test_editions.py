"""What a language edition lists: each original once, as its translation into the edition's language when there
is a visible one, else as itself; translations into other languages left out."""

from __future__ import annotations

from newsloom.store import SQLStore
from newsloom.store.base import Cursor
from newsloom.store.portal import PortalQueries
from tests.support.articles import make_article


def stored(store: SQLStore, number: int, language: str, translated_from: int | None = None) -> int:
    article = make_article(number, title=f"{language} {number}", language=language, translated_from=translated_from)
    return store.upsert_article(article).article_id


def test_edition_listing_shows_each_original_once(store: SQLStore) -> None:
    original = stored(store, 1, "vi")
    english = stored(store, 2, "en", translated_from=original)
    french = stored(store, 3, "fr", translated_from=original)
    lone = stored(store, 4, "vi")
    native = stored(store, 5, "en")
    unknown = store.upsert_article(make_article(6, language=None)).article_id

    def listed(edition: str) -> set[int]:
        return {a.id for a in store.latest_articles(20, edition=edition)}  # type: ignore[misc]

    assert listed("en") == {english, lone, native, unknown}
    assert listed("vi") == {original, lone, native, unknown}
    assert listed("fr") == {french, lone, native, unknown}
    assert {a.id for a in store.latest_articles(20, language="en")} == {english, native}
    # A hidden translation does not stand in for its original.
    store.set_hidden(english, True)
    assert listed("en") == {original, lone, native, unknown}


def test_edition_listing_pages_by_cursor_without_repeats(store: SQLStore) -> None:
    ids = [stored(store, n, "vi") for n in range(1, 8)]
    for n, original in enumerate(ids[::2], start=20):
        stored(store, n, "en", translated_from=original)
    first = store.latest_articles(3, edition="en")
    rest = store.latest_articles(20, edition="en", before=Cursor(first[-1].listed_at, first[-1].id))  # type: ignore[arg-type]
    shown = [a.id for a in first + rest]
    assert len(shown) == len(set(shown)) == 7


def test_in_edition_swaps_to_the_edition_version_and_drops_repeats(store: SQLStore) -> None:
    queries = PortalQueries(store.engine)
    original = stored(store, 1, "vi")
    english = stored(store, 2, "en", translated_from=original)
    french = stored(store, 3, "fr", translated_from=original)
    lone = stored(store, 4, "vi")
    articles = [store.get_article(i) for i in (original, lone, english, french)]
    shown = queries.in_edition(articles, "en")  # type: ignore[arg-type]
    assert [a.id for a in shown] == [english, lone]
    shown = queries.in_edition(articles, "vi")  # type: ignore[arg-type]
    assert [a.id for a in shown] == [original, lone]
    # Related lists on an article's own page leave out its other editions.
    assert [a.id for a in queries.in_edition(articles, "en", exclude=articles[2])] == [lone]  # type: ignore[arg-type]


def test_regional_language_tags_belong_to_their_language_edition(store: SQLStore) -> None:
    queries = PortalQueries(store.engine)
    american = stored(store, 1, "en-US")
    british = stored(store, 2, "en_GB")
    original = stored(store, 3, "vi-VN")
    translation = stored(store, 4, "EN", translated_from=original)
    assert {a.id for a in store.latest_articles(20, edition="en")} == {american, british, translation}
    assert {a.id for a in store.latest_articles(20, language="en")} == {american, british, translation}
    assert {a.id for a in store.latest_articles(20, edition="vi")} == {american, british, original}
    articles = [store.get_article(i) for i in (original, american)]
    assert [a.id for a in queries.in_edition(articles, "en")] == [translation, american]  # type: ignore[arg-type]
