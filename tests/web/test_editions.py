"""Language editions over a live portal: /vi/ and /en/ list what each edition shows, carry hreflang alternates,
switch between an article and its translation, label what is untranslated, and speak each edition's language.

The translated pair is made directly in the store (an original ``vi`` article and an ``en`` article with
``translated_from`` set), as the translation stage stores them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NamedTuple

import httpx

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app
from tests.support.articles import make_article
from tests.support.editions import Editions, store_editions, vietnamese
from tests.support.web import AppServer, LiveServer


def titles(html: str) -> list[str]:
    return re.findall(r'(?:class="article-link"|id="lead-title"><a) href="[^"]*"(?: lang="\w+")?>([^<]+)</a>', html)


def front(html: str) -> str:
    """The home page's front: the lead story and the latest news, before the side column."""
    return html.split('class="front-main"', 1)[1].split('class="front-side"', 1)[0]


def entry(html: str, title: str) -> str:
    """What a listing shows with an article's title: up to the end of its list item or lead story."""
    rest = html.split(title, 1)[1]
    return min(rest.split("</li>")[0], rest.split("</article>")[0], key=len)


def test_each_edition_lists_what_its_readers_can_read(editions: Editions) -> None:
    with editions.client() as client:
        english = client.get("/en/").text
        vietnamese_home = client.get("/vi/").text
        listings = {
            code: {path: client.get(f"/{code}{path}").text for path in ("/section/the-gioi", "/tag/bao", "/search?q=a")}
            for code in ("en", "vi")
        }
        author = client.get("/en/author/nguyen-van-a").text
        outlet_page = client.get("/vi/outlets").text
        other_en = client.get("/en/other-languages").text
        other_vi = client.get("/vi/other-languages").text
    latest_en = titles(front(english))
    latest_vi = titles(front(vietnamese_home))
    # The translated pair shows once per edition, as the edition's version.
    assert "Storm No. 13 makes landfall in central Vietnam" in latest_en
    assert "Bão số 13 đổ bộ miền Trung" not in latest_en
    assert "Bão số 13 đổ bộ miền Trung" in latest_vi
    assert "Storm No. 13 makes landfall in central Vietnam" not in latest_vi
    # An article in another language with no translation is not listed, and nothing is labelled untranslated.
    assert latest_en == ["Storm No. 13 makes landfall in central Vietnam", "Markets rally in Asia"]
    assert latest_vi == ["Giá xăng giảm lần thứ ba", "Bão số 13 đổ bộ miền Trung"]
    assert "untranslated" not in english and "chưa dịch" not in vietnamese_home
    for code, pages in listings.items():
        for path, html in pages.items():
            foreign = "Giá xăng giảm lần thứ ba" if code == "en" else "Markets rally in Asia"
            assert foreign not in html and "untranslated" not in html and "chưa dịch" not in html, (code, path)
    assert "Storm No. 13" in listings["en"]["/tag/bao"] and "Giá xăng" in listings["vi"]["/tag/bao"]
    assert "Storm No. 13" in author and "Giá xăng" not in author
    # It stays reachable: from "Other languages" (linked in every footer), labelled with its language.
    assert 'href="/en/other-languages"' in english and 'href="/vi/other-languages"' in vietnamese_home
    assert titles(other_en) == ["Giá xăng giảm lần thứ ba"] and "Vietnamese" in entry(other_en, "Giá xăng")
    assert titles(other_vi) == ["Markets rally in Asia"] and "tiếng Anh" in entry(other_vi, "Markets rally")
    assert "Dân trí" in outlet_page


def test_an_outlet_page_lists_all_its_articles_in_every_edition(editions: Editions) -> None:
    with editions.client() as client:
        outlets = client.get("/en/outlets").text
        slug = re.search(r'href="/en/outlet/([^"]+)"[^>]*>[^<]*Dân trí', outlets)
        assert slug is not None, outlets
        page = client.get(f"/en/outlet/{slug.group(1)}").text
    assert "Giá xăng giảm lần thứ ba" in titles(page)
    assert ">untranslated<" in entry(page, "Giá xăng giảm lần thứ ba")


