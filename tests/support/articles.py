"""Articles as tests build them: one realistic article by number, the flood/wire texts the stories and copies
tests share, and the two look-alike arrests that must stay two stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from newsloom.model import Article, Attribution, AttributionKind, Block, BlockKind, Image


def make_article(number: int = 1, **changes: object) -> Article:
    """Article ``number`` of Example News (World, Jane Roe and John Doe, tagged Climate and Storms), with
    ``changes`` applied: numbers give distinct URLs and publication hours."""
    article = Article(
        url=f"https://news.example.com/a/{number}?utm_source=feed",
        canonical_url=f"https://news.example.com/a/{number}?utm_source=feed",
        title=f"Article number {number} about Hà Nội",
        lead="Lead paragraph.",
        authors=["Jane Roe", "John Doe"],
        published=datetime(2024, 10, 26, 7, 24, tzinfo=UTC) + timedelta(hours=number),
        language="en",
        site_name="Example News",
        section="World",
        tags=["Climate", "Storms"],
        blocks=[
            Block(BlockKind.PARAGRAPH, text=f"First paragraph of article {number}."),
            Block(
                BlockKind.IMAGE,
                image=Image(url="https://img.example.com/1.jpg", caption="A storm", credit="AFP"),
            ),
            Block(BlockKind.LIST, items=["one", "two"]),
        ],
        images=[Image(url="https://img.example.com/1.jpg", caption="A storm", credit="AFP", is_cover=True)],
        attribution=[Attribution(AttributionKind.ACCORDING_TO, name="RT")],
    )
    for key, value in changes.items():
        setattr(article, key, value)
    return article


T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
FLOOD = "Floods swept through {town} after the river Elbe burst its banks, and soldiers filled sandbags on {day}."
OTHER = [
    "The central bank left interest rates unchanged and signalled cuts later in the year as inflation eased.",
    "The home side won the cup final after extra time in front of a sold-out stadium on Saturday evening.",
    "A new smartphone with a folding screen went on sale, with reviewers praising its battery and camera.",
]
WIRE = FLOOD.format(town="Dresden", day="Monday") + " " + OTHER[0] + " " + OTHER[1]

MERRIMAN = [
    "San Diego Chargers linebacker Shawne Merriman was arrested early Sunday on suspicion of drunk driving, police said.",
    "Merriman, 26, was stopped on Interstate 5 near La Jolla at 2 a.m. and booked into county jail.",
    "The team said it was aware of the arrest of Merriman and would not comment further.",
]
JACKSON = [
    "San Diego Chargers wide receiver Vincent Jackson was arrested on suspicion of drunk driving on Tuesday, police said.",
    "Jackson, 25, was pulled over in Poway after midnight and released on bail later that morning.",
    "The team said it was aware of the arrest of Jackson and would not comment further.",
]


def store_article(
    store: Any, number: int, title: str, text: str, hours: float, outlet: str = "Example News", dated: bool = True
) -> int:
    """Stores a one-paragraph article ``hours`` after T0; each outlet other than Example News gets a registrable
    domain (hence a source) of its own."""
    article = make_article(
        number,
        title=title,
        lead=None,
        blocks=[Block(BlockKind.PARAGRAPH, text=text)],
        published=T0 + timedelta(hours=hours) if dated else None,
        site_name=outlet,
    )
    if outlet != "Example News":  # each outlet its own site, hence its own source
        host = outlet.casefold().replace(" ", "")
        article.url = article.canonical_url = f"https://{host}.example/a/{number}"  # its own registrable domain
    result = store.upsert_article(article)
    assert result.article_id is not None
    return int(result.article_id)


def check_copy_groups(store: Any) -> None:
    """One wire text run by three outlets and an unrelated report: each copy's group is every visible report of the
    text, the earliest first; a hidden copy leaves its group; an article with no copy has no group. Run on SQLite
    and on PostgreSQL."""
    from newsloom.store.copies import CopyStore

    copies = CopyStore(store.engine)
    early = store_article(store, 1, "Wire original", WIRE, hours=1, outlet="Early Times")
    late = store_article(store, 2, "Wire copy", WIRE, hours=5, outlet="Later Post")
    later = store_article(store, 3, "Wire copy again", WIRE, hours=9, outlet="Evening Star")
    alone = store_article(store, 4, "Something else", OTHER[2] + " Nothing like the wire.", hours=2)
    copies.index_new()
    groups = copies.groups_for([later, alone, early])
    assert set(groups) == {later, early}
    assert [m.id for m in groups[later]] == [early, late, later] == [m.id for m in groups[early]]
    assert [m.original for m in groups[early]] == [True, False, False]
    store.set_hidden(late, True)
    assert [m.id for m in copies.groups_for([late])[late]] == [early, later]
    store.set_hidden(later, True)
    assert copies.groups_for([early, alone]) == {}  # the original alone is no group
