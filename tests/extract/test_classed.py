"""The readers that walk the page's element list must name the nodes their XPath did, in the same order.

Each XPath below is what the reader asked libxml2 before ``extract/classed.py``; they are kept here as the
definition the Python walks are held to, on a hand-written page of edge cases and on real pages of the shared
corpora (skipped where absent).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.article import _class_scan
from newsloom.extract.authors import _author_classed, _byline_classed, _is_explicit_byline, visible_bylines
from newsloom.extract.classed import PageElements, has_class_token
from newsloom.extract.htmlparse import load_html
from newsloom.extract.pagefields import _tag_links, printed_date, visible_tags
from newsloom.extract.publisher import _html_breadcrumbs

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"

BYLINE = etree.XPath(
    "/descendant::*["
    '(@itemprop="name" and ancestor::*[@itemprop="author"])'
    ' or (self::a and (@rel="author" or ((contains(@href, "autor") or contains(@href, "author"))'
    ' and ancestor::*[contains(@class, "byline") or contains(@class, "author")])))'
    ' or (contains(@class, "author-name") and contains(concat(" ", normalize-space(@class), " "), " author-name "))'
    ' or (contains(@class, "byline__name") and contains(concat(" ", normalize-space(@class), " "), " byline__name "))'
    "]"
)
BYLINE_CLASSED = etree.XPath(
    '//body/descendant::*[contains(translate(@class, "AUTHOR", "author"), "author")]'
    "[not(ancestor-or-self::script or ancestor::a)]"
)
DATE_CLASSED = etree.XPath(
    "//body/descendant::*[@class][contains(@class, 'time') or contains(@class, 'date') or contains(@class, 'publish')]"
)
TAG_LINKS = etree.XPath(
    "//body/descendant::a[@rel='tag' or contains(@rel, ' tag') or contains(@rel, 'tag ')]"
    " | //body/descendant::*[@class][contains(@class, 'tags') or contains(@class, 'tag-list')"
    " or contains(@class, 'taglist') or contains(@class, 'topics') or contains(@class, 'keywords')"
    " or contains(@class, 'schlagw')][not(ancestor::nav or ancestor::header or ancestor::footer)]/descendant::a"
)
BREADCRUMB = etree.XPath('/descendant::*[contains(@class, "breadcrumb")][.//a]')
CLASS_SCAN = etree.XPath(
    "//body/descendant::*[self::figcaption or contains(@class, 'caption') or contains(@class, 'Caption')"
    " or contains(@class, 'source') or contains(@class, 'tooltip') or contains(@class, 'popover')"
    " or contains(@class, 'rollover') or contains(@class, 'hovercard')]"
)

EDGE_CASES = """<!DOCTYPE html><html class="no-js"><head><title class="t">T</title>
<meta class="breadcrumb-meta" content="x"></head>
<body class="page author-page date">
<header><ul class="tags"><li><a href="/t/menu">Menu topic</a></li></ul></header>
<nav class="breadcrumbs"><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="topics-box"><a href="/t/1">Đà Nẵng</a><div class="tags"><a href="/t/2">Huế</a></div></div>
<p><a rel="tag" href="/t/3">Rel tag</a> <a rel="nofollow tag" href="/t/4">Two rels</a> <a rel="tagged">Not</a></p>
<div itemprop="author"><span itemprop="name">Nguyễn Văn A</span></div>
<span class="x&#9;author-name&#10;y">Tab Separated</span><span class="author-names">Not a token</span>
<div class="Byline"><a href="/autor/b">B Person</a></div><a href="/author/c">No byline box</a>
<div class="AUTHOR-box"><a class="author" href="#">inside a link</a><script class="author"></script>
<p class="AuThOr">Mixed Case</p></div>
<figure><img src="a.jpg"><figcaption>Cap</figcaption></figure><div class="photo-Caption source">Ảnh: X</div>
<span class="hovercard"><a href="/p">Card</a></span><div class="" id="empty-class"></div>
<div class="post-date">07/03/2026 08:47</div><time class="publish">x</time>
</body></html>"""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _pages() -> list[lxml_html.HtmlElement]:
    pages = [load_html(EDGE_CASES)]
    aeb = CORPORA / "article-extraction-benchmark" / "html"
    pages += [load_html(_text(gzip.decompress(path.read_bytes()))) for path in sorted(aeb.glob("*.html.gz"))[::6]]
    fundus = CORPORA / "fundus-publishers"
    if (fundus / "ground-truth.jsonl").exists():
        for line in (fundus / "ground-truth.jsonl").read_text().splitlines()[::8]:
            path = fundus / json.loads(line)["html"]
            data = path.read_bytes()
            pages.append(load_html(_text(gzip.decompress(data) if path.suffix == ".gz" else data)))
    return [page for page in pages if page is not None]


PAGES = _pages()


@pytest.fixture(params=range(len(PAGES)), ids=lambda index: f"page{index}")
def tree(request: pytest.FixtureRequest) -> lxml_html.HtmlElement:
    return PAGES[request.param]


def test_the_list_is_the_page_and_its_body(tree: lxml_html.HtmlElement) -> None:
    page = PageElements(tree)
    assert [element for element, _ in page.page()] == tree.xpath("/descendant::*")
    assert [element for element, _ in page.body()] == tree.xpath("//body/descendant::*")
    assert all(classes == element.get("class") for element, classes in page.page())


def test_readers_name_what_their_xpath_named(tree: lxml_html.HtmlElement) -> None:
    page = PageElements(tree)
    assert [element for element, classes in page.page() if _is_explicit_byline(element, classes)] == BYLINE(tree)
    assert _author_classed(page) == BYLINE_CLASSED(tree)
    assert page.body_classed(("time", "date", "publish")) == DATE_CLASSED(tree)
    assert _tag_links(page) == TAG_LINKS(tree)
    assert page.first_with_link("breadcrumb") == (BREADCRUMB(tree) or [None])[0]
    assert _class_scan(page) == CLASS_SCAN(tree)


def test_edge_cases_read_as_a_reader_would() -> None:
    tree = load_html(EDGE_CASES)
    assert tree is not None
    assert visible_bylines(tree) == ["Nguyễn Văn A"]
    assert visible_tags(tree) == ["Đà Nẵng", "Huế", "Rel tag", "Two rels"]  # not the header's, not rel=tagged
    assert _html_breadcrumbs(tree) == ["World"]  # the <meta> in <head> holds no link
    assert printed_date(tree, "vi") is not None and printed_date(tree, "vi").hour == 8
    assert [e.text_content() for e in _byline_classed(PageElements(tree))] == [
        "Tab Separated",
        "Not a token",
        "inside a link",
        "Mixed Case",
    ]


def test_class_tokens_split_where_xpath_splits() -> None:
    assert has_class_token("x\tauthor-name\ny", "author-name")
    assert not has_class_token("author-names", "author-name")
    assert not has_class_token("x\u00a0author-name", "author-name")  # a no-break space is not XPath space


def test_scan_after_removals_names_only_what_is_still_in_the_page() -> None:
    tree = load_html(
        "<html><body><figure><img src='a.jpg'><figcaption>Cap <span class='source'>Ảnh: X</span>"
        "</figcaption></figure><div class='x'><p class='caption'><b class='tooltip'>t</b></p></div>"
        "<p class='source'>Theo Y</p></body></html>"
    )
    assert tree is not None
    page = PageElements(tree)
    assert len(_class_scan(page)) == 5
    tree.find(".//figcaption/span").drop_tree()  # what a figure reader does with a credit line
    tree.find(".//div[@class='x']").drop_tree()
    assert _class_scan(page) == CLASS_SCAN(tree)
    assert [element.get("class") for element in _class_scan(page)] == [None, "source"]