def test_readable_only_off_lists_untranslated_articles_labelled(settings: Settings, store: SQLStore) -> None:
    store_editions(store)
    every = settings.model_copy(update={"editions_readable_only": False})
    with AppServer(create_app(every, store)) as server, server.client() as client:
        english = client.get("/en/").text
        vietnamese_home = client.get("/vi/").text
    latest_en, latest_vi = titles(front(english)), titles(front(vietnamese_home))
    assert "Giá xăng giảm lần thứ ba" in latest_en and "Markets rally in Asia" in latest_vi
    assert ">untranslated<" in entry(front(english), "Giá xăng giảm lần thứ ba")
    assert ">chưa dịch<" in entry(front(vietnamese_home), "Markets rally in Asia")
    assert "chưa dịch" not in entry(front(vietnamese_home), "Giá xăng giảm lần thứ ba")
    assert len(latest_en) == len(latest_vi) == 3


def test_every_page_carries_hreflang_alternates_and_x_default(editions: Editions) -> None:
    base = "http://127.0.0.1:8000"
    with editions.client() as client:
        for path in ("/en/", "/vi/", "/vi/section/the-gioi", "/en/search?q=storm", "/"):
            html = client.get(path).text
            for code in ("vi", "en", "x-default"):
                assert re.search(rf'<link rel="alternate" hreflang="{code}" href="{base}/', html), (path, code)
        home = client.get("/vi/").text
        assert f'hreflang="en" href="{base}/en/"' in home and f'hreflang="x-default" href="{base}/"' in home
        article = client.get(f"/vi/article/{editions.original}/x", follow_redirects=True).text
        translation = client.get(f"/en/article/{editions.translation}/x", follow_redirects=True).text
    # Republished text is its publisher's page (syndication = "canonical"): no hreflang cluster names the portal's
    # copy, nor the translation's link to it (the cluster where the portal is the home: test_signals.py).
    assert not re.search(r'<link rel="alternate" hreflang=', article)
    assert not re.search(r'<link rel="alternate" hreflang=', translation)
    # Republished full text is canonical to its publisher (syndication = "canonical"); a translation to itself.
    assert '<link rel="canonical" href="https://dantri.example/1.htm">' in article
    assert re.search(rf'<link rel="canonical" href="{base}/en/article/{editions.translation}/', translation)


def test_language_switch_keeps_the_reader_on_the_same_article(editions: Editions) -> None:
    with editions.client() as client:
        original = client.get(f"/vi/article/{editions.original}/bao", follow_redirects=True).text
        switch = original.split('class="edition-switch"')[1].split("</nav>")[0]
        target = re.search(r'href="([^"]+)" hreflang="en"', switch)
        assert target and target.group(1).startswith(f"/en/article/{editions.translation}/")
        translation = client.get(target.group(1)).text
        assert "Storm No. 13 makes landfall" in translation
        back = re.search(r'href="([^"]+)" hreflang="vi"', translation.split('class="edition-switch"')[1])
        assert back and back.group(1).startswith(f"/vi/article/{editions.original}/")
        # A hand-typed address of the other language's version goes to this edition's version.
        moved = client.get(f"/en/article/{editions.original}/anything")
        assert moved.status_code == 302 and moved.headers["location"].startswith(f"/en/article/{editions.translation}/")
        moved = client.get(f"/vi/article/{editions.translation}/anything")
        assert moved.status_code == 302 and moved.headers["location"].startswith(f"/vi/article/{editions.original}/")
        # A section page switches to the same section.
        section = client.get("/en/section/the-gioi").text
        assert 'href="/vi/section/the-gioi" hreflang="vi"' in section


