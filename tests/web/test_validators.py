"""The field's own checkers over every page type of a live portal: the Nu Html Checker (vnu.jar) finds no error
in the markup, and axe-core finds no accessibility violation at 1280 and 390 px.

The portal holds realistic content: a slice of the shared corpora (their pictures fetched from a loopback image
server), a translated pair and an untranslated article, an article with a video, published comments with a reply,
a story and enough matching articles for search to paginate. The checkers come from tools/package-lock.json
(installed by scripts/test-services.sh); the tests skip where they, Java or Chromium are missing. vnu.jar runs
once, in one Java process, over every page (the JVM is slow to start). Each checker also checks a small page with
known faults in the same run, so a checker that silently checks nothing fails the test. Every request the browser
makes off 127.0.0.1 is aborted and counted: there must be none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from newsloom.media.stage import run_media_stage
from newsloom.model import Block, BlockKind, Comment, Image
from newsloom.pipeline import update_stories
from newsloom.settings import Settings
from newsloom.store import SQLStore, open_store
from newsloom.store.comments import CommentStore
from newsloom.store.media import MediaStore
from newsloom.store.portal_queries import PortalQueries
from newsloom.store.stories import StoryStore
from newsloom.web import create_app
from tests.conftest import LiveServer
from tests.media.cdn import ImageServer, LoopbackCDN
from tests.support.articles import make_article
from tests.support.corpora_portal import import_slices
from tests.support.editions import store_editions

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
SLICES = {"vietnamese-news/html": 4, "article-extraction-benchmark/html": 4, "fundus-publishers/html": 4,
          "fundus-evaluation/html": 3}  # fmt: skip
WIDTHS = (1280, 390)
SEARCH_MATCHES = 25  # more than a page of results
# Faults each checker must report in the control page: proof that it ran and read the page.
CONTROL = '<!doctype html><html><head><title>x</title></head><body><img src="/x.png"><p><div>x</div></p></body></html>'

# The rules of WCAG 2.0, 2.1 and 2.2 at A and AA (2.2's target size among them, which axe leaves off by default)
# and axe's best practices; only violations are gathered (faster).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = (
    "axe.run(document, {runOnly: {type: 'tag', values: " + json.dumps(AXE_TAGS) + "}, resultTypes: ['violations']})"
    """.then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(node => node.target.join(' '))})))"""
)

pytestmark = pytest.mark.timeout(600)


@dataclass
class Portal:
    url: str
    pages: dict[str, str]  # page type -> path


def _import_corpora(store: SQLStore) -> list[int]:
    return import_slices(store, SLICES)


def _store_video(store: SQLStore) -> int:
    article = make_article(60, title="Harbour footage of the storm", section="World")
    article.blocks.insert(1, Block(BlockKind.VIDEO, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                                   image=Image(url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg")))  # fmt: skip
    return store.upsert_article(article).article_id  # type: ignore[return-value]


def _store_comments(store: SQLStore, article_id: int) -> None:
    comments = CommentStore(store.engine)
    first = comments.add(Comment(article_id, "Lan", "Thanks for the clear report.", status="published"))
    comments.add(Comment(article_id, "Sam", "Agreed, and the pictures help.", status="published", parent_id=first))
    comments.add(Comment(article_id, "Kim", "Is there an update from the harbour?", status="published"))


def _pages(store: SQLStore, ids: dict[str, int], story_id: int) -> dict[str, str]:
    queries = PortalQueries(store.engine)
    section = next(s.slug for s in queries.sections() if s.articles)
    outlet = queries.outlets()[0].slug
    return {
        "home": "/",
        "home-vi": "/vi/",
        "section": f"/section/{section}",
        "article": f"/article/{ids['article']}",
        "article-video": f"/article/{ids['video']}",
        "article-translated": f"/en/article/{ids['translation']}/x",
        "article-side-by-side": f"/en/article/{ids['translation']}/x?side=1",
        "article-untranslated": f"/en/article/{ids['untranslated']}/x",
        "tag": "/tag/storms",
        "author": "/author/jane-roe",
        "outlet": f"/outlet/{outlet}",
        "outlets": "/outlets",
        "story": f"/story/{story_id}",
        "search": "/search?q=harbour",
        "search-page-2": "/search?q=harbour&page=2",
        "search-filtered": "/search?q=harbour&section=world&from=2024-01-01",
        "search-empty": "/search?q=zzzzunfound",
        "videos": "/videos",
        "not-found": "/no-such-page",
        "admin-login": "/admin/login",
    }


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("validators") / "data", allow_networks="127.0.0.0/8",
                        crawl_min_delay=0.0, fetch_retries=0, comment_policy="moderate")  # fmt: skip
    store = open_store(settings)
    corpus_ids = _import_corpora(store)
    editions = store_editions(store)
    video = _store_video(store)
    matches = [store.upsert_article(make_article(100 + n, title=f"Harbour police report {n}")).article_id
               for n in range(SEARCH_MATCHES)]  # fmt: skip
    update_stories(store)
    with ImageServer() as cdn:
        run_media_stage([*corpus_ids, video, *matches], settings, store, transport=LoopbackCDN(cdn.port))
    covers = MediaStore(store.engine).covers(corpus_ids) if corpus_ids else {}
    article = max(covers, key=lambda i: len(store.get_article(i).blocks)) if covers else matches[0]  # type: ignore[union-attr]
    _store_comments(store, article)
    reports = list(dict.fromkeys([matches[0], video, article]))
    story_id = StoryStore(store.engine).create_story("Harbour storm", reports, datetime.now(UTC))
    pages = _pages(store, {"article": article, "video": video, **editions}, int(story_id))
    with LiveServer(create_app(settings, store)) as server:
        yield Portal(server.url, pages)
    store.close()


def _fetch(portal: Portal) -> dict[str, str]:
    """Each page type's HTML, after redirects; every page answers 200 but the 404 page."""
    found = {}
    with httpx.Client(base_url=portal.url, follow_redirects=True, timeout=30) as client:
        for name, path in portal.pages.items():
            response = client.get(path)
            assert response.status_code == (404 if name == "not-found" else 200), (name, path)
            assert response.headers["content-type"].startswith("text/html"), (name, path)
            found[name] = response.text
    for name in ("home", "article", "article-video", "search"):  # pictures stored from the loopback CDN
        assert 'src="/media/' in found[name], f"{name} shows no stored picture"
    return found


