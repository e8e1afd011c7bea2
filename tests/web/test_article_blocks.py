"""Article pages from their stored parts (``web.article_blocks``): the same bytes as the live render, stale as soon
as anything they show changes (and not before), and few queries a page on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from newsloom.model import Article, Comment, Media
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store, schema
from newsloom.store.comments import CommentStore
from newsloom.store.media import MediaStore
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from newsloom.web.article_blocks import ArticleBlocks, neighbour_names
from newsloom.web.portal import Portal, article_path
from newsloom.web.prerender import precompute
from tests.support.articles import make_article
from tests.support.stored_pages import generate, live

VARIANTS = [("en", ""), ("en", "/en"), ("vi", ""), ("vi", "/vi")]


def served(portal: Portal, article_id: int, edition: str = "en", prefix: str = "") -> str | None:
    found = portal.blocks.page(article_id, edition, prefix)
    return found[1] if found else None


@pytest.fixture
def portal(settings: Settings, store: SQLStore) -> Portal:
    return Portal(settings, store)


@pytest.mark.slow  # 1,000 pages rendered twice: in `make test`, not in `make check`
def test_stored_pages_are_the_live_pages_byte_for_byte(portal: Portal) -> None:
    ids = generate(portal.store, 1200)
    rng = random.Random(1000)
    chosen = [(article_id, *rng.choice(VARIANTS)) for article_id in rng.sample(ids, 1000)]
    by_variant: dict[tuple[str, str], list[int]] = {}
    for article_id, edition, prefix in chosen:
        by_variant.setdefault((edition, prefix), []).append(article_id)
    for variant, wanted in by_variant.items():
        precompute(portal, wanted, [variant])
    compared = 0
    for article_id, edition, prefix in chosen:
        reference = live(portal, article_id, edition, prefix)
        if reference is None:
            assert served(portal, article_id, edition, prefix) is None
            continue
        assert served(portal, article_id, edition, prefix) == reference, (article_id, edition, prefix)
        compared += 1
    assert compared > 900
    # The generated pages hold what the stored rows must get right: comments, translations, stories, pictures.
    commented = ids[::17][:5]
    precompute(portal, commented)
    pages = [served(portal, i) or "" for i in commented]
    assert all('class="comment"' in page for page in pages)
    assert pages == [live(portal, i, "en", "") for i in commented]
    translated = ids[: 1200 // 5 : 13]
    precompute(portal, translated)
    assert any('<p class="editions"' in (served(portal, i) or "") for i in translated)


def test_the_served_response_is_the_live_response(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the whole application: the page cache's answer from a stored row is the route's live answer."""
    ids = generate(store, 60)
    app = create_app(settings, store)
    portal = app.state.portal
    monkeypatch.setattr(portal, "count_view", lambda article_id: None)  # "most read" stays as it is between the two
    paths = []
    for article_id in ids[:20]:
        article = store.get_article(article_id)
        assert article is not None
        paths.append(article_path(article))
    with TestClient(app, cookies={"newsloom_csrf": "a-reader"}) as client:
        before = [client.get(path) for path in paths]
        precompute(portal, ids[:20])
        after = [client.get(path) for path in paths]
    for old, new in zip(before, after, strict=True):
        assert new.status_code == old.status_code == 200
        assert new.content == old.content
        assert new.headers["content-type"] == old.headers["content-type"]
        assert new.headers["content-language"] == old.headers["content-language"]