def test_translation_names_its_original_and_shows_side_by_side(editions: Editions) -> None:
    with editions.client() as client:
        html = client.get(f"/en/article/{editions.translation}/x", follow_redirects=True).text
        note = html.split('class="translated-from"')[1].split("</p>")[0]
        assert "Translated from Vietnamese" in note and "Báo Dân trí" in note
        assert f'href="/vi/article/{editions.original}/' in note
        side = client.get(f"/en/article/{editions.translation}/x?side=1", follow_redirects=True).text
        vietnamese_side = client.get(f"/vi/article/{editions.translation}/x")
    pairs = re.findall(r'<div class="pair"><p lang="en">([^<]*)</p><p lang="vi">([^<]*)</p></div>', side)
    assert pairs[0] == (
        "On November 15, storm No. 13 made landfall in central Vietnam.",
        "Ngày 15/11, bão số 13 đổ bộ vào miền Trung.",
    )
    assert len(pairs) == 2
    assert vietnamese_side.status_code == 302  # the vi edition shows the original itself


def test_untranslated_article_is_labelled_in_the_other_edition(editions: Editions) -> None:
    with editions.client() as client:
        html = client.get(f"/en/article/{editions.untranslated}/x", follow_redirects=True).text
        vi_html = client.get(f"/vi/article/{editions.untranslated}/x", follow_redirects=True).text
    # No translation is configured (no model installed): the reader is told so, not promised one.
    note = html.split('class="untranslated-note"')[1].split("</p>")[0]
    assert "Vietnamese original (no English translation)" in note and "pending" not in note
    assert '<article class="article" lang="vi">' in html and '<html lang="en">' in html
    assert "untranslated-note" not in vi_html and '<html lang="vi">' in vi_html
    with editions.client() as client:
        vi_reader = client.get(f"/vi/article/{editions.english}/x", follow_redirects=True).text
    assert "Bản gốc tiếng Anh (không có bản dịch tiếng Việt)" in vi_reader


def test_translation_pending_only_where_one_is_queued(settings: Settings, store: SQLStore) -> None:
    from newsloom.store.translations import TranslationStore

    ids = store_editions(store)
    skipped = store.upsert_article(vietnamese(5, "Một bài không dịch được")).article_id
    TranslationStore(store.engine).record(
        skipped, "en", status="skipped", reason="no model for vi→en", now=datetime.now(UTC)
    )
    configured = settings.model_copy(
        update={"translate_backend": "libretranslate", "translate_url": "http://127.0.0.1:9", "translate_targets": "en"}
    )
    with AppServer(create_app(configured, store)) as server, server.client() as client:
        queued = client.get(f"/en/article/{ids['untranslated']}/x", follow_redirects=True).text
        not_queued = client.get(f"/en/article/{skipped}/x", follow_redirects=True).text
        not_a_target = client.get(f"/vi/article/{ids['english']}/x", follow_redirects=True).text
    assert (
        "Translation pending" in queued and "Shown in the original Vietnamese until the translation is made." in queued
    )
    assert "Translation pending" not in not_queued and "Vietnamese original (no English translation)" in not_queued
    assert "Đang chờ dịch" not in not_a_target and "không có bản dịch tiếng Việt" in not_a_target


def test_the_interface_speaks_the_edition_language(editions: Editions) -> None:
    with editions.client() as client:
        vi_article = client.get(f"/vi/article/{editions.original}/x", follow_redirects=True).text
        en_article = client.get(f"/en/article/{editions.translation}/x", follow_redirects=True).text
        vi_home = client.get("/vi/").text
    for text in ("Cùng chủ đề", "Cùng chuyên mục", "Cùng tác giả", "Bình luận (0)", "Gửi bình luận", "Tìm kiếm"):
        assert text in vi_article, text
    for text in ("Same tag", "Same category", "Same author", "Comment (0)", "Post comment"):
        assert text in en_article and text not in vi_article, text
    assert "Tin mới nhất" in vi_home and "Latest news" not in vi_home
    # Section names in the edition's language; dates in the portal's time zone (01:30 UTC is 08:30 in Hà Nội).
    assert ">Thế giới</a>" in vi_article and ">World</a>" in en_article
    assert "15 November 2026, 08:30 (GMT+7)" in en_article and "15/11/2026 08:30 (GMT+7)" in vi_article
    assert '<time datetime="2026-11-15T01:30:00+00:00">' in vi_article  # the machine-readable value stays ISO 8601


