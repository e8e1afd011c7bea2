"""Stories across languages: an original is grouped by its translated edition's text and language."""

from __future__ import annotations

from newsloom.enrich.stories import StoryDoc
from newsloom.store import SQLStore
from newsloom.store.translations import TranslationStore
from tests.support.articles import make_article


def test_an_original_is_grouped_as_its_edition_in_the_editions_language(store: SQLStore) -> None:
    """A Vietnamese original with an English edition must be read as English (the stories stage reads Vietnamese
    by syllable pairs, at its own threshold); an original without an edition keeps its text and language."""
    original = store.upsert_article(make_article(1, title="Bão số ba", language="vi")).article_id
    english = make_article(2, title="Typhoon Three makes landfall", language="en", translated_from=original)
    store.upsert_article(english)
    lone = store.upsert_article(make_article(3, title="Hội chợ mùa xuân", language="vi")).article_id
    docs = [StoryDoc(original, "Bão số ba", "văn bản", language="vi"), StoryDoc(lone, "Hội chợ", "văn", language="vi")]
    read = TranslationStore(store.engine).with_translated_text(docs)
    assert (read[0].title, read[0].language) == ("Typhoon Three makes landfall", "en")
    assert (read[1].title, read[1].text, read[1].language) == ("Hội chợ", "văn", "vi")
