"""Hostile publisher content in a real browser (Debian's Chromium via Playwright, every request that is not to
127.0.0.1 aborted): a page quoting the old CSRF placeholder never carries the reader's token (F3), and an RSS
description never becomes live markup in a reader that treats it as HTML (F14)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from newsloom.model import Block, BlockKind, Image
from tests.fetch.site import FaultSite, Reply
from tests.support.articles import make_article
from tests.support.browser import loopback_only
from tests.support.web import Site

pytestmark = pytest.mark.browser
OLD_PLACEHOLDER = "__csrf_token_placeholder__"
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_publisher_text_quoting_the_placeholder_never_gets_the_readers_token(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    with FaultSite() as images:
        images.route(f"/img/{OLD_PLACEHOLDER}.png", Reply(body=PIXEL, content_type="image/png"))
        image = Image(url=images.url(f"/img/{OLD_PLACEHOLDER}.png"), caption=f"Caption {OLD_PLACEHOLDER}")
        hostile = make_article(
            91,
            title=f"Quoting {OLD_PLACEHOLDER} in a headline",
            tags=[f"tag {OLD_PLACEHOLDER}"],
            blocks=[
                Block(BlockKind.PARAGRAPH, text=f"Body text quotes {OLD_PLACEHOLDER} verbatim."),
                Block(BlockKind.IMAGE, image=image),
            ],
            images=[image],
        )
        article_id = site.store.upsert_article(hostile).article_id
        page = browser.new_page()
        aborted = loopback_only(page)
        for _ in range(2):  # the first rendering, then the page cache's copy
            page.goto(f"{site.url}/article/{article_id}")
            token = page.get_attribute("input[name=csrf_token]", "value")
            assert token and OLD_PLACEHOLDER not in token
            html = page.content()
            # The reader's token is in the comment form and nowhere else; the quoted string is shown as written.
            assert html.count(token) == 1
            assert f"Body text quotes {OLD_PLACEHOLDER} verbatim." in page.inner_text(".article-body")
            assert OLD_PLACEHOLDER in page.inner_text("h1")
            sources = page.eval_on_selector_all("img", "els => els.map(e => e.src + ' ' + e.srcset)")
            assert not any(token in source for source in sources)
        page.close()
        requested = [entry.path for entry in images.log]
    # Pictures come from the portal's /media (or a placeholder): the publisher's server never sees a reader's token.
    assert all(path == f"/img/{OLD_PLACEHOLDER}.png" for path in requested)
    assert not any(token in path for path in requested)
    assert all("127.0.0.1" not in url for url in aborted)


def test_rss_description_is_plain_text_for_readers_that_read_html(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    lead = '<script>window.pwnedByFeed = 1</script><img src=x onerror="window.pwnedByFeed = 2"> Storm & rain'
    site.store.upsert_article(make_article(92, lead=lead))
    with site.client() as client:
        feed = client.get("/feed.xml")
    assert feed.status_code == 200
    descriptions = [item.findtext("description") for item in ET.fromstring(feed.content).iter("item")]
    description = next(d for d in descriptions if d and "Storm" in d)
    # What a feed reader does with an HTML description: put it in a document. No element may come of it.
    page = browser.new_page()
    loopback_only(page)
    page.goto(site.url + "/healthz")
    elements = page.evaluate(
        """(html) => { const box = document.createElement('div'); box.innerHTML = html;
        document.body.appendChild(box); return [box.children.length, box.textContent]; }""",
        description,
    )
    assert elements == [0, lead]
    assert page.evaluate("typeof window.pwnedByFeed") == "undefined"
    assert re.search(r"&lt;script&gt;", description)