def test_root_and_unprefixed_pages_choose_by_accept_language(editions: Editions) -> None:
    with editions.client() as plain, editions.client(**{"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}) as vi:
        for _ in range(2):  # the second round comes from the page cache, which must key by edition
            default = plain.get("/")
            chosen = vi.get("/")
            assert default.status_code == chosen.status_code == 200
            assert "Latest news" in default.text and "Tin mới nhất" in chosen.text
            assert chosen.headers["content-language"] == "vi" and "Accept-Language" in chosen.headers["vary"]
            assert "Tin mới nhất" in plain.get("/vi/").text and "Latest news" in vi.get("/en/").text
        # Un-prefixed links stay un-prefixed; an edition's links keep its prefix.
        assert f'href="/article/{editions.english}/' in default.text
        assert f'href="/vi/article/{editions.untranslated}/' in plain.get("/vi/").text
        # Feeds, sitemaps and the API are the same for everyone.
        feed = plain.get("/feed.xml")
        assert feed.status_code == 200 and "accept-language" not in feed.headers.get("vary", "").lower()


def test_a_comment_posted_from_an_edition_returns_to_it(editions: Editions) -> None:
    with editions.client() as client:
        page = client.get(f"/vi/article/{editions.original}/x", follow_redirects=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        answer = client.post(
            f"/vi/article/{editions.original}/comments",
            data={"author_name": "Bạn đọc", "body": "Cảm ơn bài viết", "csrf_token": token.group(1)},
            headers={"Referer": str(page.url)},  # sent from the page (Referer stands in when Origin is absent)
        )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"/vi/article/{editions.original}/")


def test_api_is_language_neutral_with_a_lang_filter(editions: Editions) -> None:
    with editions.client() as client:
        every = client.get("/api/v1/articles").json()["items"]
        english = client.get("/api/v1/articles", params={"lang": "en"}).json()["items"]
        found = client.get("/api/v1/search", params={"q": "storm", "lang": "vi"}).json()["items"]
    assert len(every) == 4
    assert {a["id"] for a in english} == {editions.translation, editions.english}
    assert found == []


def test_unknown_edition_prefix_is_just_a_path(editions: Editions) -> None:
    with editions.client() as client:
        assert client.get("/fr/").status_code == 404
        assert client.get("/vi").headers["location"] == "/vi/"  # the edition's one address


class Flag(NamedTuple):
    """The shape the translation stage stores its per-block check flags in (``StoredFlag``)."""

    part: str
    kind: str
    original: str
    translated: str
    detail: str


def test_translation_check_flags_show_as_a_discreet_note(settings: Settings, store: SQLStore) -> None:
    ids = store_editions(store)
    app = create_app(settings, store)
    flags = {ids["translation"]: [Flag("block 1", "date", "Ngày 15/11", "November 5", "15/11 is November 15")]}
    app.state.portal._flag_reader = lambda article_id: flags.get(article_id, [])  # the stage's reader, by its shape
    with AppServer(app) as server, server.client() as client:
        english = client.get(f"/en/article/{ids['translation']}/x", follow_redirects=True).text
        vietnamese = client.get(f"/vi/article/{ids['original']}/x", follow_redirects=True).text
        plain = client.get(f"/en/article/{ids['english']}/x", follow_redirects=True).text
    note = english.split('<details class="translation-check"')[1].split("</details>")[0]
    assert "Translation check: 1 point to verify" in note
    assert '<q lang="vi">Ngày 15/11</q> → <q lang="en">November 5</q>' in note and "date</span> (block 1)" in note
    assert "15/11 is November 15" in note
    assert "translation-check" not in vietnamese and "translation-check" not in plain


def test_a_regional_language_tag_is_not_untranslated(settings: Settings, store: SQLStore) -> None:
    american = store.upsert_article(make_article(9, title="Fed holds rates", language="en-US")).article_id
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        listing = client.get("/en/").text
        page = client.get(f"/en/article/{american}/x", follow_redirects=True).text
    assert "Fed holds rates" in listing and "untranslated" not in listing
    assert "untranslated-note" not in page
    assert (
        '<link rel="canonical" href="https://news.example.com/a/9' in page
    )  # its publisher's, as any republished text


def test_sections_that_read_the_same_are_told_apart(editions: Editions) -> None:
    """ "World" (an English outlet's) and "Thế giới" (a Vietnamese outlet's) both read "World" in English and
    "Thế giới" in Vietnamese: the one whose own name differs carries it, so no two links or blocks read the same."""
    with editions.client() as client:
        english = client.get("/en/").text
        vietnamese_home = client.get("/vi/").text
        heading = client.get("/en/section/the-gioi").text

    def nav(html: str) -> list[str]:
        header = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'href="/\w+/section/[^"]+">([^<]+)</a>', header)

    assert sorted(nav(english)) == ["World", "World (Thế giới)"]
    # The Vietnamese header offers the sections with Vietnamese articles: the English outlet's "World" has none.
    assert sorted(nav(vietnamese_home)) == ["Thế giới"]
    assert "<h1>World (Thế giới)</h1>" in heading


def test_top_stories_are_those_an_edition_can_read_under_a_title_in_its_language(
    settings: Settings, store: SQLStore
) -> None:
    from newsloom.store.stories import StoryStore

    ids = store_editions(store)

    def elsewhere(number: int, title: str, host: str) -> int:
        article = vietnamese(number, title)
        article.url = article.canonical_url = f"https://{host}/{number}.htm"
        article.site_name = host
        return store.upsert_article(article).article_id

    other = elsewhere(6, "Bão số 13 gây mưa lớn", "vnexpress.example")
    lone = [elsewhere(7, "Giá vàng tăng 7", "a.example"), elsewhere(8, "Giá vàng tăng 8", "b.example")]
    stories = StoryStore(store.engine)
    now = datetime.now(UTC)
    stories.create_story("Bão số 13 đổ bộ miền Trung", [ids["original"], ids["translation"], other], now)
    stories.create_story("Giá vàng tăng", lone, now)
    with LiveServer(create_app(settings, store)) as server, httpx.Client(base_url=server.url) as client:
        english, vietnamese_home = client.get("/en/").text, client.get("/vi/").text

    def top(html: str) -> list[str]:
        block = html.split('id="top-heading"', 1)[1].split("</section>", 1)[0] if 'id="top-heading"' in html else ""
        return re.findall(r'href="/\w+/story/\d+">([^<]+)</a>', block)

    # English readers get the storm under its English report's title, and not the Vietnamese-only gold story.
    assert top(english) == ["Storm No. 13 makes landfall in central Vietnam"]
    assert sorted(top(vietnamese_home)) == ["Bão số 13 gây mưa lớn", "Giá vàng tăng 8"]


def test_a_tag_reads_in_each_editions_language(settings: Settings, store: SQLStore) -> None:
    """One tag, one page: "United States" is labelled "Mỹ" on the Vietnamese edition, as its readers write it."""
    tagged = make_article(11, title="Thuế quan mới", language="vi", tags=["United States", "Climate"])
    article_id = store.upsert_article(tagged).article_id
    with AppServer(create_app(settings, store)) as server, server.client() as client:
        vietnamese = client.get(f"/vi/article/{article_id}/x", follow_redirects=True).text
        english = client.get(f"/en/article/{article_id}/x", follow_redirects=True).text
        heading = client.get("/vi/tag/united-states").text
    assert '/tag/united-states">Mỹ</a>' in vietnamese and '/tag/climate">Climate</a>' in vietnamese
    assert '/tag/united-states">United States</a>' in english
    assert "Mỹ" in heading.split("<h1", 1)[1].split("</h1>", 1)[0]
