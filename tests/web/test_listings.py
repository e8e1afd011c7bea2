"""Section, tag, author, outlet and story pages, the related blocks of the article page, and its metadata."""

from __future__ import annotations

import json
import re

from tests.web.conftest import Site


def titles(html: str) -> list[str]:
    return re.findall(r'class="article-link" href="[^"]+">([^<]+)<', html)


def test_section_tag_author_pages(site: Site) -> None:
    with site.client() as client:
        assert titles(client.get("/section/sport").text) == ["Article number 4 about Hà Nội"]
        assert len(titles(client.get("/section/world").text)) == 4
        assert titles(client.get("/tag/football").text) == ["Article number 4 about Hà Nội"]
        assert len(titles(client.get("/author/jane-roe").text)) == 4
        for missing in ("/section/nope", "/tag/nope", "/author/nope", "/outlet/nope", "/story/999"):
            assert client.get(missing).status_code == 404, missing


def test_section_pagination_with_cursor(site: Site, store=None) -> None:  # type: ignore[no-untyped-def]
    from tests.support.articles import make_article

    for number in range(10, 40):
        site.store.upsert_article(make_article(number))
    with site.client() as client:
        first = client.get("/section/world")
        page_one = titles(first.text)
        assert len(page_one) == 20
        older = re.search(r'rel="next" href="\?before=([^"]+)"', first.text)
        assert older is not None
        page_two = titles(client.get(f"/section/world?before={older.group(1)}").text)
        assert page_two and not set(page_one) & set(page_two)
        assert len(page_one) + len(page_two) == 34


def test_outlet_pages(site: Site) -> None:
    with site.client() as client:
        listing = client.get("/outlets").text
        assert "Example News" in listing and "Other Daily" in listing
        page = client.get("/outlet/example-com").text
        assert "Not crawled" in page and len(titles(page)) == 4


def test_story_page_is_full_coverage(site: Site) -> None:
    with site.client() as client:
        html = client.get(f"/story/{site.story_id}").text
    assert "Storms hit the coast" in html and "2 articles from 2 outlets" in html
    assert "first reported by <strong>Example News</strong>" in html
    assert html.index("Article number 1") < html.index("Article number 4")  # timeline oldest first
    cites = html.split('class="citations"', 1)[1].split("</ul>", 1)[0]
    assert re.search(
        rf'href="#report-{site.ids[3]}">Other Daily</a> cites\s+<a href="#report-{site.ids[0]}">Example News</a>', cites
    )
    assert "RT (not followed here)" in " ".join(cites.split())


def test_article_related_blocks_and_empty_states(site: Site) -> None:
    with site.client() as client:
        html = client.get(f"/article/{site.ids[0]}", follow_redirects=True).text
        lonely = client.get(f"/article/{site.ids[3]}", follow_redirects=True).text
    same_tag = html.split('id="rel-tag"', 1)[1].split("</section>", 1)[0]
    assert "Article number 2" in same_tag and "Article number 1 " not in same_tag
    same_story = html.split('id="rel-story"', 1)[1].split("</section>", 1)[0]
    assert "Article number 4" in same_story and f"/story/{site.story_id}" in same_story
    assert "No data" not in html
    assert "No other article shares a tag with this one yet." in lonely
    assert "No other article in this section yet." in lonely
    assert "Comment (0)" in html


def test_article_head_metadata(site: Site) -> None:
    with site.client() as client:
        html = client.get(f"/article/{site.ids[1]}", follow_redirects=True).text
    # Republished full text: canonical to the publisher's original (syndication = "canonical", the default).
    assert '<link rel="canonical" href="https://news.example.com/a/2?utm_source=feed">' in html
    assert re.search(r'<meta property="og:url" content="http://127\.0\.0\.1:8000/en/article/\d+/article-number-2', html)
    assert '<meta property="og:title" content="Article number 2 about Hà Nội">' in html
    assert '<meta name="description" content="Lead paragraph.">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["@type"] == "NewsArticle" and data["headline"] == "Article number 2 about Hà Nội"
    assert [a["name"] for a in data["author"]] == ["Jane Roe", "John Doe"]
    assert data["datePublished"] == "2024-10-26T16:24:00+07:00"  # the portal's time zone, Asia/Ho_Chi_Minh


