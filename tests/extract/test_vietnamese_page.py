"""Every field on a hand-written Vietnamese news page in the shape of the portal's reference page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsloom.extract import extract_article
from newsloom.model import Article, AttributionKind, BlockKind

PAGE = Path(__file__).parent / "pages" / "dantri.html"


@pytest.fixture(scope="module")
def article() -> Article:
    return extract_article(PAGE.read_bytes(), url="https://dantri.com.vn/the-gioi/x.htm?utm_source=zalo")


def test_title_and_canonical_url(article: Article) -> None:
    assert article.title == "Nga bác tin tỷ phú Elon Musk và ông Putin trao đổi bí mật"
    assert article.canonical_url.endswith("trao-doi-bi-mat-20241026072443597.htm")
    assert article.site_name == "Báo Dân trí"


def test_dates_keep_their_offset(article: Article) -> None:
    assert article.published is not None and article.published.isoformat() == "2024-10-26T07:24:43+07:00"
    assert article.published == datetime(2024, 10, 26, 0, 24, 43, tzinfo=UTC)
    assert article.modified is not None and article.modified.isoformat() == "2024-10-26T08:01:00+07:00"


def test_author_section_tags(article: Article) -> None:
    assert article.authors == ["Thành Đạt"]
    assert article.section == "Thế giới"
    assert article.tags == ["Elon Musk", "Vladimir Putin", "Nga"]


def test_lead_and_dateline(article: Article) -> None:
    assert article.lead is not None and article.lead.startswith("(Dân trí) - Điện Kremlin")
    datelines = [a for a in article.attribution if a.kind == AttributionKind.DATELINE]
    assert [a.name for a in datelines] == ["Dân trí"]


def test_theo_attribution_leaves_the_body(article: Article) -> None:
    according = [a for a in article.attribution if a.kind == AttributionKind.ACCORDING_TO]
    assert [a.name for a in according] == ["RT"]
    assert "Theo RT" not in article.body
    assert "Theo ông Peskov" in article.body  # a sentence starting with "Theo" is text, not attribution


def test_caption_credit_and_largest_rendition(article: Article) -> None:
    figures = [block.image for block in article.blocks if block.kind == BlockKind.IMAGE and block.image]
    assert len(figures) == 1
    assert figures[0].url == "https://cdnphoto.dantri.com.vn/musk-1200.jpg"
    assert figures[0].caption == "Tỷ phú Mỹ Elon Musk."
    assert figures[0].credit == "AFP"
    assert any(a.kind == AttributionKind.PHOTO_CREDIT and a.name == "AFP" for a in article.attribution)
    assert article.cover_image is not None and article.cover_image.url.endswith("musk-crop-1200.jpg")


def test_body_in_order_without_chrome(article: Article) -> None:
    body = article.body
    assert body.index("Người phát ngôn") < body.index("Theo ông Peskov") < body.index("Nhiều khả năng")
    for chrome in ("Bình luận (0)", "No data", "Same tag", "Hà Giang", "All rights reserved", "Trang chủ"):
        assert chrome not in body


def test_image_block_sits_before_the_paragraph_it_precedes(article: Article) -> None:
    kinds = [block.kind for block in article.blocks]
    image_at = kinds.index(BlockKind.IMAGE)
    assert article.blocks[image_at + 1].text.startswith("Người phát ngôn")