@pytest.mark.services  # the Nu Html Checker, a Java process
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="java is not installed")
@pytest.mark.skipif(not VNU.exists(), reason="vnu.jar missing: run scripts/test-services.sh")
def test_nu_html_checker_finds_no_error_on_any_page_type(portal: Portal, tmp_path: Path) -> None:
    files = {}
    for name, html in {**_fetch(portal), "control": CONTROL}.items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(html, encoding="utf-8")
    # A deep schema needs a large stack; the quick compiler alone halves the run (it is too short for the other).
    java = ["java", "-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU)]
    command = [*java, "--format", "json", "--stdout", *map(str, files.values())]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.stdout.startswith("{"), result.stderr[-2000:]
    messages = json.loads(result.stdout)["messages"]
    by_page: dict[str, list[str]] = {name: [] for name in files}
    for message in messages:
        if message["type"] in ("error", "non-document-error"):
            name = Path(urlsplit(message.get("url", "")).path).stem or "?"
            line = f"{name}:{message.get('lastLine', '?')}: {message['message']} | {message.get('extract', '')!r}"
            by_page.setdefault(name, []).append(line)
    assert len(by_page.pop("control")) >= 2, "the checker found no fault in the control page: did it run?"
    errors = [line for lines in by_page.values() for line in lines]
    assert errors == [], "\n".join(errors)


def _axe(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's violations on the page as it is shown: one line per rule and element."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {target}" for v in found for target in v["targets"]]


@pytest.mark.browser
@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run scripts/test-services.sh")
def test_axe_finds_no_violation_on_any_page_type_at_both_widths(portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    # The portal's policy forbids every script; axe is injected, so this context alone ignores the policy.
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True)
    refused: list[str] = []

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_content(CONTROL)
    assert {line.split(" ", 1)[0] for line in _axe(page)} >= {"html-has-lang", "image-alt"}, "axe did not run"
    violations = []
    for name, path in portal.pages.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(portal.url + path, wait_until="load")
        for width in WIDTHS:  # the same page laid out again at each width: media queries apply, no reload
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("window.innerWidth") == width
            violations += [f"{name} @{width}px: {line}" for line in _axe(page)]
    context.close()
    assert violations == [], "\n".join(violations)
    assert refused == []