def test_json_ld_cannot_break_out_of_its_script(site: Site) -> None:
    from tests.support.articles import make_article

    hostile = make_article(99, title="</script><script>alert(1)</script>")
    article_id = site.store.upsert_article(hostile).article_id
    with site.client() as client:
        html = client.get(f"/article/{article_id}", follow_redirects=True).text
    assert "<script>alert(1)</script>" not in html
    assert html.count("</script>") == html.count("<script") == 2  # the article and its breadcrumbs, both closed once


def test_search_filters(site: Site) -> None:
    with site.client() as client:
        everything = titles(client.get("/search", params={"q": "paragraph"}).text)
        sport = titles(client.get("/search", params={"q": "paragraph", "section": "sport"}).text)
        outlet = titles(client.get("/search", params={"q": "paragraph", "outlet": "example-org"}).text)
        dated = titles(client.get("/search", params={"q": "paragraph", "from": "2030-01-01"}).text)
    assert len(everything) == 5 and sport == ["Article number 4 about Hà Nội"] == outlet and dated == []


def test_etag_gives_304_until_something_changes(site: Site) -> None:
    with site.client() as client:
        first = client.get("/")
        etag = first.headers["etag"]
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
        site.store.set_hidden(site.ids[0], True)
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_security_headers(site: Site) -> None:
    with site.client() as client:
        headers = client.get("/").headers
    assert "script-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_cached_pages_follow_changes_and_are_the_same_for_every_reader(site: Site) -> None:
    with site.client() as first, site.client() as second:
        assert "Article number 2 about" in first.get("/").text
        site.store.set_hidden(site.ids[1], True)
        assert "Article number 2 about" not in first.get("/").text
        pages = [c.get(f"/article/{site.ids[0]}", follow_redirects=True) for c in (first, second)]
        tokens = [re.search(r'name="csrf_token" value="([^"]+)"', page.text) for page in pages]
    assert all(tokens) and tokens[0].group(1) == tokens[1].group(1)  # type: ignore[union-attr]
    assert pages[0].content == pages[1].content and not any("set-cookie" in page.headers for page in pages)


def test_story_page_folds_syndicated_copies_into_the_first_report(site: Site) -> None:
    """The timeline lists a text once, at its first report, with the outlets that republished it."""
    from datetime import UTC, datetime

    from newsloom.model import Block, BlockKind
    from newsloom.store.stories import StoryStore
    from tests.support.articles import make_article

    wire = "Rescue teams searched collapsed buildings through the night after the earthquake, officials said."
    ids = []
    for number, outlet in ((21, "Wire Daily"), (22, "Copy Times")):
        article = make_article(number, site_name=outlet, blocks=[Block(BlockKind.PARAGRAPH, text=wire)])
        article.url = article.canonical_url = f"https://{outlet.replace(' ', '').lower()}.example/{number}"
        ids.append(site.store.upsert_article(article).article_id)
    story_id = StoryStore(site.store.engine).create_story("Quake", ids, datetime.now(UTC))
    with site.client() as client:
        html = client.get(f"/story/{story_id}").text
    assert "(1 of them the same text as an earlier report)" in html
    timeline = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert timeline.count('class="timeline-item"') == 1  # the copy is not a report of its own
    first = timeline.split(f'<li id="report-{ids[0]}"', 1)[1].split("</li>", 1)[0]
    assert re.search(rf'also published by <a id="report-{ids[1]}" href="[^"]+">Copy Times</a>', first)


def test_story_page_folds_an_outlets_own_repost_as_republished(site: Site) -> None:
    """An outlet that posts its own text twice is not "also published by" itself: the repost folds as a date."""
    from datetime import UTC, datetime

    from newsloom.model import Block, BlockKind
    from newsloom.store.stories import StoryStore
    from tests.support.articles import make_article

    wire = "Flood water rose above the river banks overnight and hundreds of homes were evacuated, officials said."
    ids = []
    for number in (31, 32):
        article = make_article(number, site_name="Wire Daily", blocks=[Block(BlockKind.PARAGRAPH, text=wire)])
        article.url = article.canonical_url = f"https://wiredaily.example/{number}"
        ids.append(site.store.upsert_article(article).article_id)
    story_id = StoryStore(site.store.engine).create_story("Flood", ids, datetime.now(UTC))
    with site.client() as client:
        html = client.get(f"/story/{story_id}").text
    timeline = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert timeline.count('class="timeline-item"') == 1
    first = timeline.split(f'<li id="report-{ids[0]}"', 1)[1].split("</li>", 1)[0]
    assert re.search(rf'republished <a id="report-{ids[1]}" href="[^"]+">[^<]*\d[^<]*</a>', first)
    assert "also published by" not in first
