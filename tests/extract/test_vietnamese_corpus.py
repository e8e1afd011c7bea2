"""Every value the Vietnamese outlets' own tests assert, on their real saved pages (../shared/corpora/vietnamese-news).

The sources' "body" starts with the deck (sapo), which newsloom keeps as the lead: body snippets are looked for in
what a reader gets, lead then body. Dates compare to the minute (to the day where the source gives only a day).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from newsloom.extract import extract_article
from newsloom.model import Article, AttributionKind
from tests.support.vietnamese_news import links_to_other_pages, page_bytes, records, space


def extract(record: dict[str, Any]) -> Article:
    return extract_article(page_bytes(record), url=record["url"])


def same_minute(found: datetime | None, want: datetime) -> bool:
    """Same wall-clock minute in the source's zone (an offset-less value in the wrong zone is wrong)."""
    if found is None or found.tzinfo is None:
        return False
    return found.astimezone(want.tzinfo).replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "record" in metafunc.fixturenames:
        try:
            found = records()
        except pytest.skip.Exception:
            found = []
        metafunc.parametrize("record", found, ids=[r["id"] for r in found])


@pytest.mark.corpus
def test_every_asserted_value(record: dict[str, Any]) -> None:
    article = extract(record)
    wrong = []
    if "title" in record and space(article.title) != space(record["title"]):
        wrong.append(("title", article.title, record["title"]))
    if "title_startswith" in record and not space(article.title).startswith(space(record["title_startswith"])):
        wrong.append(("title", article.title, record["title_startswith"]))
    if expected := record.get("publishing_date_iso") or record.get("publishing_date"):
        found = article.published
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", expected):
            if found is None or found.date().isoformat() != expected:
                wrong.append(("date", found, expected))
        else:
            if not same_minute(found, datetime.fromisoformat(expected)):
                wrong.append(("date", found, expected))
    if "section" in record and space(article.section) != space(record["section"]):
        wrong.append(("section", article.section, record["section"]))
    if "lead" in record and space(article.lead) != space(record["lead"]):
        wrong.append(("lead", article.lead, record["lead"]))
    if "topics" in record and set(article.tags) < set(record["topics"]):
        wrong.append(("topics", article.tags, record["topics"]))
    first = record.get("topics_first_contains")
    if first and (not article.tags or first not in article.tags[0]):
        wrong.append(("first topic", article.tags[:1], first))
    text = space(f"{article.lead or ''} {article.body}")
    for snippet in record.get("body_contains", []):
        if space(snippet) not in text:
            wrong.append(("body contains", None, snippet))
    for snippet in record.get("body_contains_casefold", []):
        if space(snippet).casefold() not in text.casefold():
            wrong.append(("body contains", None, snippet))
    if "body_startswith" in record and not text.startswith(space(record["body_startswith"])):
        wrong.append(("body starts", text[:80], record["body_startswith"]))
    if len(article.body) < record.get("body_min_chars", 200):
        wrong.append(("body length", len(article.body), record.get("body_min_chars")))
    assert not wrong, wrong


_DATELINE = re.compile(r"^\(([^()]{2,20})\)\s*[-–—]")


@pytest.mark.corpus
def test_datelines_and_sources_are_parsed_wherever_present(record: dict[str, Any]) -> None:
    article = extract(record)
    kinds = {(item.kind, item.name) for item in article.attribution}
    opening = article.lead or (article.blocks[0].plain_text() if article.blocks else "")
    if match := _DATELINE.match(opening):
        assert (AttributionKind.DATELINE, match.group(1).strip()) in kinds
    tail = article.blocks[-1].plain_text() if article.blocks else ""
    assert not re.fullmatch(r"Theo\s+\S.{0,60}", tail), tail  # a "Theo …" line is attribution, not text
    assert all(not name.lower().startswith("theo ") for name in article.authors), article.authors
    for image in article.images:
        assert "(Ảnh:" not in (image.caption or ""), image.caption


@pytest.mark.corpus
def test_cover_and_body_hold_no_other_articles(record: dict[str, Any]) -> None:
    """The cover is never another article's thumbnail; no block of the body is another article's headline."""
    article = extract(record)
    headlines, thumbnails = links_to_other_pages(record)
    assert article.cover_image is not None and article.cover_image.url not in thumbnails, article.cover_image
    for block in article.blocks:
        for line in block.plain_text().splitlines():
            assert space(line) not in headlines, line
    assert not re.search(r"\bXem thêm\b|^Tải ứng dụng", article.body, re.MULTILINE)


@pytest.mark.corpus
def test_every_caption_and_paragraph_is_read_once(record: dict[str, Any]) -> None:
    """No picture's caption is also a paragraph or table row of the body (a layout table around a picture and its
    caption is the picture) or keeps its "Ảnh: …" credit, no table is a single cell, and no paragraph of 40
    characters or more is there twice (a hidden copy of a photo story's text)."""
    article = extract(record)
    captions = [image.caption for image in article.images] + [b.image.caption for b in article.blocks if b.image]
    said = {space(line).rstrip(". ") for b in article.blocks if b.image is None for line in b.plain_text().splitlines()}
    assert not {space(caption).rstrip(". ") for caption in captions if caption} & said
    assert not [caption for caption in captions if caption and re.search(r"\bẢnh\s*:", caption)]  # credit apart
    assert not [block.items for block in article.blocks if block.kind.value == "table" and len(block.items) == 1]
    paragraphs = Counter(space(b.text) for b in article.blocks if b.kind.value == "paragraph" and len(b.text) >= 40)
    assert not [text for text, count in paragraphs.items() if count > 1]


SUBHEADINGS = {  # in-body subheadings the pages write as one bold paragraph, or as <h2>/<h3> (003)
    "003": [
        "3 hình thức khai thác, sử dụng thông tin về nhà ở và thị trường bất động sản",
        "Quy định mới về đăng ký cư trú cho người chưa thành niên từ 15/3",
        "Vi phạm hành chính trong hoạt động đường bộ bị phạt tới 150 triệu đồng từ ngày 1/3/2026",
        "Trường hợp được xóa hoặc miễn chi phí bồi hoàn học bổng và chi phí đào tạo từ 26/3/2026",
        "Quy định các đối tượng được miễn nộp phí lĩnh vực đường sắt",
    ],
    "007": ["Đồng USD duy trì đà tăng"],
    "011": ["Hạn chế xuất khẩu nhiên liệu", "Giảm công suất lọc hóa dầu", "Tìm nguồn cung thay thế"],
}


@pytest.mark.corpus
def test_subheadings_are_headings_and_signatures_are_bylines(record: dict[str, Any]) -> None:
    article = extract(record)
    headings = [block.text for block in article.blocks if block.kind.value == "heading"]
    assert set(SUBHEADINGS.get(record["id"], [])) <= set(headings), headings
    if record["id"] == "011":  # VnExpress signs at the end: "Hà Thu (tổng hợp)"
        assert article.authors == ["Hà Thu"] and "(tổng hợp)" not in article.body


@pytest.mark.corpus
def test_outlet_is_the_papers_own_name(record: dict[str, Any]) -> None:
    """The name the corpus gives each page's paper ("Dân trí (dantri.com.vn)"), as newsloom names its outlet."""
    from newsloom.domains import registrable_domain
    from newsloom.outlets import choose_outlet_name

    article = extract(record)
    name, _ = choose_outlet_name(article, registrable_domain(article.canonical_url))
    assert name == record["outlet"].rsplit(" (", 1)[0]
