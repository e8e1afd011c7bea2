"""Tags: publisher noise dropped, entities from the real models, names merged where the article links them."""

from __future__ import annotations

import pytest

from newsloom.enrich.tags.clean import clean_publisher_tags, is_noise
from newsloom.enrich.tags.merge import clean_name, merge_tags
from newsloom.enrich.tags.ner import Entity, recognizer_for


@pytest.mark.parametrize(
    "tag",
    [
        "ctp_video",
        "autoplay_video",
        "AP",
        "A Wire",
        "MC Complete - State & National",
        "a1b2c3d4",
        "12345",
        "https://example.com/tag",
        "Reuters",
    ],
)
def test_cms_flags_wire_labels_and_ids_are_noise(tag: str) -> None:
    assert is_noise(tag)


def test_topics_survive_once() -> None:
    assert clean_publisher_tags(["Hà Nội", "HÀ NỘI", "Climate change", "ctp_video"]) == ["Hà Nội", "Climate change"]


def test_titles_are_not_part_of_names() -> None:
    assert clean_name("Tổng thống Putin") == "Putin"
    assert clean_name("President Vladimir Putin's") == "Vladimir Putin"
    assert clean_name("U.S.") == "U.S."


def test_short_and_long_names_merge_only_when_the_article_links_them() -> None:
    entities = [
        Entity("Vladimir Putin", "person"),
        Entity("Tổng thống Putin", "person"),
        Entity("Hà Nội", "place"),
        Entity("Hà Nội", "place"),
        Entity("AP", "organisation"),
    ]
    tags, kinds = merge_tags(["Putin", "ctp_video", "Kinh tế"], entities, "Putin thăm Hà Nội", None)
    assert tags == ["Vladimir Putin", "Kinh tế", "Hà Nội"]
    assert kinds == {"Vladimir Putin": "person", "Kinh tế": "topic", "Hà Nội": "place"}
    alone, _ = merge_tags([], [Entity("Putin", "person"), Entity("Putin", "person")], "x", None)
    assert alone == ["Putin"]


def test_underthesea_finds_vietnamese_people_and_places() -> None:
    recognizer = recognizer_for("vi")
    assert recognizer is not None, "underthesea's NER model ships in its wheel and must load offline"
    found = recognizer.entities(["Thủ tướng Phạm Minh Chính đến Hà Nội hôm nay. Ông Phạm Minh Chính phát biểu."])[0]
    assert Entity("Hà Nội", "place") in found
    assert any(entity.kind == "person" and "Chính" in entity.text for entity in found)
    assert recognizer.entities([""]) == [[]]


def test_spacy_finds_english_people_and_places() -> None:
    recognizer = recognizer_for("en")
    if recognizer is None:
        pytest.skip("no spaCy English model installed (requirements-models.txt)")
    found = recognizer.entities(["President Joe Biden flew to Geneva on Tuesday to meet Vladimir Putin."])[0]
    assert Entity("Joe Biden", "person") in found and Entity("Geneva", "place") in found


def test_languages_without_a_recogniser_get_none() -> None:
    assert recognizer_for("de") is None
