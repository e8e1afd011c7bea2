"""Template memory: blocks an outlet repeats on its other stored articles leave a new article's body."""

from __future__ import annotations

from newsloom.extract.template import drop_template_blocks, repeated_keys
from newsloom.model import Article, Block, BlockKind, FetchedPage
from newsloom.pipeline import Outcome, process_page
from newsloom.store import SQLStore
from tests.conftest import article_html

BOX = "The Harbour Gazette is an independent newspaper founded in 1901 and owned by its readers."


def article(*texts: str) -> Article:
    return Article(url="u", canonical_url="u", title="t", blocks=[Block(BlockKind.PARAGRAPH, text=t) for t in texts])


def test_a_block_on_two_other_pages_is_template() -> None:
    long = "A long paragraph of the article's own reporting about the harbour and its fishing fleet. " * 3
    keys = repeated_keys([[BOX, "other one"], [BOX.upper(), "other two"], ["other three"]])
    assert keys == {" ".join(BOX.split()).casefold()}
    assert drop_template_blocks(article(long, BOX), keys).body == long.strip()
    assert repeated_keys([[BOX], ["x"]]) == set()  # on one other page only: maybe a quote


def test_a_copy_of_the_same_article_is_not_cut_down() -> None:
    same = ["First paragraph of a story told twice.", "Second paragraph of a story told twice."]
    keys = repeated_keys([same, same])
    assert drop_template_blocks(article(*same), keys).body == "\n\n".join(same)


def test_the_pipeline_learns_the_outlet_template_from_stored_pages(store: SQLStore) -> None:
    bodies = []
    for number in range(4):
        own = "".join(
            f"<p>Report {number}, part {part}: the harbour master counted {number * 7 + part} boats leaving before "
            f"dawn, and crews on pier {part} said the {number}-day closure had cost them a week of catches.</p>"
            for part in range(5)
        )
        html = article_html(
            title=f"Harbour report number {number}",
            canonical=f"https://gazette.example/harbour-{number}",
            paragraphs=0,
            body_prefix=f"{own}<p>{BOX}</p>",
        )
        page = FetchedPage(html.encode(), origin=f"p{number}")
        result = process_page(page, store)
        assert result.outcome == Outcome.NEW and result.article_id is not None
        stored = store.get_article(result.article_id)
        assert stored is not None
        bodies.append(stored.body)
    assert [BOX in body for body in bodies] == [True, True, False, False]
    assert all(f"Report {number}, part 4" in body for number, body in enumerate(bodies))


def test_the_outlets_page_keys_are_read_again_only_when_a_page_changes(store: SQLStore) -> None:
    """``outlet_page_keys`` keeps each stored page's keys by its content hash: the same pages, the same keys as
    reading every page again (``outlet_pages``), and a changed page is read anew."""
    from newsloom.extract.template import page_keys, repeated_among
    from newsloom.store.templates import outlet_page_keys, outlet_pages

    def stored(number: int, extra: str = "") -> Article:
        texts = [f"Report {number} of the harbour, long enough to count.", BOX, *([extra] if extra else [])]
        url = f"https://gazette.example/{number}"
        page = Article(
            url=url, canonical_url=url, title=f"Report {number}", blocks=[Block(BlockKind.PARAGRAPH, t) for t in texts]
        )
        store.upsert_article(page)
        return page

    for number in range(4):
        stored(number)
    new = stored(9)

    def both() -> tuple[list[frozenset[str]], list[frozenset[str]]]:
        return outlet_page_keys(store.engine, new), [page_keys(texts) for texts in outlet_pages(store.engine, new)]

    cached, read = both()
    assert cached == read and len(read) == 4
    assert repeated_among(cached) == {" ".join(BOX.split()).casefold()}
    stored(2, extra="A correction the paper added to its second report, at some length.")
    cached, read = both()
    assert cached == read
    assert any("correction" in key for keys in cached for key in keys)