@pytest.fixture
def neighbours(portal: Portal) -> tuple[Portal, dict[str, int]]:
    """An article (``main``) with its neighbours: same tag, same section, same author, same story; and one that
    shares nothing with it. Every page stored."""
    store = portal.store
    own = make_article(1, title="Main report", tags=["Storms"], section="World", authors=["Jane Roe"])
    rows = {
        "main": own,
        "tag": make_article(2, tags=["Storms"], section="Sport", authors=["Ann Lee"]),
        "section": make_article(3, tags=["Budget"], section="World", authors=["Ann Lee"]),
        "author": make_article(4, tags=["Budget"], section="Sport", authors=["Jane Roe"]),
        "story": make_article(5, tags=["Budget"], section="Sport", authors=["Ann Lee"]),
        "apart": make_article(6, tags=["Budget"], section="Sport", authors=["Ann Lee"], site_name="Other"),
    }
    ids = {name: store.upsert_article(article).article_id for name, article in rows.items()}
    StoryStore(store.engine).create_story("Storms", [ids["main"], ids["story"]], datetime.now(UTC))
    precompute(portal, list(ids.values()))
    assert all(served(portal, i) is not None for i in ids.values())
    return portal, ids  # type: ignore[return-value]


def _stale_then_fresh(portal: Portal, article_id: int, shows: str) -> None:
    assert served(portal, article_id) is None  # stale: the route renders it live
    assert shows in (live(portal, article_id, "en", "") or "")
    precompute(portal, [article_id])
    assert served(portal, article_id) == live(portal, article_id, "en", "")


@pytest.mark.parametrize(
    ("changes", "block"),
    [
        ({"tags": ["Storms"], "section": "Sport", "authors": ["Bao Tran"]}, "rel-tag"),
        ({"tags": ["Budget"], "section": "World", "authors": ["Bao Tran"]}, "rel-category"),
        ({"tags": ["Budget"], "section": "Sport", "authors": ["Jane Roe"]}, "rel-author"),
    ],
)
def test_a_new_neighbour_leaves_the_row_valid_and_is_spliced_in(
    neighbours: tuple[Portal, dict[str, int]], changes: dict[str, object], block: str
) -> None:
    """The same-tag, same-category and same-author lists are spliced in per store change: a new article of the
    section leaves the section's stored rows valid, and the served page lists it, as a live render would."""
    portal, ids = neighbours
    before = served(portal, ids["main"]) or ""
    assert "Brand new neighbour" not in before
    portal.store.upsert_article(make_article(40, title="Brand new neighbour", **changes))
    row = portal.blocks.store.valid(ids["main"], portal.blocks.variant("en", ""), portal.blocks.fingerprint)
    assert row is not None  # the row itself: not outdated
    page = served(portal, ids["main"]) or ""
    assert page == live(portal, ids["main"], "en", "")
    following = page[page.index(f'id="{block}"') :]
    assert "Brand new neighbour" in following[: following.index("</section>")]


def test_joining_the_story_makes_the_page_stale(neighbours: tuple[Portal, dict[str, int]]) -> None:
    portal, ids = neighbours
    new = portal.store.upsert_article(make_article(41, title="Late report", tags=["X"], section="Sport", authors=[]))
    assert new.article_id is not None
    precompute(portal, [ids["main"]])
    with portal.store.engine.begin() as conn:
        story = conn.execute(sa.select(schema.articles.c.story_id).where(schema.articles.c.id == ids["main"]))
        conn.execute(
            schema.articles.update().where(schema.articles.c.id == new.article_id).values(story_id=story.scalar())
        )
    _stale_then_fresh(portal, ids["main"], "Late report")


def test_editing_or_hiding_a_neighbour_shows_on_the_page(neighbours: tuple[Portal, dict[str, int]]) -> None:
    """A same-tag or same-section neighbour's edit shows in the spliced list (the row stays valid); a same-story
    neighbour is in the row: its edit outdates it."""
    portal, ids = neighbours
    articles = schema.articles
    with portal.store.engine.begin() as conn:
        conn.execute(articles.update().where(articles.c.id == ids["tag"]).values(title="Retitled neighbour"))
    page = served(portal, ids["main"]) or ""
    assert "Retitled neighbour" in page
    assert page == live(portal, ids["main"], "en", "")
    portal.store.set_hidden(ids["section"], True)
    page = served(portal, ids["main"]) or ""
    assert "Article number 3" not in page
    assert page == live(portal, ids["main"], "en", "")
    assert served(portal, ids["section"]) is None  # a hidden article's own page is no longer served
    with portal.store.engine.begin() as conn:
        conn.execute(articles.update().where(articles.c.id == ids["story"]).values(title="Retitled story report"))
    _stale_then_fresh(portal, ids["main"], "Retitled story report")


