"""The workers' hints to the batch stages: taken only for the very text they were computed on, once, bounded."""

from __future__ import annotations

import numpy as np

from newsloom.copy_signatures import signature
from newsloom.enrich.tags.merge import merge_tags
from newsloom.enrich.tags.ner import Entity
from newsloom.model import Article, Block, BlockKind
from newsloom.pipeline.hints import ArticleHints, Hints, _digest, compute_hints, entity_text

BODY = " ".join(f"Sentence number {n} of a report long enough to be signed for copies." for n in range(20))


def article(body: str = BODY) -> Article:
    return Article(
        url="https://example.com/a",
        canonical_url="https://example.com/a",
        title="A report",
        lead="Its lead.",
        language="en",
        blocks=[Block(BlockKind.PARAGRAPH, body)],
    )


def test_a_signature_is_the_one_the_stage_would_compute_and_only_for_the_same_body() -> None:
    hints = compute_hints(article(), entity_tags=False)
    assert hints.entities is None  # entity tags off: left to the stage (which skips them)
    book = Hints()
    book.add(1, hints, new=True)
    book.add(2, hints, new=True)
    book.add(3, hints, new=False)  # an updated article is not signed again: nothing filed
    known, values = book.signature(1, BODY)
    expected = signature(BODY)
    assert known and values is not None and expected is not None and np.array_equal(values, expected)
    assert book.signature(1, BODY) == (False, None)  # taken once
    assert book.signature(2, BODY + " Cut to the size caps after the worker.") == (False, None)
    assert book.signature(3, BODY) == (False, None)
    assert (book.used, book.missed) == (1, 1)


def test_a_body_too_short_to_sign_is_known_to_have_no_signature() -> None:
    book = Hints()
    book.add(1, compute_hints(article("Too short."), entity_tags=False), new=True)
    assert book.signature(1, "Too short.") == (True, None)


def test_entities_are_taken_only_for_the_same_language_and_text() -> None:
    text = entity_text("A report", "Its lead.", BODY)
    found = (Entity("Jane Roe", "person"),)
    book = Hints()
    for article_id in (1, 2, 3):
        book.add(article_id, ArticleHints(_digest("en", text), found), new=False)
    assert book.entities(1, "en", "A report", "Its lead.", BODY) == [Entity("Jane Roe", "person")]
    assert book.entities(1, "en", "A report", "Its lead.", BODY) is None  # taken once
    assert book.entities(2, "vi", "A report", "Its lead.", BODY) is None  # another language
    assert book.entities(3, "en", "A report", "Another lead.", BODY) is None  # the text changed
    # the recogniser reads the start of the text: a change past it changes nothing
    book.add(4, ArticleHints(_digest("en", text), found), new=False)
    assert book.entities(4, "en", "A report", "Its lead.", BODY + " More text at the end.") == list(found)


def test_hints_are_bounded_oldest_first() -> None:
    book = Hints(limit=2)
    hints = compute_hints(article(), entity_tags=False)
    for article_id in (1, 2, 3):
        book.add(article_id, hints, new=True)
    assert len(book) == 4  # a signature and merged tags for each of the last two
    assert book.signature(1, BODY) == (False, None)
    assert book.signature(3, BODY)[0]


def test_merged_tags_are_the_stages_and_only_for_the_same_inputs() -> None:
    tagged = article()
    tagged.tags = ["Storms", "Coast"]
    book = Hints()
    for article_id in (1, 2, 3):
        book.add(article_id, compute_hints(tagged, entity_tags=False), new=True)
    inputs = ("en", "A report", "Its lead.", BODY)
    assert book.tags(1, False, *inputs, ["Storms", "Coast"]) == merge_tags(
        ["Storms", "Coast"], [], "A report", "Its lead."
    )
    assert book.tags(2, False, *inputs, ["Storms"]) is None  # cut to the caps after the worker
    assert book.tags(3, True, *inputs, ["Storms", "Coast"]) is None  # computed with entity tags off
