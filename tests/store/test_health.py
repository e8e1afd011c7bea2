"""Extraction health per outlet: an outlet's pages, then the same outlet's pages after a redesign that dropped the
date and byline markup, through the real pipeline into a real SQLite store → the outlet is flagged for those fields."""

from __future__ import annotations

from newsloom.model import FetchedPage
from newsloom.pipeline import Outcome, process_page
from newsloom.store import SQLStore
from newsloom.store.health import ExtractionHealth
from tests.support.pages import START, feed, outlet_page


def test_an_outlet_losing_its_date_and_byline_markup_is_flagged(store: SQLStore) -> None:
    feed(store, "redesigned.example", range(10), per_day=3)
    feed(store, "steady.example", range(13), per_day=3)
    health = ExtractionHealth(store.engine)
    assert health.flagged() == []
    before = health.outlet(health.outlets()[0].source_id)
    assert before is not None and before.recent == dict.fromkeys(before.recent, 1.0)

    feed(store, "redesigned.example", range(10, 13), per_day=3, redesigned=True)
    flagged = health.flagged()
    assert [outlet.slug for outlet in flagged] == ["redesigned-example"]
    assert flagged[0].dropped == ["date", "authors"]
    assert flagged[0].recent["date"] == 0.0 and flagged[0].baseline["date"] == 1.0
    assert flagged[0].recent["title"] == 1.0  # the rest of the extraction still works
    days = health.daily(flagged[0].source_id)
    assert len(days) == 13 and days[-1].articles == 3 and days[-1].shares["authors"] == 0.0
    assert days[0].shares["authors"] == 1.0


def test_reimporting_counts_nothing_twice(store: SQLStore) -> None:
    feed(store, "once.example", range(2), per_day=2)
    for day in range(2):
        for index in range(2):
            number = day * 100 + index
            page = FetchedPage(outlet_page("once.example", number), origin="again", fetched_at=START)
            assert process_page(page, store).outcome == Outcome.SKIPPED
    days = ExtractionHealth(store.engine).daily(ExtractionHealth(store.engine).outlets()[0].source_id)
    assert [day.articles for day in days] == [2, 2]


def test_too_few_articles_flag_nothing(store: SQLStore) -> None:
    feed(store, "small.example", range(2), per_day=2)
    feed(store, "small.example", range(2, 3), per_day=2, redesigned=True)
    outlet = ExtractionHealth(store.engine).outlets()[0]
    assert outlet.recent_articles >= 2 and not outlet.flagged
