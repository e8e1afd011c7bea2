"""Targets a finger can hit: in real Chromium at 1280 and 390 px, every link in a line of metadata (an outlet's
name on a card, a section, an author) and in the footer's navigation is at least 24 px high (WCAG 2.2 AA, 2.5.8
target size; links inside a sentence are exempt and not measured). Outlet logos are asked for at the size they
are shown at, in their own proportions. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsloom.model import Media
from newsloom.settings import Settings
from newsloom.store import SQLStore
from newsloom.web.pictures import LOGO_HEIGHT, picture_html
from tests.support.browser import ARTIFACTS, CHROMIUM
from tests.support.corpora_portal import Served, serve_corpora

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]
WIDTHS = (1280, 390)
MEASURED = ".meta a, .footer-nav a, .tag-cloud a"
SIZE = (
    "els => els.map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height, e.getBoundingClientRect().width])"
)


@pytest.fixture
def served(settings: Settings, store: SQLStore) -> Iterator[Served]:
    yield from serve_corpora(settings, store, "canonical")


def test_metadata_and_footer_links_are_24px_targets(served: Served, browser) -> None:  # type: ignore[no-untyped-def]
    paths = ["/vi/", "/en/section/the-gioi", f"/en/article/{served.named['translation']}/x", "/en/outlets"]
    blocked: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served.url) else
                   (blocked.append(route.request.url), route.abort())[1])  # fmt: skip
        measured = 0
        for path in paths:
            page.goto(served.url + path)
            page.screenshot(path=str(ARTIFACTS / f"targets-{path.strip('/').replace('/', '-')[:40]}-{width}.png"),
                            full_page=True)  # fmt: skip
            for html, height, across in page.eval_on_selector_all(MEASURED, SIZE):
                if across:  # shown (a link hidden at this width is not a target)
                    assert height >= 24, (width, path, html, height)
                    measured += 1
        assert measured > 10, width  # the selectors found the links
        page.close()
    assert blocked == []


def test_logos_are_asked_for_at_their_shown_size() -> None:
    wide = Media(url="https://x.example/logo.png", status="ok", digest="ab" * 16, mime="image/png", width=1000,
                 height=200, widths=(320, 640, 1000))  # fmt: skip
    markup = str(picture_html(wide, "Example logo", "logo"))
    assert f'sizes="{5 * LOGO_HEIGHT}px"' in markup  # 5:1 shown 20 px high is 100 px wide, not a card's 480
    assert 'width="320" height="64"' in markup  # the smallest rendition that covers it, in its proportions
