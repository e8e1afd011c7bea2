"""Mutated real pages never raise anything but ExtractError: an article or a reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsloom.errors import ExtractError
from newsloom.extract import extract_article
from tests.conftest import article_html

SEED_PAGES = [
    (Path(__file__).parent / "pages" / "dantri.html").read_bytes(),
    article_html().encode(),
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
