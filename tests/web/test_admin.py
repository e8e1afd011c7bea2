"""Admin over real HTTP: sections and the feed -> section mapping."""

from __future__ import annotations

from pathlib import Path

from newsloom.model import Feed, Source
from newsloom.settings import Settings
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.sources import SourceStore
from newsloom.web import create_app
from tests.support.web import AppServer, form_token, login
from tests.web.conftest import Site


def add_feed(site: Site) -> int:
    source = SourceStore(site.store.engine).add_source(
        Source("Coast Herald", "https://herald.example/", feeds=[Feed("https://herald.example/rss", "rss")])
    )
    feed_id = source.feeds[0].id
    assert feed_id is not None
    return feed_id


def test_admin_maps_a_feed_to_a_section(site: Site) -> None:
    feed_id = add_feed(site)
    with site.client() as editor:
        login(editor, site)
        page = editor.get("/admin").text
        assert f'action="/admin/feeds/{feed_id}/section"' in page
        token = form_token(page)
        saved = editor.post(
            f"/admin/feeds/{feed_id}/section", data={"section": "  Coastal   News ", "csrf_token": token}
        )
        assert saved.status_code == 303
        feed = SourceStore(site.store.engine).get_source("coast-herald").feeds[0]  # type: ignore[union-attr]
        assert feed.section == "Coastal News"
        assert "Coastal News" in editor.get("/admin").text  # offered as a section from now on
        cleared = editor.post(f"/admin/feeds/{feed_id}/section", data={"section": "", "csrf_token": token})
        assert cleared.status_code == 303
    assert SourceStore(site.store.engine).get_source("coast-herald").feeds[0].section is None  # type: ignore[union-attr]


def test_mapping_needs_login_csrf_and_an_existing_feed(site: Site) -> None:
    feed_id = add_feed(site)
    with site.client() as client:
        assert (
            client.post(f"/admin/feeds/{feed_id}/section", data={"section": "X", "csrf_token": ""}).status_code == 401
        )
        login(client, site)
        token = form_token(client.get("/admin").text)
        forged = client.post(f"/admin/feeds/{feed_id}/section", data={"section": "X", "csrf_token": "forged"})
        assert forged.status_code == 403
        missing = client.post("/admin/feeds/999999/section", data={"section": "X", "csrf_token": token})
        assert missing.status_code == 404
        blank = client.post(f"/admin/feeds/{feed_id}/section", data={"section": "!!!", "csrf_token": token})
        assert blank.status_code == 400
    assert SourceStore(site.store.engine).get_source("coast-herald").feeds[0].section is None  # type: ignore[union-attr]


def test_admin_adds_and_renames_sections_readers_see(site: Site) -> None:
    sections = PortalQueries(site.store.engine).sections()
    slug = sections[0].slug
    with site.client() as editor, site.client() as reader:
        before = reader.get(f"/section/{slug}").text  # cached at the edge: the rename must still show
        login(editor, site)
        token = form_token(editor.get("/admin").text)
        assert (
            editor.post(f"/admin/sections/{slug}", data={"name": "Planet Earth", "csrf_token": token}).status_code
            == 303
        )
        assert editor.post("/admin/sections", data={"name": "Local", "csrf_token": token}).status_code == 303
        after = reader.get(f"/section/{slug}").text
    assert "Planet Earth" not in before and "<h1>Planet Earth</h1>" in after
    assert "local" in {s.slug for s in PortalQueries(site.store.engine).sections()}


def test_admin_says_which_translation_backend_is_active_and_what_is_pending(
    site: Site, settings: Settings, tiny_models: Path
) -> None:
    from tests.support.articles import make_article

    with site.client() as editor:
        login(editor, site)
        off = editor.get("/admin").text.split('class="translation-status"')[1].split("</section>")[0]
    assert "Translation is off" in off and "newsloom models install vi en" in off
    vietnamese = site.store.upsert_article(make_article(20, language="vi", title="Bão số 13")).article_id
    site.store.upsert_article(make_article(21, language="pt", title="Tempestade"))
    # The default backend (auto) with a model installed: ctranslate2, the vi→en articles pending, pt→en not.
    configured = settings.model_copy(update={"translate_model_dir": tiny_models})
    with AppServer(create_app(configured, site.store)) as server, server.client(follow_redirects=False) as editor:
        login(editor, Site(server, site.store, [], 0))
        status = editor.get("/admin").text.split('class="translation-status"')[1].split("</section>")[0]
        page = editor.get(f"/en/article/{vietnamese}/x", follow_redirects=True).text
    assert "Backend in use: <strong>ctranslate2</strong>" in status and "Models: vi→en" in status
    assert "Pending: 1 into en" in status and "<li>1: no model for pt→en</li>" in status
    assert "Translation pending" in page


def test_admin_lists_unreachable_feeds_with_reason_and_last_try(site: Site, settings: Settings) -> None:
    """A crawl round against a closed loopback port and an address the guard refuses: both feeds are listed as
    unreachable with their reason and the time of the failed poll; a feed that never failed is not."""
    import asyncio
    from datetime import UTC, datetime

    from newsloom.sources.crawler import Crawler
    from tests.support.web import free_port

    closed = free_port()
    registry = SourceStore(site.store.engine)
    for name, host in (("Closed Port", "127.0.0.1"), ("Outside Guard", "127.0.0.2")):
        registry.add_source(
            Source(name, f"http://{host}:{closed}/", feeds=[Feed(f"http://{host}:{closed}/rss", "rss")])
        )
    add_feed(site)  # never polled: not unreachable
    # No extraction processes: no page is fetched, and starting two (spawned, each importing the pipeline) and
    # waiting for them to stop was most of the test's time.
    crawl_settings = settings.model_copy(
        update={"allow_networks": "127.0.0.1/32", "fetch_retries": 0, "crawl_min_delay": 0.0, "crawl_workers": 0}
    )
    before = datetime.now(UTC)

    async def crawl() -> None:
        async with Crawler(crawl_settings, site.store) as crawler:
            await crawler.run_once("Closed Port")
            await crawler.run_once("Outside Guard")

    asyncio.run(crawl())
    with site.client() as admin:
        login(admin, site)
        page = admin.get("/admin").text
    section = page.split('id="unreachable-heading"', 1)[1].split("</section>", 1)[0]
    rows = section.split('<tr class="unreachable">')[1:]
    assert [row.split("<td>")[1].split("</td>")[0] for row in rows] == ["Closed Port", "Outside Guard"]
    assert "ConnectError" in rows[0] and "not public" in rows[1]
    assert "herald.example" not in section
    for row in rows:
        tried = datetime.fromisoformat(row.split('<time datetime="', 1)[1].split('"', 1)[0])
        assert before.replace(microsecond=0) <= tried <= datetime.now(UTC)
