"""Records as import reads them (``newsloom/records.py``): what makes a usable article, what is refused and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsloom.errors import InputError
from newsloom.model import BlockKind
from newsloom.records import FLAT_BODY_CHARS, PARAGRAPH_CHARS, record_from_dict

MINIMAL = {
    "url": "https://news.example.com/a/1",
    "title": "Storm hits the coast",
    "body": "First paragraph.\n\nSecond paragraph,\nwrapped.",
    "published": "2026-01-29T06:44:09+07:00",
}


def test_a_minimal_record_is_an_article_with_paragraphs() -> None:
    record = record_from_dict(MINIMAL)
    article = record.article
    assert (article.url, article.canonical_url, article.title) == (MINIMAL["url"], MINIMAL["url"], MINIMAL["title"])
    assert [block.text for block in article.blocks] == ["First paragraph.", "Second paragraph, wrapped."]
    assert all(block.kind == BlockKind.PARAGRAPH for block in article.blocks)
    assert article.published == datetime(2026, 1, 29, 6, 44, 9, tzinfo=timezone(timedelta(hours=7)))
    assert not record.settled and record.decisions == {}


def test_a_body_on_lines_without_blank_ones_is_a_paragraph_a_line() -> None:
    article = record_from_dict({**MINIMAL, "body": "One.\nTwo.\n\n"}).article
    assert [block.text for block in article.blocks] == ["One.", "Two."]


def test_a_long_body_without_breaks_is_cut_into_paragraphs_at_sentence_ends_only() -> None:
    """A corpus that flattened its text would otherwise show one wall of text; the words stay as they were. Each
    paragraph below is long enough to end one and has one place that looks like a sentence's end but is not."""
    clause = "Lũ dâng cao ở miền Trung, " * 16
    assert len(clause) > PARAGRAPH_CHARS
    paragraphs = [
        f"“{clause}nước lên rất nhanh. Chúng tôi phải chạy”, một người dân nói.",  # a quotation goes on
        f"{clause}đoàn cứu hộ từ TP. HCM đã đến.",  # an abbreviation
        f"{clause}mưa vẫn rơi. ở đây viết thường.",  # no capital after it
        f"{clause}hết.",
    ]
    body = " ".join(paragraphs)
    assert len(body) > FLAT_BODY_CHARS
    assert [block.text for block in record_from_dict({**MINIMAL, "body": body}).article.blocks] == paragraphs
    short = "Mưa lớn. " * 90  # long enough for a paragraph, too short to have lost its breaks
    assert [block.text for block in record_from_dict({**MINIMAL, "body": short}).article.blocks] == [short.strip()]


def test_optional_keys_and_a_corpus_s_own_keys() -> None:
    record = record_from_dict(
        {
            **MINIMAL,
            "lead": "  The lead. ",
            "outlet": "Dân trí",
            "language": "vi",
            "authors": "Huỳnh Anh",
            "category": "Kinh doanh",
            "tags": ["Fed", " ", "lãi suất"],
            "images": ["https://img.example.com/1.jpg", {"url": "https://img.example.com/2.jpg", "caption": "C"}],
            "event": "s-vi3-0003",
            "id": "vi3-0003",
            "is_vietnamese": True,
            "author_field": "Huỳnh Anh",
            "published": "2026-01-29 06:44:09",
        }
    )
    article = record.article
    assert article.lead == "The lead." and article.language == "vi" and article.authors == ["Huỳnh Anh"]
    assert article.section == "Kinh doanh" and article.tags == ["Fed", "lãi suất"]
    assert [image.url for image in article.images] == ["https://img.example.com/1.jpg", "https://img.example.com/2.jpg"]
    assert article.images[1].caption == "C"
    assert article.outlet_evidence == [("json-ld", "Dân trí")]
    assert article.published == datetime(2026, 1, 29, 6, 44, 9, tzinfo=UTC)  # no offset: UTC


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": "  "}, "no title"),
        ({"title": None}, "no title"),
        ({"body": ""}, "no body"),
        ({"body": None}, "no body"),
        ({"url": None}, "no url"),
        ({"published": "29/01/2026 kl. 6"}, "published: not a date"),
        ({"published": "2026-02-30T00:00:00"}, "published: not a date"),
        ({"tags": [1, 2]}, "tags: expected a list of texts"),
        ({"body": ["a"]}, "body: expected text"),
        ({"blocks": [{"text": "no kind"}]}, "blocks: not blocks"),
    ],
)
def test_unusable_records_say_why(change: dict[str, object], reason: str) -> None:
    with pytest.raises(InputError) as raised:
        record_from_dict({**MINIMAL, **change})
    assert raised.value.reason.startswith(reason), raised.value.reason


def test_not_an_object() -> None:
    with pytest.raises(InputError, match="a JSON list"):
        record_from_dict([MINIMAL])


def test_an_exported_record_keeps_the_stores_decisions() -> None:
    record = record_from_dict(
        {
            **MINIMAL,
            "language": "en",
            "section": "World",
            "tags": ["Donald Trump", "Climate"],
            "tag_kinds": {"Donald Trump": "person"},
            "section_rule": "classifier",
            "section_confidence": 0.61,
            "publisher_section": "Thời sự",
            "hidden": True,
            "listed_at": "2026-01-28T23:44:09+00:00",
            "enriched": True,
            "story": {"key": "https://news.example.com/a/0", "title": "The storm"},
            "comments": [
                {
                    "id": 7,
                    "parent_id": None,
                    "author_name": "An",
                    "body": "Hi",
                    "status": "published",
                    "created_at": "2026-01-30T00:00:00+00:00",
                },
                {"id": 8, "parent_id": 7, "author_name": "Bo", "body": "Re", "status": "spam", "created_at": None},
            ],
        }
    )
    assert record.settled and record.enriched and record.article.hidden
    assert record.decisions["tag_kinds"] == {"Donald Trump": "person", "Climate": "topic"}
    assert record.decisions["section_rule"] == "classifier" and record.decisions["section"] == "World"
    assert (record.story_key, record.story_title) == ("https://news.example.com/a/0", "The storm")
    assert [(c.key, c.parent, c.status) for c in record.comments] == [(7, None, "published"), (8, 7, "pending")]  # held
    enriched_differently = record.article
    enriched_differently.section, enriched_differently.tags, enriched_differently.language = None, [], "vi"
    kept = record.keep_decisions(enriched_differently)
    assert (kept.section, kept.tags, kept.language) == ("World", ["Donald Trump", "Climate"], "en")
