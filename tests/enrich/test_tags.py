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


VIETNAMESE_SENTENCES = [
    "Chiều 12/3, Thủ tướng Phạm Minh Chính tiếp Đại sứ Nhật Bản tại Hà Nội.",
    "Theo Reuters, Tổng thống Nga Vladimir Putin  và Chủ tịch Trung Quốc Tập Cận Bình đã điện đàm hôm qua.",
    "Công an TP.HCM bắt giữ 3 đối tượng, thu 1.200 viên ma túy (Ảnh: CAND)",
    "Ủy ban",
]


def test_fast_vietnamese_features_are_underthesea_own() -> None:
    """The linear-time features must be underthesea's, string for string, or its CRF models read other input."""
    from underthesea import word_tokenize
    from underthesea.pipeline.ner import model_crf, tagged_feature

    from newsloom.enrich.tags.vi_features import FastTransformer

    template = model_crf.CRFNERPredictor.Instance().transformer.template
    fast = FastTransformer(template, tagged_feature)
    for text in VIETNAMESE_SENTENCES:
        rows = [(word, f"P{i % 4}", f"C{i % 3}", "X") for i, word in enumerate(word_tokenize(text))]
        expected = [tagged_feature.word2features(rows, i, template) for i in range(len(rows))]
        assert fast.sentence2features(rows) == expected


def test_vietnamese_entities_are_the_same_with_fast_features() -> None:
    from underthesea import ner
    from underthesea.pipeline.ner import model_crf

    from newsloom.enrich.tags import vi_features

    predictor = model_crf.CRFNERPredictor.Instance()
    saved = predictor.transformer
    try:
        if isinstance(saved, vi_features.FastTransformer):  # installed by an earlier test: compare with theirs
            predictor.transformer = model_crf.TaggedTransformer(saved.template)
        before = [ner(text) for text in VIETNAMESE_SENTENCES]
        assert vi_features.install()
        assert isinstance(predictor.transformer, vi_features.FastTransformer)
        assert [ner(text) for text in VIETNAMESE_SENTENCES] == before
    finally:
        predictor.transformer = saved


def test_spacy_matrix_products_through_numpy_give_the_same_entities() -> None:
    import spacy
    from thinc.api import NumpyOps, get_current_ops

    from newsloom.enrich.tags.ner import SPACY_MODELS, SPACY_UNUSED, SpacyRecognizer, _numpy_matmul

    texts = [
        "Kremlin spokesman Dmitry Peskov denied a Wall Street Journal report on Tuesday in Moscow.",
        "Apple and Microsoft shares rose in New York after Tim Cook spoke in London.",
    ]
    for name in SPACY_MODELS:
        try:
            plain = spacy.load(name, exclude=SPACY_UNUSED)
            with _numpy_matmul():
                routed = spacy.load(name, exclude=SPACY_UNUSED)
        except OSError:
            continue
        assert type(get_current_ops()) is NumpyOps  # the process's ops are back as they were
        ops = {type(node.ops).__name__ for node in routed.get_pipe("tok2vec").model.walk()}
        assert ops == {"MatmulOps"}  # thinc still builds each model with the ops current at load time
        assert {type(node.ops) for node in plain.get_pipe("tok2vec").model.walk()} == {NumpyOps}
        assert SpacyRecognizer(routed).entities(texts) == SpacyRecognizer(plain).entities(texts)
        assert any(entity.text == "Dmitry Peskov" for entity in SpacyRecognizer(routed).entities(texts)[0])
        return
    pytest.skip("no spaCy English model installed (requirements-models.txt)")
