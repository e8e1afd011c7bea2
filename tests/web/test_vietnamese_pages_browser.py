"""The Vietnamese portal in a real browser, over the real Vietnamese outlets' pages (../shared/corpora/vietnamese-news)
and their English editions made by the tiny vi→en model: /vi/, /en/, a Vietnamese article and its English edition
at 1280 and 390 px.

What a reader of each edition must see: dates written as they write them ("07/03/2026 08:07 (GMT+7)",
"7 March 2026, 08:07 (GMT+7)"), only articles they can read on their edition's front page, the article's own photo
as its cover at the size of the column (not one of the related articles' thumbnails the source page carries), no
related article's headline inside the body, and nothing wider than the window. The publishers' picture servers are
stood in for by storing a drawing of each picture the pages name (each URL its own drawing, so a wrong picture
shows as a wrong digest). Screenshots go to test-artifacts/vietnamese-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsloom.media.stage import store_image
from newsloom.media.storage import open_storage
from newsloom.model import Article
from newsloom.pipeline.translation import translate_pending
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.store.media import MediaStore
from newsloom.web import create_app
from tests.media.cdn import picture
from tests.support.browser import ARTIFACTS, loopback_only
from tests.support.corpora_portal import import_slices
from tests.support.vietnamese_news import links_to_other_pages, og_image, page_pictures, page_record, space
from tests.support.web import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]

# Pages whose cover photo (og:image) leads the article above the body, not among its pictures: Dân trí, and
# Báo Đầu tư, whose body sits beside a box of related headlines the extraction must leave out.
COVER_PAGES = ("007", "004")
WIDTHS = (1280, 390)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATES = {
    "vi": re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2} \(GMT\+7\)$"),  # 07/03/2026 08:07 (GMT+7)
    "en": re.compile(rf"^\d{{1,2}} ({MONTHS}) \d{{4}}, \d{{2}}:\d{{2}} \(GMT\+7\)$"),  # 7 March 2026, 08:07 (GMT+7)
}


@dataclass
class Portal:
    url: str
    media: MediaStore
    languages: dict[int, str | None]
    pairs: dict[str, tuple[Article, Article]]  # COVER_PAGES: the Vietnamese article and its English edition


def written(published: str, code: str) -> str:
    """The source's own date (local time, +07:00, the portal's zone) as the edition's readers write it."""
    when = datetime.fromisoformat(published)
    if code == "vi":
        return when.strftime("%d/%m/%Y %H:%M (GMT+7)")
    return f"{when.day} {when.strftime('%B %Y, %H:%M')} (GMT+7)"


@pytest.fixture
def portal(settings: Settings, store: SQLStore, tiny_models: Path) -> Iterator[Portal]:
    """The 11 pages imported, every one translated into English by the tiny model, the pictures stored."""
    chosen = {page_id: page_record(page_id) for page_id in COVER_PAGES}  # skips where the corpus is absent
    configured = settings.model_copy(update={"translate_backend": "ctranslate2", "translate_model_dir": tiny_models})
    ids = import_slices(store, {"vietnamese-news/html": 11})
    assert len(ids) == 11
    stats = translate_pending(store, configured)
    assert stats.editions == len(ids) and stats.failed == 0, stats.failures
    articles = store.latest_articles(100)
    pairs = {}
    for page_id, record in chosen.items():
        original = next(a for a in articles if a.translated_from is None and record["url"] in (a.url, a.canonical_url))
        pairs[page_id] = (original, next(a for a in articles if a.translated_from == original.id))
    urls = {image.url for article in articles for image in article.images}
    for record in chosen.values():
        urls |= page_pictures(record)
    # Covers drawn wide enough to fill the column at 1280 px; the other pictures (in bodies, related articles'
    # thumbnails) smaller, which makes their renditions a fraction of the work: a wrong picture shown as a cover
    # still fails on its digest, and on its size too.
    covers = {article.cover_image.url for article in articles if article.cover_image is not None}
    covers |= {url for record in chosen.values() if (url := og_image(record)) is not None}
    storage, media = open_storage(configured), MediaStore(store.engine)
    for url in sorted(urls):
        size = (1200, 675) if url in covers else (480, 270)
        assert store_image(url, picture(url, size), configured, storage, media).ok, url
    with LiveServer(create_app(configured, store)) as server:
        yield Portal(server.url, media, {a.id: a.language for a in articles}, pairs)


def open_page(browser: Any, width: int, locale: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    return page, loopback_only(page)


def check_common(page: Any, code: str, width: int, name: str) -> None:
    """The edition's language, its date format on every date in the page's main part, nothing wider than the
    window; then a full-page screenshot."""
    assert page.get_attribute("html", "lang") == code
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"), (name, width)
    dates = page.eval_on_selector_all("main time", "els => els.map(e => e.textContent.trim())")
    assert dates, (name, width)
    wrong = [shown for shown in dates if not DATES[code].match(shown)]
    assert not wrong, (name, width, wrong)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"vietnamese-{name}-{width}.png"), full_page=True)


def check_article(page: Any, portal: Portal, page_id: str, article: Article, code: str, width: int) -> None:
    record = page_record(page_id)
    name = f"article-{page_id}-{code}"
    check_common(page, code, width, name)
    assert page.inner_text(".article header time") == written(record["publishing_date_iso"], code)
    # The cover: the article's own photo (the page's og:image), stored and served from /media at column size.
    cover_url = og_image(record)
    assert cover_url is not None and article.cover_image is not None and article.cover_image.url == cover_url
    stored = portal.media.lookup([cover_url])[cover_url]
    page.wait_for_function("() => { const i = document.querySelector('.article .cover img'); return i && i.complete }")
    shown = page.eval_on_selector(
        ".article .cover img",
        """img => ({src: img.currentSrc, natural: img.naturalWidth, width: img.getBoundingClientRect().width,
                   height: img.getBoundingClientRect().height,
                   column: document.querySelector('.article').getBoundingClientRect().width})""",
    )
    assert stored.digest and stored.digest in shown["src"], (shown, cover_url)
    assert shown["natural"] > 0 and shown["width"] >= 0.9 * shown["column"], (name, width, shown)
    assert shown["width"] > 180 and shown["height"] > 120 and shown["natural"] >= shown["width"], shown
    # No related article's headline in the body.
    body = space(page.inner_text(".article-body"))
    headlines, _ = links_to_other_pages(record)
    assert headlines and body, (len(headlines), body[:80])
    assert not [headline for headline in headlines if headline in body], (name, width)


def test_vietnamese_pages_read_right_in_both_editions_at_both_widths(portal: Portal, browser: Any) -> None:
    for width in WIDTHS:
        for code in ("vi", "en"):
            page, blocked = open_page(browser, width, "vi-VN" if code == "vi" else "en-GB")
            page.goto(f"{portal.url}/{code}/")
            check_common(page, code, width, f"home-{code}")
            hrefs = page.eval_on_selector_all("main a[href*='/article/']", "els => els.map(e => e.pathname)")
            listed = {int(href.split("/")[3]) for href in hrefs}
            assert listed and {portal.languages[i] for i in listed} == {code}, (code, width, listed)
            for page_id, (original, edition) in portal.pairs.items():
                article = original if code == "vi" else edition
                assert article.id in listed, (code, width, page_id)
                page.goto(f"{portal.url}/{code}/article/{article.id}/x")
                check_article(page, portal, page_id, article, code, width)
            assert blocked == [], blocked
