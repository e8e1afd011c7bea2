"""Baseline extraction on small hand-written pages, and refusal of bad input with a reason."""

from __future__ import annotations

import unicodedata

import pytest

from newsloom.errors import ExtractError, NotAnArticle
from newsloom.extract import extract_article
from newsloom.extract.decode import decode_html
from tests.conftest import article_html


def test_fields_from_a_simple_page() -> None:
    article = extract_article(article_html().encode(), url="https://news.example.com/x?utm_source=rss")
    assert article.title == "Storm hits the coast"
    assert article.canonical_url == "https://news.example.com/world/storm-hits-the-coast"
    assert article.site_name == "Example News"
    assert article.published is not None and article.published.year == 2024
    assert "emergency crews" in article.body
    assert "Copyright" not in article.body and "Home" not in article.body
    assert article.body.count("\n\n") == 4  # five paragraphs


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", NotAnArticle),
        (b"   \n ", NotAnArticle),
        (b"\x00\x01\x02binary\x00" * 100, ExtractError),
        (b"just some plain text, no markup at all", ExtractError),
        (b"<html><body><p>Too short.</p></body></html>", NotAnArticle),
    ],
)
def test_bad_input_gives_a_reason(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        extract_article(data)
    assert raised.value.reason  # type: ignore[attr-defined]


def test_decode_follows_meta_charset_and_distrusts_wrong_labels() -> None:
    # windows-1258 writes tones as combining marks after a base letter (ê + acute, ơ + acute).
    vietnamese = "<html><head><meta charset='windows-1258'></head><body>Th\u00ea\u0301 gi\u01a1\u0301i</body></html>"
    text, encoding = decode_html(vietnamese.encode("cp1258"))
    assert "Thế giới" in text
    assert encoding == "cp1258"
    utf8_labelled_latin1 = "<html><head><meta charset='iso-8859-1'></head><body>Dân trí</body></html>".encode()
    text, encoding = decode_html(utf8_labelled_latin1)
    assert "Dân trí" in text and encoding == "utf-8"
    text, _ = decode_html("<p>Dân trí</p>".encode("utf-16"))
    assert "Dân trí" in text


def test_placeholder_dates_are_not_dates() -> None:
    from newsloom.extract.metadata import parse_date

    assert parse_date("0001-01-01T00:00:00") is None
    assert parse_date("1970-01-01T00:00:00Z") is None
    assert parse_date("2019-11-19T10:00:00-05:00") is not None
    assert parse_date("1946-09-06") is not None  # archives are old, not wrong


def test_tags_read_as_topics_not_ids_or_analytics() -> None:
    from newsloom.extract.metadata import clean_tags

    raw = [
        "category: Travel",
        "topic/Misshandel & överfall",
        "nlp entity tokens: Fairmont Jasper Park",
        "26157981-b4f7-4929-adc1-e860c6f03636",
        "o.canada.com",
        "day: friday",
        "Star Wars: Episode I",
        "travel",
        "ctp_video",
        "autoplay_video",
        "Hurricane season",
    ]
    assert clean_tags(raw) == [
        "Travel",
        "Misshandel & överfall",
        "Fairmont Jasper Park",
        "Star Wars: Episode I",
        "Hurricane season",
    ]


def test_article_wrapped_in_a_web_page_object_gives_its_keywords() -> None:
    from newsloom.extract import extract_article
    from tests.conftest import article_html

    json_ld = (
        '<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", '
        '"headline": "Storm hits the coast", "keywords": ["Climate change", "Storms"]}}</script>'
    )
    assert extract_article(article_html(extra_head=json_ld).encode()).tags == ["Climate change", "Storms"]


def test_hover_cards_inside_paragraphs_stay_out_of_the_text() -> None:
    from newsloom.extract import extract_article
    from tests.conftest import article_html

    card = (
        '<p>A man pleaded guilty to threatening Rep. <span class="rollover-people"><a href="/people/x">Ilhan Omar</a>'
        '<span class="rollover-people-block"><a href="/other">Hillicon Valley: Progressives oppose bill</a></span>'
        "</span> in a phone call to her office, prosecutors said on Tuesday afternoon in a statement.</p>"
    )
    body = extract_article(article_html(body_prefix=card).encode()).body
    assert "Hillicon" not in body
    assert "threatening Rep. Ilhan Omar in a phone call to her office" in body


def test_leads_are_unescaped_once_and_all_text_is_nfc() -> None:
    """A lead escaped twice in its attribute (``&amp;rsquo;``) reads as text, once; a JSON-LD headline whose escapes
    spell a letter and its accents apart comes out composed (NFC), as the decoded page is."""
    decomposed = "Vie\\u0302\\u0323t Nam"  # JSON escapes: "e", combining circumflex, combining dot below
    head = (
        '<meta property="og:description" content="Emery&amp;rsquo;s side beat CD&amp;amp;V &amp;#8211; again">'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{decomposed} wins"}}</script>'
    )
    article = extract_article(article_html(title="Việt Nam wins", extra_head=head), "https://news.example.com/a")
    assert article.lead == "Emery’s side beat CD&V – again"
    assert "Việt Nam" in article.title and unicodedata.is_normalized("NFC", article.title)
    assert all(unicodedata.is_normalized("NFC", block.text) for block in article.blocks)
