"""The reference a stored article page is held to: the page rendered from the store right now, as the route
renders it (``tests/web/test_article_blocks.py``, and the pipeline's pages stage in ``tests/pipeline``); and a
store of the articles such pages are made of (``generate``)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from newsloom.model import Comment, Media
from newsloom.store import SQLStore
from newsloom.store.bulk import upsert_articles
from newsloom.store.comments import CommentStore
from newsloom.store.media import MediaStore
from newsloom.store.stories import StoryStore
from newsloom.web.pages import _edition_redirect, article_page
from newsloom.web.portal import CSRF_PLACEHOLDER, Portal, article_path
from newsloom.web.prerender import request_for
from tests.support.articles import make_article

WORDS = ["storm", "election", "market", "vaccine", "league", "climate", "court", "budget"]
SECTIONS = ["World", "Business", "Sport", "Technology", "Culture"]
AUTHORS = ["Jane Roe", "John Doe", "Ann Lee", "Bao Tran", ""]


def generate(store: SQLStore, count: int, seed: int = 5) -> list[int]:
    """``count`` articles over a few sections, tags, authors and outlets, in English and Vietnamese, some in
    stories, some translated, some with comments, some with stored pictures: what article pages are made of."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        outlet = n % 6
        article = make_article(
            n,
            title=f"Report {n} on the {rng.choice(WORDS)}",
            section=rng.choice(SECTIONS),
            tags=[rng.choice(WORDS).title(), f"Topic {n % 23}"],
            authors=[name for name in [rng.choice(AUTHORS)] if name],
            language=rng.choice(["en", "en", "vi"]),
            site_name=f"Outlet {outlet}",
        )
        article.url = article.canonical_url = f"https://outlet{outlet}.example/{n}"
        articles.append(article)
    ids = [result.article_id for result in upsert_articles(store, articles)]
    assert all(i is not None for i in ids)
    stories = StoryStore(store.engine)
    for start in range(0, count // 4, 9):  # a story of three reports in a few places
        stories.create_story(f"Story {start}", [ids[start], ids[start + 3], ids[start + 7]], datetime.now(UTC))
    for number in range(0, count // 5, 13):  # translations of Vietnamese originals
        original = store.get_article(ids[number])
        assert original is not None
        if original.language == "vi":
            store.upsert_article(replace(original, id=None, language="en", title=f"{original.title} (English)",
                                         url=original.url + "?en", canonical_url=original.canonical_url + "?en",
                                         translated_from=original.id, story_id=None))  # fmt: skip
    comments = CommentStore(store.engine)
    for article_id in ids[::17]:
        comments.add(Comment(article_id, "Reader", f"A comment on {article_id}", status="published"))
    MediaStore(store.engine).record(
        Media("https://img.example.com/1.jpg", "ok", "d" * 64, "image/jpeg", 800, 600, (320, 640, 800))
    )
    return [i for i in ids if i is not None]


def live(portal: Portal, article_id: int, edition: str, prefix: str) -> str | None:
    """The page rendered live (None where the route sends an edition's reader elsewhere)."""
    article = portal.store.get_article(article_id)
    assert article is not None
    editions = portal.queries.editions(article)
    if _edition_redirect(portal, article, editions, edition, prefix):
        return None
    request = request_for(portal, article_path(article), edition, prefix)
    response, _ = article_page(portal, request, article, editions, CSRF_PLACEHOLDER)
    return bytes(response.body).decode()
