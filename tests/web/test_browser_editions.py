"""Editions in a real browser (Debian's Chromium through Playwright; every request off loopback is blocked):
the language switch on an article lands on the same article in the other language, both editions carry hreflang
alternates, and /en/ lists the English edition while /vi/ lists the original; each edition lists only what its
readers can read and writes dates as they do. Screenshots of home and article at 1280 and 390 px in both editions
go to test-artifacts/ and the test's tmp dir."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web import create_app
from tests.support.articles import make_article
from tests.support.browser import ARTIFACTS
from tests.support.editions import Editions, store_editions
from tests.support.web import LiveServer

pytestmark = pytest.mark.browser


def loopback_only(browser, width: int = 1280, locale: str = "en-US"):  # type: ignore[no-untyped-def]
    """A page whose every request to a host other than 127.0.0.1 is aborted (and recorded)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    page.blocked = []

    def route(request_route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            page.blocked.append(request.url)
            request_route.abort()

    page.route("**/*", route)
    return page


def test_switching_edition_lands_on_the_same_article(editions: Editions, browser) -> None:  # type: ignore[no-untyped-def]
    page = loopback_only(browser)
    page.goto(f"{editions.url}/vi/article/{editions.original}/bao")
    assert page.inner_text("h1") == "Bão số 13 đổ bộ miền Trung"
    assert page.get_attribute("html", "lang") == "vi"
    page.click(".edition-switch a[hreflang='en']")
    page.wait_for_url(f"**/en/article/{editions.translation}/**")
    assert page.inner_text("h1") == "Storm No. 13 makes landfall in central Vietnam"
    assert "Translated from Vietnamese" in page.inner_text(".translated-from")
    page.click(".edition-switch a[hreflang='vi']")
    page.wait_for_url(f"**/vi/article/{editions.original}/**")
    assert page.inner_text("h1") == "Bão số 13 đổ bộ miền Trung"
    # An article with no translation: the switch keeps the same article, labelled untranslated.
    page.goto(f"{editions.url}/vi/article/{editions.untranslated}/x")
    page.click(".edition-switch a[hreflang='en']")
    page.wait_for_url(f"**/en/article/{editions.untranslated}/**")
    assert "Vietnamese original (no English translation)" in page.inner_text(".untranslated-note")
    # Pictures come from the portal's own /media (or a placeholder): no page asks a publisher's server for anything.
    assert page.blocked == []


def test_editions_list_their_versions_and_carry_hreflang(editions: Editions, browser) -> None:  # type: ignore[no-untyped-def]
    page = loopback_only(browser)
    for path, shown, hidden in (
        ("/en/", "Storm No. 13 makes landfall in central Vietnam", "Bão số 13 đổ bộ miền Trung"),
        ("/vi/", "Bão số 13 đổ bộ miền Trung", "Storm No. 13 makes landfall in central Vietnam"),
    ):
        page.goto(editions.url + path)
        latest = page.inner_text(".front-main")
        assert shown in latest and hidden not in latest
        hreflangs = page.eval_on_selector_all("link[rel=alternate][hreflang]", "els => els.map(e => e.hreflang)")
        assert sorted(hreflangs) == ["en", "vi", "x-default"]
    # The browser's own language chooses the root's edition.
    vietnamese_reader = loopback_only(browser, locale="vi-VN")
    vietnamese_reader.goto(editions.url + "/")
    assert "Tin mới nhất" in vietnamese_reader.text_content("#latest-heading")  # shown in capitals by the style


def test_screenshots_of_both_editions(editions: Editions, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "home": "/{code}/",
        "article": "/{code}/article/" + str(editions.translation) + "/x",
    }
    for width in (1280, 390):
        page = loopback_only(browser, width)
        for code in ("vi", "en"):
            for name, path in pages.items():
                page.goto(editions.url + path.format(code=code))
                assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, code, width)
                page.screenshot(path=str(ARTIFACTS / f"edition-{code}-{name}-{width}.png"), full_page=True)


VI_DATE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2} \(GMT\+7\)$")  # 07/03/2026 08:07 (GMT+7)
EN_DATE = re.compile(r"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} \(GMT\+7\)$")  # fmt: skip
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def test_editions_read_in_their_language_at_both_widths(  # type: ignore[no-untyped-def]
    settings: Settings,
    store: SQLStore,
    browser,
    tmp_path: Path,
) -> None:
    """/vi/, /en/, a Vietnamese article and its English edition at 1280 and 390 px: every listed article is
    readable in the edition's language (the German and Swedish ones are not listed), every date is written as the
    edition's readers write it with an ISO 8601 ``datetime``, nothing is wider than the window, and no request
    leaves the machine. The screenshots are in the test's tmp dir."""
    ids = store_editions(store)
    for number, language, title in ((7, "de", "Sturm trifft die Küste"), (8, "sv", "Stormen når kusten")):
        store.upsert_article(make_article(number, language=language, title=title, published=datetime(2026, 3, 7, 1, 7, tzinfo=UTC)))  # fmt: skip
    languages = {a.id: a.language for a in store.latest_articles(50)}
    pages = {
        "home": "/{code}/",
        "article": "/vi/article/" + str(ids["original"]) + "/x",
        "edition": "/en/article/" + str(ids["translation"]) + "/x",
    }
    with LiveServer(create_app(settings, store)) as server:
        for width in (1280, 390):
            page = loopback_only(browser, width)
            for name, path in pages.items():
                for code in ("vi", "en") if name == "home" else (path[1:3],):
                    page.goto(server.url + path.format(code=code))
                    assert page.get_attribute("html", "lang") == code
                    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, code, width)
                    dates = page.eval_on_selector_all("main time", "els => els.map(e => [e.textContent, e.dateTime])")
                    assert dates, (name, code)
                    for shown, machine in dates:
                        assert (VI_DATE if code == "vi" else EN_DATE).match(shown.strip()), (name, code, shown)
                        assert ISO.match(machine), machine
                    if name == "home":
                        hrefs = page.eval_on_selector_all(
                            "main a[href*='/article/']", "els => els.map(e => e.pathname)"
                        )
                        listed = {int(href.split("/")[3]) for href in hrefs}
                        assert listed and all(languages[i] == code for i in listed), (code, listed)
                        text = page.inner_text("main")
                        assert "Sturm trifft" not in text and "Stormen" not in text
                        assert "untranslated" not in text and "chưa dịch" not in text
                    page.screenshot(path=str(tmp_path / f"{name}-{code}-{width}.png"), full_page=True)
            assert page.blocked == []
    assert len(list(tmp_path.glob("*.png"))) == 8
