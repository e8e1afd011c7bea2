"""An outlet's page after an operator's source took it over: the old address answers 301 to the new one (in every
edition, feeds too), and the outlets list shows a logo or a monogram for each outlet, never a hole."""

from __future__ import annotations

import re

from newsloom.model import Source
from newsloom.store.sources import SourceStore
from tests.web.conftest import Site


def test_an_absorbed_outlets_old_address_moves_permanently_to_its_new_page(site: Site) -> None:
    with site.client() as client:
        assert client.get("/outlet/example-com").status_code == 200
        assert client.get("/outlet/example-news").status_code == 404
    SourceStore(site.store.engine).add_source(
        Source(name="Example News", slug="example-news", homepage="https://example.com/")
    )
    with site.client() as client:
        for old, new in [
            ("/outlet/example-com", "/outlet/example-news"),
            ("/vi/outlet/example-com", "/vi/outlet/example-news"),
            ("/outlet/example-com?before=abc", "/outlet/example-news?before=abc"),
            ("/outlet/example-com/feed.xml", "/outlet/example-news/feed.xml"),
        ]:
            moved = client.get(old)
            assert moved.status_code == 301 and moved.headers["location"] == new, (old, moved.status_code)
        page = client.get("/outlet/example-news")
        assert page.status_code == 200 and len(re.findall(r'class="article-link"', page.text)) == 4
        assert client.get("/outlet/never-was").status_code == 404


def test_the_operators_source_keeps_the_logo_its_pages_gave(site: Site) -> None:
    with site.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sources SET logo_url = 'https://example.com/logo.png' WHERE slug = 'example-com'")
    sources = SourceStore(site.store.engine)
    assert sources.add_source(
        Source(name="Example News", slug="example-news", homepage="https://example.com/")
    ).logo_url == ("https://example.com/logo.png")
    own = Source(
        name="Other Daily", slug="other-daily", homepage="https://other.example.org/", logo_url="https://o/l.png"
    )
    with site.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE sources SET logo_url = 'https://other.example.org/x.png' WHERE domain = 'example.org'"
        )
    assert sources.add_source(own).logo_url == "https://o/l.png"  # the operator's own logo wins


def test_the_moved_address_follows_a_second_take_over(site: Site) -> None:
    sources = SourceStore(site.store.engine)
    sources.add_source(Source(name="Example News", slug="example-news", homepage="https://example.com/"))
    assert site.store.engine is not None
    with site.store.engine.begin() as conn:  # the operator's source itself leaves; a new one takes the domain
        conn.exec_driver_sql("UPDATE sources SET name_rank = 0 WHERE slug = 'example-news'")
    sources.add_source(Source(name="Example", slug="example", homepage="https://example.com/"))
    with site.client() as client:
        for old in ("/outlet/example-com", "/outlet/example-news"):
            moved = client.get(old)
            assert moved.status_code == 301 and moved.headers["location"] == "/outlet/example", old


def test_every_outlet_in_the_list_has_a_mark(site: Site) -> None:
    with site.client() as client:
        html = client.get("/outlets").text
    items = re.findall(r'<li class="outlet-item">(.*?)</li>', html, re.DOTALL)
    assert len(items) >= 2
    for item in items:
        name = re.search(r'class="article-link" href="[^"]+">([^<]+)<', item).group(1)  # type: ignore[union-attr]
        mark = re.search(r'<span class="pic pic-mark pic-placeholder" aria-hidden="true"><span>(.)</span>', item)
        assert mark is not None and mark.group(1) == name[0].upper(), item


def test_an_outlet_without_a_logo_of_its_own_shows_its_favicon(site: Site) -> None:
    """Example News' pages give no logo: the favicon at its homepage's root, once stored, is its mark."""
    from newsloom.media.stage import store_image
    from newsloom.media.storage import open_storage
    from newsloom.store.media import MediaStore
    from tests.media.cdn import picture

    settings = site.app.state.portal.settings
    with site.store.engine.connect() as conn:
        homepage = conn.exec_driver_sql("SELECT homepage FROM sources WHERE slug = 'example-com'").scalar_one()
    favicon = homepage.rstrip("/") + "/favicon.ico"
    assert store_image(favicon, picture("icon"), settings, open_storage(settings), MediaStore(site.store.engine)).ok
    with site.client() as client:
        html = client.get("/outlets").text
    items = dict(
        (re.search(r'class="article-link" href="[^"]+">([^<]+)<', item).group(1), item)  # type: ignore[union-attr]
        for item in re.findall(r'<li class="outlet-item">(.*?)</li>', html, re.DOTALL)
    )
    assert re.search(r'<picture class="pic pic-mark"><source type="image/webp"', items["Example News"])
    assert 'alt="Example News logo"' in items["Example News"]
    assert "pic-placeholder" in items["Other Daily"]  # nothing stored for it: its monogram
