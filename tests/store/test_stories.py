"""The stories stage over a real SQLite store: stories are written once, lone articles wait, re-runs change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from newsloom.pipeline import update_stories
from newsloom.store import SQLStore, schema
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.stories import StoryStore
from tests.support.articles import FLOOD, JACKSON, MERRIMAN, OTHER, T0
from tests.support.articles import store_article as _store_article


def _story_of(store: SQLStore, article_id: int) -> int | None:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(schema.articles.c.story_id).where(schema.articles.c.id == article_id)).scalar()


def _story(store: SQLStore, first: int, reports: list[tuple[float, str]], now: datetime) -> int:
    """A story of reports numbered from ``first``, each (hours after T0, outlet)."""
    ids = [
        _store_article(store, first + n, f"Report {first + n}", f"Text of report {first + n}.", hours, outlet)
        for n, (hours, outlet) in enumerate(reports)
    ]
    return StoryStore(store.engine).create_story(f"Story {first}", ids, now)


def test_stories_are_written_once_and_later_reports_join_them(store: SQLStore) -> None:
    first = _store_article(store, 1, "Elbe floods Dresden", FLOOD.format(town="Dresden", day="Monday"), 0)
    second = _store_article(store, 2, "Dresden under water", FLOOD.format(town="Dresden", day="Tuesday"), 5)
    lone = [_store_article(store, 10 + i, text[:40], text, i) for i, text in enumerate(OTHER)]
    changes = update_stories(store)
    assert (changes.stories_created, changes.articles_linked) == (1, 2)
    story = _story_of(store, first)
    assert story is not None and _story_of(store, second) == story
    assert all(_story_of(store, article_id) is None for article_id in lone)
    assert update_stories(store).articles_linked == 0  # a re-run changes nothing

    third = _store_article(store, 3, "Elbe floods reach Meissen", FLOOD.format(town="Meissen", day="Wednesday"), 30)
    assert update_stories(store).stories_created == 0
    assert _story_of(store, third) == story
    found = PortalQueries(store.engine).story(story)
    assert found is not None
    row, members = found
    assert row.title == "Elbe floods Dresden"  # the first report's headline
    assert [m.id for m in members] == [first, second, third]
    assert row.first_published == T0 and row.last_published == T0 + timedelta(hours=30)


def test_top_stories_are_the_largest_fresh_ones_of_two_outlets_with_dated_reports(store: SQLStore) -> None:
    from newsloom.model import Story

    queries = PortalQueries(store.engine)
    now = datetime.now(UTC)

    def story(first: int, size: int, hours_ago: float, outlets: int = 2, dated: bool = True) -> int:
        ids = [
            _store_article(
                store,
                first + n,
                f"Report {first + n}",
                f"Text of report {first + n}.",
                -hours_ago,
                outlet=f"Outlet {n % outlets}",
                dated=dated,
            )
            for n in range(size)
        ]
        return StoryStore(store.engine).create_story(f"Story {first}", ids, now)

    old_and_big = story(100, 4, 24 * 10)
    fresh_small = story(200, 2, 1)
    fresh_big = story(300, 3, 5)
    one_outlet = story(400, 5, 2, outlets=1)
    undated = story(500, 6, 0, dated=False)
    statements: list[tuple[str, object]] = []

    def keep(conn: object, cursor: object, statement: str, parameters: object, *rest: object) -> None:
        statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", keep)
    top: list[tuple[Story, int]] = queries.top_stories()
    sa.event.remove(store.engine, "before_cursor_execute", keep)
    assert [(s.id, n) for s, n in top] == [(fresh_big, 3), (fresh_small, 2)]
    assert {old_and_big, one_outlet, undated}.isdisjoint({s.id for s, _ in top})
    # The grouping reads the days' range of the dated-story index, not every article in a story (a million of
    # them in a store that has kept up).
    grouping = next((st, params) for st, params in statements if "GROUP BY" in st)
    with store.engine.connect() as conn:
        plan = " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + grouping[0], grouping[1]))
    assert "ix_articles_story_published" in plan and "ix_articles_story_id" not in plan, plan


def test_a_top_story_counts_only_its_reports_within_a_day_of_its_newest(store: SQLStore) -> None:
    """A story that gathered a topic over days (each day's gold price, from alternating outlets) is not made top by
    its days: only its reports within ``TOP_STORY_BURST`` of its newest count, and their outlets. A story's burst of
    reports ranks it, not its fresh reports over two days."""
    from newsloom.store.portal_queries import TOP_STORY_BURST

    queries = PortalQueries(store.engine)
    now = datetime.now(UTC)

    def story(first: int, reports: list[tuple[float, str]]) -> int:
        return _story(store, first, reports, now)

    newest = 100.0  # hours after T0: the store's newest report
    assert timedelta(days=1) == TOP_STORY_BURST  # the hours below are set against one day
    topic = story(100, [(newest - 46, "Gold Daily"), (newest - 30, "Market Wire"), (newest, "Gold Daily")])
    spread = story(
        200,
        [(newest - 47, "Gold Daily"), (newest - 46, "Market Wire"), (newest - 20, "Gold Daily"), (newest - 19, "X")],
    )
    event = story(300, [(newest - 3, "Gold Daily"), (newest - 2, "Market Wire"), (newest - 1, "Evening Star")])
    pair = story(400, [(newest - 5, "Gold Daily"), (newest - 4, "Market Wire")])
    top = queries.top_stories()
    assert [(s.id, n) for s, n in top] == [(event, 3), (pair, 2), (spread, 2)]
    assert topic not in {s.id for s, _ in top}  # one outlet on its last day
    # with the whole fresh window counted, the topic was top and the spread-out story led
    wide = queries.top_stories(burst=timedelta(days=2))
    assert [(s.id, n) for s, n in wide] == [(spread, 4), (topic, 3), (event, 3), (pair, 2)]


def test_top_stories_fill_from_twice_the_fresh_window_after_the_fresh_ones(store: SQLStore) -> None:
    """An archive whose last two days one outlet alone filled (the Vietnamese stream's 24h) still has top stories:
    the latest of two outlets, from up to twice the fresh window, after any fresh ones; older ones never."""
    queries = PortalQueries(store.engine)
    now = datetime.now(UTC)

    def story(first: int, reports: list[tuple[float, str]]) -> int:
        return _story(store, first, reports, now)

    newest = 200.0
    one_outlet = story(100, [(newest - 2, "Sport Daily"), (newest, "Sport Daily")])
    three_days = story(200, [(newest - 72, "Gold Daily"), (newest - 71, "Market Wire")])
    five_days = story(300, [(newest - 120, "Gold Daily"), (newest - 119, "Market Wire"), (newest - 118, "X")])
    assert [(s.id, n) for s, n in queries.top_stories()] == [(three_days, 2)]
    fresh = story(400, [(newest - 5, "Gold Daily"), (newest - 4, "Market Wire")])
    assert [s.id for s, _ in queries.top_stories()] == [fresh, three_days]
    assert [s.id for s, _ in queries.top_stories(1)] == [fresh]
    assert {one_outlet, five_days}.isdisjoint(s.id for s, _ in queries.top_stories())


def test_a_lone_article_pairs_with_a_later_report_and_is_not_reconsidered_alone(store: SQLStore) -> None:
    first = _store_article(store, 1, "Elbe floods Dresden", FLOOD.format(town="Dresden", day="Monday"), 0)
    for i, text in enumerate(OTHER):
        _store_article(store, 10 + i, text[:40], text, i)
    assert update_stories(store).stories_created == 0  # alone so far: checked, no story
    with store.engine.connect() as conn:
        checked = conn.execute(sa.select(sa.func.count()).where(schema.articles.c.story_checked_at.is_not(None)))
        assert checked.scalar() == 4
    assert update_stories(store).articles_linked == 0  # nothing new: nothing to do
    second = _store_article(store, 2, "Dresden under water", FLOOD.format(town="Dresden", day="Tuesday"), 5)
    changes = update_stories(store)
    assert (changes.stories_created, changes.articles_linked) == (1, 2)
    assert _story_of(store, first) == _story_of(store, second) is not None


def test_a_new_version_of_a_page_keeps_its_story_and_its_hiding(store: SQLStore) -> None:
    first = _store_article(store, 1, "Elbe floods Dresden", FLOOD.format(town="Dresden", day="Monday"), 0)
    _store_article(store, 2, "Dresden under water", FLOOD.format(town="Dresden", day="Tuesday"), 5)
    update_stories(store)
    story = _story_of(store, first)
    with store.engine.begin() as conn:
        conn.execute(schema.articles.update().where(schema.articles.c.id == first).values(hidden=True))
    corrected = FLOOD.format(town="Dresden", day="Monday") + " Correction: the river is the Elbe, not the Oder."
    assert _store_article(store, 1, "Elbe floods Dresden", corrected, 0) == first
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(schema.articles.c.story_id, schema.articles.c.hidden).where(schema.articles.c.id == first)
        ).one()
    assert (row.story_id, row.hidden) == (story, True)


def test_a_story_of_two_look_alike_events_is_stored_as_two(store: SQLStore) -> None:
    def report(number: int, sentences: list[str], who: str, hours: float, outlet: str) -> int:
        return _store_article(
            store, number, f"Chargers {who} arrested on DUI suspicion", " ".join(sentences), hours, outlet
        )

    merriman = [
        report(1, MERRIMAN, "linebacker", 0, "Coast Wire"),
        report(2, MERRIMAN[:2], "linebacker", 1, "Bay Post"),
    ]
    update_stories(store)
    first_story = _story_of(store, merriman[0])
    assert first_story is not None and _story_of(store, merriman[1]) == first_story

    later = [
        report(3, MERRIMAN[1:], "linebacker", 2, "Harbor Daily"),
        report(4, JACKSON, "receiver", 3, "Coast Wire"),
        report(5, JACKSON[:2], "receiver", 4, "Bay Post"),
        report(6, JACKSON[1:], "receiver", 5, "Harbor Daily"),
    ]
    changes = update_stories(store)
    assert changes.stories_created == 1  # the Jackson reports: cut off as a story of their own
    assert _story_of(store, later[0]) == first_story  # the stored story keeps its reports and its id
    jackson_story = _story_of(store, later[1])
    assert jackson_story not in (None, first_story)
    assert _story_of(store, later[2]) == _story_of(store, later[3]) == jackson_story


def test_a_new_story_is_titled_by_its_most_central_report(store: SQLStore) -> None:
    brief = _store_article(
        store,
        1,
        "Boats out on the Elbe",
        FLOOD.format(town="Dresden", day="Monday") + " Volunteers took boats out to the old town's cellars at dusk.",
        0,
    )
    main = _store_article(store, 2, "Elbe floods Dresden", FLOOD.format(town="Dresden", day="Monday"), 3)
    _store_article(store, 3, "Dresden under water", FLOOD.format(town="Dresden", day="Monday"), 4, "Other Daily")
    for i, text in enumerate(OTHER):
        _store_article(store, 10 + i, text[:40], text, i)
    assert update_stories(store).stories_created == 1
    story = _story_of(store, brief)
    assert story is not None and _story_of(store, main) == story
    found = PortalQueries(store.engine).story(story)
    assert found is not None and found[0].title == "Elbe floods Dresden"  # not the first report's headline
