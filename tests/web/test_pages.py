"""The portal over real HTTP: a uvicorn server on 127.0.0.1 in front of a real SQLite store."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from newsloom.model import Attribution, AttributionKind, Block, BlockKind, Image
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app
from tests.conftest import LiveServer
from tests.support.articles import make_article
from tests.support.editions import vietnamese


@pytest.fixture
def portal(settings: Settings, store: SQLStore) -> Iterator[tuple[str, SQLStore]]:
    with LiveServer(create_app(settings, store)) as server:
        yield server.url, store


def test_empty_home_says_how_to_import(portal: tuple[str, SQLStore]) -> None:
    url, _ = portal
    response = httpx.get(url + "/")
    assert response.status_code == 200
    assert "Nothing here yet" in response.text and "newsloom import" in response.text


def test_empty_store_with_sources_says_they_are_being_crawled(portal: tuple[str, SQLStore]) -> None:
    """A first `make run`: sources, no article yet. The home says the feeds are followed, not how to add some."""
    from newsloom.model import Feed, Source
    from newsloom.store.sources import SourceStore

    url, store = portal
    feeds = [Feed(f"https://herald.example/{name}.rss", "rss") for name in ("home", "world")]
    SourceStore(store.engine).add_source(Source("Coast Herald", "https://herald.example/", feeds=feeds))
    english = httpx.get(url + "/en/").text
    assert "The crawler follows 2 feeds" in english and "newsloom sources list" in english
    assert "newsloom import PATH" not in english
    assert "Trình thu thập đang theo dõi 2 nguồn tin" in httpx.get(url + "/vi/").text


def test_edition_with_only_other_languages_says_where_they_are(portal: tuple[str, SQLStore]) -> None:
    """A store of Vietnamese articles and no model: the English home counts them, links to Other languages and
    names the model to install, instead of claiming the store is empty; the Vietnamese home lists them."""
    url, store = portal
    for number in range(1, 4):
        store.upsert_article(vietnamese(number, f"Tin số {number}"))
    english = httpx.get(url + "/en/").text
    assert "Nothing here yet" not in english and "The store has no articles" not in english
    assert "No articles in English yet" in english
    assert "The store holds 3 articles in other languages" in english
    assert '<a href="/en/other-languages">Other languages</a>' in english
    assert "newsloom models install vi en" in english
    assert "Tin số 1" in httpx.get(url + "/en/other-languages").text
    vietnamese_home = httpx.get(url + "/vi/").text
    assert "Tin số 3" in vietnamese_home and "Chưa có bài viết nào bằng" not in vietnamese_home


def test_vietnamese_edition_empty_of_vietnamese_says_so_in_vietnamese(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    store.upsert_article(make_article(1, language="en"))
    page = httpx.get(url + "/vi/").text
    assert "Kho có 1 bài viết bằng ngôn ngữ khác" in page and "Ngôn ngữ khác</a>" in page
    assert "newsloom models install en vi" in page


def test_home_lists_latest_articles_with_outlet(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    for number in range(1, 4):
        store.upsert_article(make_article(number))
    response = httpx.get(url + "/")
    lead = re.search(r'<h2 id="lead-title"><a href="[^"]+">([^<]+)<', response.text).group(1)  # type: ignore[union-attr]
    latest = response.text.split('id="latest-heading"', 1)[1].split("</section>", 1)[0]
    titles = [lead, *re.findall(r'class="article-link" href="[^"]+">([^<]+)<', latest)]
    assert titles == [f"Article number {n} about Hà Nội" for n in (3, 2, 1)]
    assert "Example News" in response.text


def test_article_page_shows_every_part(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    article = make_article(
        attribution=[
            Attribution(AttributionKind.ACCORDING_TO, name="RT/Dantri.com.vn"),
            Attribution(AttributionKind.SOURCE_URL, url="https://dantri.com.vn/the-gioi/x.htm"),
        ]
    )
    result = store.upsert_article(article)
    short = httpx.get(f"{url}/article/{result.article_id}")
    assert short.status_code == 301
    page = httpx.get(url + short.headers["location"])
    assert page.status_code == 200
    html = page.text
    assert "<h1>Article number 1 about Hà Nội</h1>" in html
    assert "Lead paragraph." in html and "First paragraph of article 1." in html
    assert (
        "<figure>" in html and "pic-placeholder" in html and "A storm" in html
    )  # not stored: a placeholder and "(Photo: AFP)" in html
    assert "According to RT/Dantri.com.vn" in html
    assert "Source: https://dantri.com.vn/the-gioi/x.htm" in html
    assert 'href="https://news.example.com/a/1?utm_source=feed"' in html  # link to the original
    assert "<title>Article number 1 about Hà Nội · newsloom</title>" in html
    assert '<a href="/author/jane-roe">Jane Roe</a>, <a href="/author/john-doe">John Doe</a>' in html


def test_extracted_script_is_escaped_not_run(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    hostile = make_article(
        title="<script>alert('t')</script>Title",
        blocks=[
            Block(BlockKind.PARAGRAPH, text='<img src=x onerror="alert(1)"><script>alert(2)</script>'),
            Block(BlockKind.IMAGE, image=Image(url="javascript:alert(3)", caption="<b>x</b>")),
        ],
    )
    result = store.upsert_article(hostile)
    html = httpx.get(f"{url}/article/{result.article_id}", follow_redirects=True).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "javascript:alert(3)" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "")


def test_unknown_article_is_404(portal: tuple[str, SQLStore]) -> None:
    url, _ = portal
    assert httpx.get(url + "/article/999/nothing").status_code == 404
    assert httpx.get(url + "/article/not-a-number").status_code in (404, 422)


def test_search_page_highlights_and_escapes(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    store.upsert_article(make_article(1))
    response = httpx.get(url + "/search", params={"q": "first paragraph"})
    assert "<mark>" in response.text and "Article number 1" in response.text
    hostile = httpx.get(url + "/search", params={"q": "<script>x</script>"})
    assert hostile.status_code == 200 and "<script>x" not in hostile.text


def test_healthz(portal: tuple[str, SQLStore]) -> None:
    url, _ = portal
    assert httpx.get(url + "/healthz").text == "ok"


def test_cover_leads_the_article_once(portal: tuple[str, SQLStore]) -> None:
    url, store = portal
    shown_in_body = store.upsert_article(make_article(1)).article_id
    hero = Image(
        url="https://img.example.com/hero.jpg", caption="The sea wall at dawn", credit="Reuters", is_cover=True
    )
    outside_body = store.upsert_article(make_article(2, images=[hero])).article_id
    inline = httpx.get(f"{url}/article/{shown_in_body}", follow_redirects=True).text
    assert inline.count("<figure>") == 1
    assert 'class="cover"' not in inline
    led = httpx.get(f"{url}/article/{outside_body}", follow_redirects=True).text
    cover = led.split('<div class="cover">', 1)[1].split("</div>", 1)[0]
    assert "pic-placeholder" in cover and "The sea wall at dawn" in cover
    assert "(Photo: Reuters)" in cover
    assert led.index('class="cover"') < led.index('class="article-body"')