def test_a_translation_comment_or_picture_makes_the_page_stale(neighbours: tuple[Portal, dict[str, int]]) -> None:
    portal, ids = neighbours
    original = portal.store.get_article(ids["main"])
    assert original is not None
    portal.store.upsert_article(replace(original, id=None, language="vi", title="Bản tin chính",
                                        url="https://news.example.com/vi/1", canonical_url="https://news.example.com/vi/1",
                                        translated_from=original.id, story_id=None))  # fmt: skip
    _stale_then_fresh(portal, ids["main"], 'hreflang="vi"')
    CommentStore(portal.store.engine).add(Comment(ids["main"], "Reader", "First!", status="published"))
    _stale_then_fresh(portal, ids["main"], "First!")
    MediaStore(portal.store.engine).record(
        Media("https://img.example.com/1.jpg", "ok", "e" * 64, "image/jpeg", 800, 600, (320, 640, 800))
    )
    _stale_then_fresh(portal, ids["main"], "e" * 16)


def test_the_spliced_lists_leave_out_the_page_and_its_family(neighbours: tuple[Portal, dict[str, int]]) -> None:
    """Every page of a name shares that name's list: each page takes its own article (and its translations) out."""
    portal, ids = neighbours
    main = portal.store.get_article(ids["main"])
    assert main is not None
    translation = portal.store.upsert_article(replace(main, id=None, language="en", title="Main report, English",
                                                      url="https://news.example.com/en/1", story_id=None,
                                                      canonical_url="https://news.example.com/en/1",
                                                      translated_from=main.id))  # fmt: skip
    assert translation.article_id is not None
    precompute(portal, [ids["main"], ids["section"]])
    own = served(portal, ids["main"]) or ""
    grid = own[own.index('class="related-grid"') :]
    assert "Main report" not in grid and "Article number 3" in grid  # neither it nor its translation; a neighbour
    other = served(portal, ids["section"]) or ""
    assert "Main report" in other[other.index('id="rel-category"') :]  # the same list, on another page of World


def test_editing_the_article_makes_its_page_stale(neighbours: tuple[Portal, dict[str, int]]) -> None:
    portal, ids = neighbours
    with portal.store.engine.begin() as conn:
        articles = schema.articles
        conn.execute(articles.update().where(articles.c.id == ids["main"]).values(title="Main report, corrected"))
    _stale_then_fresh(portal, ids["main"], "Main report, corrected")


