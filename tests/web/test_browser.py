"""End to end in a real browser (Debian's Chromium driven by Playwright): browse, comment, moderate, and check
that scripts smuggled into an article or a comment never run. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from newsloom.model import Block, BlockKind
from newsloom.store.users import UserStore
from tests.support.articles import make_article
from tests.support.browser import shot
from tests.support.web import Site

pytestmark = pytest.mark.browser


def test_browse_comment_moderate(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    UserStore(site.store.engine).create("editor", "correct horse battery")
    reader = browser.new_page()
    reader.goto(site.url + "/")
    shot(reader, "home")
    reader.click("text=World")
    assert "/section/world" in reader.url
    shot(reader, "section")
    reader.click("a.article-link >> nth=0")
    assert "/article/" in reader.url
    reader.click("a[href^='/tag/'] >> nth=0")
    assert "/tag/" in reader.url
    reader.goto(f"{site.url}/story/{site.story_id}")
    assert "Full coverage" in reader.content()
    shot(reader, "story")
    reader.goto(f"{site.url}/article/{site.ids[0]}")
    reader.fill("#author_name", "Browser Reader")
    reader.fill("#body", "<script>window.pwnedByComment = 1</script> Great reporting")
    reader.click("text=Post comment")
    assert "waiting for moderation" in reader.content()
    shot(reader, "article")

    editor = browser.new_page()
    editor.goto(site.url + "/admin/login")
    editor.fill("#username", "editor")
    editor.fill("#password", "correct horse battery")
    editor.click("button:has-text('Log in')")
    assert editor.url.endswith("/admin")
    shot(editor, "admin")
    editor.click("button:has-text('Approve') >> nth=0")

    reader.goto(f"{site.url}/article/{site.ids[0]}")
    reader.reload()  # the browser may keep a page a minute (Cache-Control); a reload asks the portal again
    assert "Comment (1)" in reader.content()
    assert "Great reporting" in reader.inner_text(".comment-list")
    assert reader.evaluate("typeof window.pwnedByComment") == "undefined"


def test_script_in_an_article_never_runs(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    hostile = make_article(
        77,
        title="<img src=x onerror=window.pwnedByTitle=1>Hostile",
        blocks=[
            Block(BlockKind.PARAGRAPH, text="<script>window.pwnedByBody = 1</script><b onmouseover=alert(1)>x</b>"),
        ],
    )
    article_id = site.store.upsert_article(hostile).article_id
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.url}/article/{article_id}")
    assert page.evaluate("typeof window.pwnedByBody") == "undefined"
    assert page.evaluate("typeof window.pwnedByTitle") == "undefined"
    assert re.search(r"<script>window\.pwnedByBody", page.inner_text(".article-body"))
    assert errors == []
