"""The copy index finds the articles it has not indexed yet without reading the ones it has, in any order of
arrival, and an earlier report indexed later still becomes its text's original."""

from __future__ import annotations

import sqlalchemy as sa

from newsloom.store import SQLStore, schema
from newsloom.store.copies import CopyStore
from tests.store.test_stories import FLOOD, OTHER, _store_article

WIRE = FLOOD.format(town="Dresden", day="Monday") + " " + OTHER[0] + " " + OTHER[1]


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


def check_copy_groups(store: SQLStore) -> None:
    """One wire text run by three outlets and an unrelated report: each copy's group is every visible report of the
    text, the earliest first; a hidden copy leaves its group; an article with no copy has no group."""
    copies = CopyStore(store.engine)
    early = _store_article(store, 1, "Wire original", WIRE, hours=1, outlet="Early Times")
    late = _store_article(store, 2, "Wire copy", WIRE, hours=5, outlet="Later Post")
    later = _store_article(store, 3, "Wire copy again", WIRE, hours=9, outlet="Evening Star")
    alone = _store_article(store, 4, "Something else", OTHER[2] + " Nothing like the wire.", hours=2)
    copies.index_new()
    groups = copies.groups_for([later, alone, early])
    assert set(groups) == {later, early}
    assert [m.id for m in groups[later]] == [early, late, later] == [m.id for m in groups[early]]
    assert [m.original for m in groups[early]] == [True, False, False]
    store.set_hidden(late, True)
    assert [m.id for m in copies.groups_for([late])[late]] == [early, later]
    store.set_hidden(later, True)
    assert copies.groups_for([early, alone]) == {}  # the original alone is no group


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
