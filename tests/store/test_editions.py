"""What a language edition lists: what its readers can read (originals in its language, translations into it), each
original once; with ``untranslated`` (``editions_readable_only`` off), also the originals in other languages with no
visible translation into it; translations into other languages always left out. ``other_than`` lists the rest."""

from __future__ import annotations

from newsloom.store import SQLStore
from newsloom.store.base import Cursor
from newsloom.store.portal_queries import PortalQueries
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

    def listed(edition: str, untranslated: bool = False) -> set[int]:
        return {a.id for a in store.latest_articles(20, edition=edition, untranslated=untranslated)}  # type: ignore[misc]

    def other(edition: str) -> set[int]:
        return {a.id for a in store.latest_articles(20, other_than=edition)}  # type: ignore[misc]

    assert listed("en") == {english, native}
    assert listed("vi") == {original, lone}
    assert listed("fr") == {french}
    assert listed("en", untranslated=True) == {english, lone, native, unknown}
    assert listed("vi", untranslated=True) == {original, lone, native, unknown}
    assert listed("fr", untranslated=True) == {french, lone, native, unknown}
    # Every original is either readable in an edition or on its "Other languages" page, never both.
    assert (
        other("en") == {lone, unknown} and other("vi") == {native, unknown} and other("fr") == {lone, native, unknown}
    )
    assert {a.id for a in store.latest_articles(20, language="en")} == {english, native}
    # A hidden translation does not stand in for its original.
    store.set_hidden(english, True)
    assert listed("en") == {native} and other("en") == {original, lone, unknown}
    assert listed("en", untranslated=True) == {original, lone, native, unknown}


def test_edition_listing_pages_by_cursor_without_repeats(store: SQLStore) -> None:
    ids = [stored(store, n, "vi") for n in range(1, 8)]
    for n, original in enumerate(ids[::2], start=20):
        stored(store, n, "en", translated_from=original)
    first = store.latest_articles(3, edition="en", untranslated=True)
    after = Cursor(first[-1].listed_at, first[-1].id)  # type: ignore[arg-type]
    rest = store.latest_articles(20, edition="en", untranslated=True, before=after)
    shown = [a.id for a in first + rest]
    assert len(shown) == len(set(shown)) == 7
    readable = store.latest_articles(2, edition="en")
    after = Cursor(readable[-1].listed_at, readable[-1].id)  # type: ignore[arg-type]
    shown = [a.id for a in readable + store.latest_articles(20, edition="en", before=after)]
    assert len(shown) == len(set(shown)) == 4  # the four translations


def test_in_edition_swaps_to_the_edition_version_and_drops_repeats(store: SQLStore) -> None:
    queries = PortalQueries(store.engine)
    original = stored(store, 1, "vi")
    english = stored(store, 2, "en", translated_from=original)
    french = stored(store, 3, "fr", translated_from=original)
    lone = stored(store, 4, "vi")
    articles = [store.get_article(i) for i in (original, lone, english, french)]
    shown = queries.in_edition(articles, "en", untranslated=True)  # type: ignore[arg-type]
    assert [a.id for a in shown] == [english, lone]
    assert [a.id for a in queries.in_edition(articles, "en")] == [english]  # type: ignore[arg-type]
    shown = queries.in_edition(articles, "vi")  # type: ignore[arg-type]
    assert [a.id for a in shown] == [original, lone]
    # Related lists on an article's own page leave out its other editions.
    kept = queries.in_edition(articles, "en", exclude=articles[2], untranslated=True)  # type: ignore[arg-type]
    assert [a.id for a in kept] == [lone]


def test_regional_language_tags_belong_to_their_language_edition(store: SQLStore) -> None:
    queries = PortalQueries(store.engine)
    american = stored(store, 1, "en-US")
    british = stored(store, 2, "en_GB")
    original = stored(store, 3, "vi-VN")
    translation = stored(store, 4, "EN", translated_from=original)
    assert {a.id for a in store.latest_articles(20, edition="en")} == {american, british, translation}
    assert {a.id for a in store.latest_articles(20, language="en")} == {american, british, translation}
    assert {a.id for a in store.latest_articles(20, edition="vi")} == {original}
    assert {a.id for a in store.latest_articles(20, edition="vi", untranslated=True)} == {american, british, original}
    articles = [store.get_article(i) for i in (original, american)]
    assert [a.id for a in queries.in_edition(articles, "en")] == [translation, american]  # type: ignore[arg-type]
