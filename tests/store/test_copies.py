"""The copy index finds the articles it has not indexed yet without reading the ones it has, in any order of
arrival, and an earlier report indexed later still becomes its text's original."""

from __future__ import annotations

import sqlalchemy as sa

from newsloom.store import SQLStore, schema
from newsloom.store.copies import CopyStore
from tests.support.articles import OTHER, WIRE, check_copy_groups
from tests.support.articles import store_article as _store_article


def _originals(store: SQLStore) -> dict[int, int | None]:
    c = schema.article_copies
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(c.c.article_id, c.c.original_id)).all())  # type: ignore[arg-type]


def test_new_articles_are_found_wherever_they_are_and_indexed_once(store: SQLStore) -> None:
    copies = CopyStore(store.engine)
    first = [_store_article(store, n, f"Report {n}", OTHER[n % 3] + f" Item {n}.", hours=n) for n in range(1, 6)]
    copies.index_new()
    assert copies._unindexed() == []
    with store.engine.begin() as conn:  # an old article whose row went missing is found again, not only the newest
        conn.execute(sa.delete(schema.article_copies).where(schema.article_copies.c.article_id == first[1]))
    later = _store_article(store, 9, "Later", OTHER[2] + " Later item.", hours=9)
    assert sorted(copies._unindexed()) == sorted([first[1], later])
    copies.index_new()
    assert copies._unindexed() == [] and set(_originals(store)) == {*first, later}


def test_an_earlier_report_indexed_later_becomes_the_original(store: SQLStore) -> None:
    copies = CopyStore(store.engine)
    late = _store_article(store, 1, "Wire copy", WIRE, hours=10, outlet="Later Post")
    copies.index_new()
    early = _store_article(store, 2, "Wire original", WIRE, hours=1, outlet="Early Times")
    assert copies.index_new() == 1
    assert _originals(store) == {early: None, late: early}


def test_copy_groups_of_a_listing(store: SQLStore) -> None:
    check_copy_groups(store)


def test_copy_groups_are_index_lookups(store: SQLStore) -> None:
    """The listing's two statements never read the whole copy table (an OR across tables did: 0.9 s a search page
    at a million articles)."""
    from newsloom.store import copies as module

    with store.engine.connect() as conn:
        for statement, name in ((module._ROOTS, "ids"), (module._MEMBERS, "roots")):
            compiled = statement.compile(store.engine)
            sql = str(compiled).replace(f"(__[POSTCOMPILE_{name}])", "(1, 2, 3)")
            plan = " | ".join(
                row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (False,) * sql.count("?"))
            )
            scans = [step for step in plan.split(" | ") if step.startswith("SCAN") and step != "SCAN anon_1"]
            assert scans == [], plan  # only the materialised group ids are read in full
