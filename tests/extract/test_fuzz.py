"""Mutated real pages never raise anything but ExtractError: an article or a reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsloom.errors import ExtractError
from newsloom.extract import extract_article
from tests.conftest import article_html

CDN = "https://cdn.example.net/crops"
# Exercises the news layer's own parts: cover matching over srcset/<picture>/preload, chunked bodies, a bold
# byline, a hover card, calls to action.
RICH_PAGE = article_html(
    extra_head=(
        f'<meta property="og:image" content="{CDN}/share/w=1200,h=630/7f3a9c21-storm.jpg">'
        f'<link rel="preload" as="image" imagesrcset="{CDN}/w=320/7f3a9c21-storm.jpg 320w, {CDN}/w=960/x.jpg 2x">'
        '<meta name="author" content="Example News"><meta name="keywords" content="category: Weather, 1234, a.b.com">'
    ),
    body_prefix=(
        "<p><strong>Jane Roe/John Doe</strong></p>"
        f'<figure><picture><source srcset="{CDN}/w=640,q=80/7f3a9c21-storm.webp 640w, , {CDN}/w=1600/7f3a9c21-storm.webp">'
        f'<img src="{CDN}/w=640,q=80/7f3a9c21-storm.jpg" data-srcset="{CDN}/a.jpg 1.5x, {CDN}/b.jpg 3x"></picture>'
        "<figcaption>Waves. © Jane Roe</figcaption></figure>"
        '<div class="chunks"><div class="body__container"><p>The storm reached the coast early on Tuesday, bringing '
        "heavy rain and strong winds to several towns along the bay, officials said.</p></div>"
        '<div class="ad">Advertisement</div><div class="body__container"><p>Rescue crews worked through the night '
        'to reach <span class="tooltip">villages<span class="tooltip-card"><a href="/x">Other story</a></span>'
        "</span> cut off by the flooding river, the fire brigade said on Wednesday morning.</p></div></div>"
        "<p>SEE MORE: Storm pictures</p><p>You may also like...</p>"
    ),
).encode()
SEED_PAGES = [
    (Path(__file__).parent / "pages" / "dantri.html").read_bytes(),
    article_html().encode(),
    RICH_PAGE,
]


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    page = bytearray(draw(st.sampled_from(SEED_PAGES)))
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(st.sampled_from(["cut", "flip", "insert", "duplicate", "nest"]))
        position = draw(st.integers(0, max(0, len(page) - 1)))
        if operation == "cut":
            del page[position : position + draw(st.integers(1, 2000))]
        elif operation == "flip" and page:
            page[position] = draw(st.integers(0, 255))
        elif operation == "insert":
            page[position:position] = draw(st.binary(max_size=64))
        elif operation == "duplicate":
            page[position:position] = page[position : position + draw(st.integers(1, 500))] * 3
        else:
            page[position:position] = b"<div>" * draw(st.integers(1, 400))
    return bytes(page)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pages(), st.sampled_from([None, "https://example.com/a", "not a url"]))
def test_mutated_pages_give_an_article_or_a_reason(page: bytes, url: str | None) -> None:
    try:
        article = extract_article(page, url=url)
    except ExtractError as error:
        assert error.reason
    else:
        assert article.title and article.body


def test_deeply_nested_and_gigantic_inputs() -> None:
    deep = b"<html><body>" + b"<div>" * 100_000 + b"<p>text</p>" + b"</div>" * 100_000 + b"</body></html>"
    for data in (deep, b"<html>" + b"a" * 20_000_000 + b"</html>", "<p>x</p>".encode("utf-16")):
        try:
            extract_article(data)
        except ExtractError as error:
            assert error.reason


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_srcset_parses_to_urls_without_spaces(srcset: str) -> None:
    from newsloom.extract.figures import parse_srcset

    for candidate in parse_srcset(srcset):
        assert candidate.url and not any(ch.isspace() for ch in candidate.url)
        assert candidate.width is None or candidate.width >= 0
