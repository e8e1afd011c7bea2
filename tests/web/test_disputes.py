"""A story carrying a report and its denial is marked disputed: the story page shows both, each linked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from newsloom.model import Block, BlockKind
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.conftest import LiveServer
from tests.store.test_store import make_article


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
        "Residents of border towns said they "
        "had seen more military traffic in recent days, and some families had left.",
        25,
    )
    story_id = StoryStore(store.engine).create_story(
        "Missiles at the border", [claim, denial, other], datetime.now(UTC)
    )
    with LiveServer(create_app(settings, store)) as server, httpx.Client(base_url=server.url) as client:
        html = client.get(f"/story/{story_id}").text
    block = re.search(r'<section class="disputed".*?</section>', html, re.S)
    assert block is not None
    claim_part = re.search(r'class="claim">(.*?)</div>', block.group(0), re.S)
    denial_part = re.search(r'class="denial">(.*?)</div>', block.group(0), re.S)
    assert claim_part and denial_part
    assert f"/article/{claim}/" in claim_part.group(1) and "Wall Street Journal" in claim_part.group(1)
    assert f"/article/{denial}/" in denial_part.group(1) and "Dmitry Peskov" in denial_part.group(1)
    assert f"/article/{other}/" not in block.group(0)
    with LiveServer(create_app(settings, store)) as server, httpx.Client(base_url=server.url) as client:
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
    with LiveServer(create_app(settings, store)) as server, httpx.Client(base_url=server.url) as client:
        html = client.get(f"/story/{story_id}").text
    assert "Storm" in html and 'class="disputed"' not in html
