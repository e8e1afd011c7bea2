"""A story carrying a report and its denial is marked disputed: the story page shows both, each linked; the article
page of either side links to the other, and the article API carries the links."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from newsloom.model import Block, BlockKind
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.support.articles import make_article
from tests.support.web import AppServer


def _disputed_story(store: SQLStore) -> tuple[int, int, int, int]:
    """A story of three reports: a claim, the Kremlin's denial of it, and an unrelated one."""
    claim = _report(
        store,
        1,
        "Wall Street Journal",
        "wsj.example.com",
        "Russia moved missiles to the border, officials say",
        "Russia moved short-range missiles closer to the border last week, according to officials familiar with the "
        "matter, who spoke on condition of anonymity.",
        24,
    )
    denial = _report(
        store,
        2,
        "Moscow Wire",
        "moscowwire.example.org",
        "Kremlin denies missile report",
        "Kremlin spokesman Dmitry Peskov on October 25 denied a Wall Street Journal report that Russia had moved "
        "missiles to the border, calling it fiction. He said no such order had been given.",
        25,
    )
    other = _report(
        store,
        3,
        "Daily Item",
        "dailyitem.example.net",
        "Border towns brace",
        "Residents of border towns said they had seen more military traffic in recent days, and some families had "
        "left.",
        25,
    )
    story_id = StoryStore(store.engine).create_story(
        "Missiles at the border", [claim, denial, other], datetime.now(UTC)
    )
    return story_id, claim, denial, other


def _report(store: SQLStore, number: int, outlet: str, host: str, title: str, text: str, day: int) -> int:
    article = make_article(
        number,
        title=title,
        lead=None,
        site_name=outlet,
        blocks=[Block(BlockKind.PARAGRAPH, text=text)],
        published=datetime(2023, 10, day, 9, tzinfo=UTC),
    )
    article.url = article.canonical_url = f"https://{host}/news/{number}"
    article_id = store.upsert_article(article).article_id
    assert article_id is not None
    return article_id


def test_a_denied_report_and_its_denial_are_shown_side_by_side(settings: Settings, store: SQLStore) -> None:
    story_id, claim, denial, other = _disputed_story(store)
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        html = client.get(f"/story/{story_id}").text
    block = re.search(r'<section class="disputed".*?</section>', html, re.S)
    assert block is not None
    claim_part = re.search(r'class="claim">(.*?)</div>', block.group(0), re.S)
    denial_part = re.search(r'class="denial">(.*?)</div>', block.group(0), re.S)
    assert claim_part and denial_part
    assert f"/article/{claim}/" in claim_part.group(1) and "Wall Street Journal" in claim_part.group(1)
    assert f"/article/{denial}/" in denial_part.group(1) and "Dmitry Peskov" in denial_part.group(1)
    assert f"/article/{other}/" not in block.group(0)
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        api = client.get(f"/api/v1/stories/{story_id}").json()
    assert api["disputed"] is True
    assert api["disputes"][0]["claim_article_id"] == claim and api["disputes"][0]["denial_article_id"] == denial
    assert api["disputes"][0]["actor"] == "Kremlin spokesman Dmitry Peskov"
    assert api["disputes"][0]["whose_report"] == "Wall Street Journal"


def test_a_story_without_a_denial_is_not_disputed(settings: Settings, store: SQLStore) -> None:
    first = _report(
        store,
        1,
        "Outlet A",
        "a.example.com",
        "Storm hits",
        "A storm hit the coast on Tuesday and cut power to thousands of homes, officials confirmed.",
        24,
    )
    second = _report(
        store,
        2,
        "Outlet B",
        "b.example.com",
        "Storm cuts power",
        "The storm cut power to thousands. "
        "He was denied entry to the shelter, a neighbour said, and did not deny the report.",
        25,
    )
    story_id = StoryStore(store.engine).create_story("Storm", [first, second], datetime.now(UTC))
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        html = client.get(f"/story/{story_id}").text
    assert "Storm" in html and 'class="disputed"' not in html


def test_each_side_of_a_dispute_links_to_the_other_on_its_article_page(settings: Settings, store: SQLStore) -> None:
    story_id, claim, denial, other = _disputed_story(store)
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        claim_page = client.get(f"/article/{claim}", follow_redirects=True).text
        denial_page = client.get(f"/article/{denial}", follow_redirects=True).text
        other_page = client.get(f"/article/{other}", follow_redirects=True).text
        vietnamese = client.get(f"/vi/article/{claim}/x", follow_redirects=True).text
    note = re.search(r'<p class="denied-by">(.*?)</p>', claim_page, re.S)
    assert note is not None
    assert "Disputed" in note.group(1) and "denied by" in note.group(1)
    assert f"/article/{denial}/" in note.group(1) and "Moscow Wire" in note.group(1)
    assert "Kremlin spokesman Dmitry Peskov" in note.group(1) and "denied a Wall Street Journal report" in note.group(1)
    assert f"/story/{story_id}#disputed-heading" in note.group(1)
    back = re.search(r'<p class="denies">(.*?)</p>', denial_page, re.S)
    assert back is not None
    assert "Denies the report of" in back.group(1)
    assert f"/article/{claim}/" in back.group(1) and "Wall Street Journal" in back.group(1)
    assert 'class="disputed-note"' not in other_page
    assert "bị phủ nhận bởi" in vietnamese and "Có tranh cãi" in vietnamese


def test_the_article_api_carries_the_dispute_links(settings: Settings, store: SQLStore) -> None:
    _, claim, denial, other = _disputed_story(store)
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        claim_json = client.get(f"/api/v1/articles/{claim}").json()
        denial_json = client.get(f"/api/v1/articles/{denial}").json()
        other_json = client.get(f"/api/v1/articles/{other}").json()
    assert claim_json["disputed"] is True
    [denied_by] = claim_json["disputes"]
    assert denied_by["role"] == "denied_by" and denied_by["article_id"] == denial
    assert denied_by["outlet"] == "Moscow Wire"
    assert f"/article/{denial}/" in denied_by["portal_url"]
    assert denied_by["actor"] == "Kremlin spokesman Dmitry Peskov"
    assert denied_by["whose_report"] == "Wall Street Journal"
    assert denial_json["disputed"] is False
    [denies] = denial_json["disputes"]
    assert denies["role"] == "denies" and denies["article_id"] == claim and denies["outlet"] == "Wall Street Journal"
    assert other_json["disputes"] == [] and other_json["disputed"] is False
