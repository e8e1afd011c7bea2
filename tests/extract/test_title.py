"""The headline: what headline metadata and the visible page agree on."""

import pytest

from newsloom.extract import extract_article
from tests.conftest import article_html


def _page(h1: str, headline: str | None, og_title: str, html_title: str) -> bytes:
    json_ld = (
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'
        if headline
        else ""
    )
    page = article_html(title=h1, extra_head=json_ld)
    page = page.replace(f'content="{h1}"', f'content="{og_title}"', 1)
    return page.replace(f"<title>{h1} | Example News</title>", f"<title>{html_title}</title>").encode()


@pytest.mark.parametrize(
    ("h1", "headline", "og_title", "html_title", "expected"),
    [
        # the <h1> is the headline when metadata contains it
        (
            "Storm hits the coast",
            None,
            "Storm hits the coast",
            "Storm hits the coast | Example News",
            "Storm hits the coast",
        ),
        # JSON-LD and og:title agree on a kicker the <h1> leaves out
        (
            "Storm hits the coast",
            "Weather: Storm hits the coast",
            "Weather: Storm hits the coast",
            "x",
            "Weather: Storm hits the coast",
        ),
        # both carry the site name: the visible <h1> without it
        (
            "Storm hits the coast",
            "Storm hits the coast - Example News",
            "Storm hits the coast - Example News",
            "x",
            "Storm hits the coast",
        ),
        # a dash inside the agreed headline is not a site name
        (
            "Storms – what now",
            "Storm hits the coast – “critical”",
            "Storm hits the coast – “critical”",
            "x",
            "Storm hits the coast – “critical”",
        ),
    ],
)
def test_title_choice(h1: str, headline: str | None, og_title: str, html_title: str, expected: str) -> None:
    assert extract_article(_page(h1, headline, og_title, html_title)).title == expected