def test_a_names_list_is_made_once_per_store_change(
    neighbours: tuple[Portal, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of a section shares its "same category" entries: made once after a change, not per page."""
    portal, ids = neighbours
    made: list[tuple[str, str]] = []
    making = portal.blocks._neighbour_items

    def counting(kind: str, name: str, edition: str, prefix: str) -> list[tuple[int, int, tuple[float, int], str]]:
        made.append((kind, name))
        return making(kind, name, edition, prefix)

    monkeypatch.setattr(portal.blocks, "_neighbour_items", counting)
    portal.store.upsert_article(make_article(60, title="Another in the world", section="World", tags=[], authors=[]))
    assert served(portal, ids["main"]) is not None and served(portal, ids["section"]) is not None
    assert made.count(("category", "world")) == 1
    portal.store.upsert_article(make_article(61, title="Yet another", section="World", tags=[], authors=[]))
    assert "Yet another" in (served(portal, ids["section"]) or "")
    assert made.count(("category", "world")) == 2


def test_served_pages_keep_their_lists_as_rendered_entries(neighbours: tuple[Portal, dict[str, int]]) -> None:
    """A stored page's same-tag, section and author lists are kept as rendered entries (text and numbers, which the
    garbage collector stops walking), not also as the article objects they were made from."""
    portal, ids = neighbours
    portal.store.upsert_article(make_article(62, title="Fresh in the world", section="World", tags=[], authors=[]))
    assert all(served(portal, article_id) is not None for article_id in ids.values())
    version = portal.validator()
    kept = [key for key, (made_at, _) in portal._memo.items() if made_at == version]  # since the write
    assert {key[0] for key in kept} >= {"neighbour-items"}
    assert [key for key in kept if key[0] == "newest"] == []
    items = [value for key, (made_at, value) in portal._memo.items() if key[0] == "neighbour-items"]
    assert items and not any(isinstance(part, Article) for entries in items for entry in entries for part in entry)


def test_an_unrelated_write_leaves_the_page_valid(neighbours: tuple[Portal, dict[str, int]]) -> None:
    portal, ids = neighbours
    portal.store.upsert_article(make_article(50, tags=["Elsewhere"], section="Sport", authors=["Nobody Else"]))
    with portal.store.engine.begin() as conn:  # a stage's bookkeeping on the article itself shows nowhere
        conn.execute(
            schema.articles.update()
            .where(schema.articles.c.id == ids["main"])
            .values(story_checked_at=datetime.now(UTC), enriched_at=datetime.now(UTC))
        )
    assert served(portal, ids["main"]) == live(portal, ids["main"], "en", "")


def test_rows_made_with_other_settings_or_code_are_not_served(neighbours: tuple[Portal, dict[str, int]]) -> None:
    portal, ids = neighbours
    other = Portal(portal.settings.model_copy(update={"site_name": "Another portal"}), portal.store)
    assert other.blocks.fingerprint != portal.blocks.fingerprint
    assert served(other, ids["main"]) is None
    assert isinstance(portal.blocks, ArticleBlocks) and served(portal, ids["main"]) is not None


# -- queries per route --------------------------------------------------------------------------------------------


@contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def keep(conn: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)


def _first_render_queries(settings: Settings, store: SQLStore, many: int) -> dict[str, int]:
    """Queries of each route's first render (a store change first: no shared list or fragment is kept) over a
    store of ``many`` articles (listings hold more items, related lists fuller). An article's page is counted once
    what pages share was made after the change (the header's sections, most read, the same-tag, same-section and
    same-author lists): its own cost."""
    generate(store, many)
    app = create_app(settings, store)
    portal = app.state.portal
    with store.engine.connect() as conn:
        a = schema.articles
        first, section = conn.execute(sa.select(a.c.id, a.c.section_slug).order_by(a.c.id).limit(1)).one()
        second = conn.execute(sa.select(sa.func.max(a.c.id)).where(a.c.section_slug == section)).scalar()
        story = conn.execute(sa.select(sa.func.min(schema.stories.c.id))).scalar()
    article, other = store.get_article(first), store.get_article(second)
    assert article is not None and other is not None
    precompute(portal, [first, second])
    routes = {
        "article": article_path(article),
        "home": "/",
        "section": f"/section/{article.section}",
        "tag": "/tag/topic-0",
        "search": "/search?q=report",
        "story": f"/story/{story}",
    }
    found = {}
    with TestClient(app) as client:
        client.get(routes["article"])  # templates compiled, first connections opened
        for name, path in routes.items():
            with store.engine.begin() as conn:  # a commit: nothing kept in memory is valid any more
                conn.execute(schema.block_changes.insert().values(key="elsewhere"))
            if name == "article":  # what pages share, made after the change: header and most read (a page of the
                client.get(article_path(other))  # section), the newest of each of its tags, section and authors
                for kind, (names, _) in neighbour_names(article).items():
                    for neighbour_name in names:
                        portal.blocks.neighbour_items(kind, neighbour_name, "en", "")
            with counted(store.engine) as statements:
                assert client.get(path).status_code == 200, path
            found[name] = len(statements)
            if name in SHOW:
                print(name, *statements, sep="\n  ")
    return found


SHOW: set[str] = set()


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Callable[[str | None], tuple[Settings, SQLStore]]]:
    opened: list[SQLStore] = []

    def make(database_url: str | None) -> tuple[Settings, SQLStore]:
        settings = Settings(data_dir=tmp_path / f"data{len(opened)}", database_url=database_url)
        store = open_store(settings)
        opened.append(store)
        return settings, store

    yield make
    for store in opened:
        store.close()


def test_queries_per_route_on_sqlite_do_not_grow_with_the_page(
    stores: Callable[[str | None], tuple[Settings, SQLStore]],
) -> None:
    few = _first_render_queries(*stores(None), 40)
    more = _first_render_queries(*stores(None), 400)
    assert few == more
    assert few["article"] <= 2  # the stored row (the change counter is SQLite's data_version, no query)


@pytest.mark.services
def test_queries_per_route_on_postgres_do_not_grow_with_the_page(
    stores: Callable[[str | None], tuple[Settings, SQLStore]], pg_database: Callable[[], str]
) -> None:
    few = _first_render_queries(*stores(pg_database()), 40)
    more = _first_render_queries(*stores(pg_database()), 400)
    assert few == more
    assert few["article"] <= 3  # change counter and the stored row


# -- what the triggers log ----------------------------------------------------------------------------------------


def _logged_keys(store: SQLStore, title: str) -> set[str]:
    with store.engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.coalesce(sa.func.max(schema.block_changes.c.id), 0))).scalar()
    stored = store.upsert_article(make_article(90, title=title, tags=["Storms"], section="World", authors=["Ann Lee"]))
    with store.engine.connect() as conn:
        query = sa.select(schema.block_changes.c.key).where(schema.block_changes.c.id > newest)
        keys = set(conn.execute(query).scalars())
    assert f"a:{stored.article_id}" in keys  # the article's own page: always logged
    return keys


def _trigger_round(store: SQLStore) -> None:
    """A new article logs its own keys only (migration 0113); going back to 0112 logs its tags', section's and
    authors' again, and up again not."""
    from alembic import command

    from newsloom.store.engine import alembic_config

    neighbour_keys = {"t:storms", "s:world", "au:ann-lee"}
    assert not _logged_keys(store, "First") & neighbour_keys
    config = alembic_config()
    for revision, logs_neighbours in (("0112", True), ("head", False)):
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0112" else command.upgrade)(config, revision)
        assert (_logged_keys(store, f"At {revision}") >= neighbour_keys) is logs_neighbours


def test_triggers_log_no_neighbour_keys_on_sqlite(store: SQLStore) -> None:
    _trigger_round(store)


@pytest.mark.services
def test_triggers_log_no_neighbour_keys_on_postgres(
    stores: Callable[[str | None], tuple[Settings, SQLStore]], pg_database: Callable[[], str]
) -> None:
    _trigger_round(stores(pg_database())[1])


def test_a_batchs_pages_stage_renders_at_most_its_share_newest_first(
    settings: Settings, store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store whose pages were never made is not rendered whole by one crawl round: the newest articles' pages
    are, the rest wait for ``newsloom prerender`` (or their next change)."""
    from newsloom.web import prerender

    ids = generate(store, 40)
    monkeypatch.setattr(prerender, "PAGES_PER_RUN", 5)
    stage = prerender.PageStage(store, settings)
    assert stage() > 0
    portal = Portal(settings, store)
    edition = settings.edition_list[0]
    stored = [i for i in ids if portal.blocks.page(i, edition, "") is not None]
    assert 0 < len(stored) <= 5
    assert min(stored) > sorted(ids)[-10]  # among the newest, not the first written
    assert stage() == 0  # the round's changes are seen: the next round renders what changed after it
