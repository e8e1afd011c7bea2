"""Tags: publisher noise dropped, entities from the real models, names merged where the article links them."""

from __future__ import annotations

import json
import re

import pytest

from newsloom.enrich.tags.clean import clean_publisher_tags, is_noise
from newsloom.enrich.tags.merge import clean_name, merge_tags, strip_dateline
from newsloom.enrich.tags.ner import Entity, recognizer_for
from newsloom.section_scheme import fold
from tests.support.pages import corpus


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
        Entity("Andrzej Duda", "person"),
        Entity("Tổng thống Duda", "person"),
        Entity("Tổng thống Duda", "person"),
        Entity("Hải Phòng", "place"),
        Entity("Hải Phòng", "place"),
        Entity("AP", "organisation"),
    ]
    tags, kinds = merge_tags(["Duda", "ctp_video", "Kinh tế"], entities, "Duda thăm Hải Phòng", None)
    assert tags == ["Andrzej Duda", "Kinh tế", "Hải Phòng"]  # the full name, though "Duda" was said more often
    assert kinds == {"Andrzej Duda": "person", "Kinh tế": "topic", "Hải Phòng": "place"}
    alone, _ = merge_tags([], [Entity("Duda", "person"), Entity("Duda", "person")], "x", None)
    assert alone == ["Duda"]
    two, _ = merge_tags([], [Entity(name, "person") for name in ("Jan Duda", "Anna Duda", "Duda", "Duda")], "x", None)
    assert "Duda" in two and "Jan Duda" not in two  # two Dudas: the bare one stays apart (and alone is named twice)


def test_one_tag_per_entity_across_spellings_and_languages() -> None:
    vietnamese = [
        Entity("Mỹ", "place"),
        Entity("Hoa Kỳ", "place"),
        Entity("nước Mỹ", "place"),
        Entity("Tổng thống Trump", "person"),
        Entity("Trump", "place"),  # the model's kind for a name is often wrong; the known entity's kind wins
    ]
    english = [
        Entity("U.S.", "place"),
        Entity("US", "place"),
        Entity("the United States", "place"),
        Entity("President Donald Trump", "person"),
        Entity("Trump", "organisation"),
    ]
    vi_tags, vi_kinds = merge_tags(["Mỹ", "Donald Trump"], vietnamese, "Mỹ áp thuế mới", "Ông Trump nói")
    en_tags, en_kinds = merge_tags(["USA", "Trade", "US Open", "General news", "trade"], english, "U.S. tariffs", None)
    assert vi_tags == ["United States", "Donald Trump"] and vi_kinds == {
        "United States": "place",
        "Donald Trump": "person",
    }
    assert en_tags == ["United States", "Trade", "US Open", "General news", "Donald Trump"]  # no title stripped
    assert en_kinds["Donald Trump"] == "person"
    # a bare surname is the known person only where the article names no other person of that name
    melania, _ = merge_tags([], [Entity("Melania Trump", "person"), Entity("Trump", "person")] * 2, "x", None)
    assert melania == ["Melania Trump"]
    sons = [Entity(name, "person") for name in ("Donald Trump", "Eric Trump", "Eric Trump", "Trump", "Trump")]
    assert merge_tags([], sons, "x", None)[0] == ["Donald Trump", "Eric Trump"]  # the bare name is Donald's
    # in the headline by any of its names, as whole words: "Nga" (Russia) is not in "Ngày"
    assert merge_tags([], [Entity("Nga", "place")], "Nga tuyên bố", None)[0] == ["Russia"]
    assert merge_tags([], [Entity("Nga", "place")], "Ngày hội lớn", None)[0] == []


def test_a_name_that_is_a_place_only_as_a_place() -> None:
    assert merge_tags([], [Entity("Anh", "place")] * 2, "x", None)[0] == ["United Kingdom"]
    assert merge_tags([], [Entity("Anh", "person")] * 2, "x", None)[0] == ["Anh"]  # a given name
    assert merge_tags([], [Entity("Đức", "person")] * 2, "x", None)[0] == ["Đức"]


def test_datelines_are_not_tags() -> None:
    entities = [Entity("WASHINGTON", "place"), Entity("Congress", "organisation"), Entity("Congress", "organisation")]
    lead = "WASHINGTON (AP) — Congress passed the budget."
    assert merge_tags([], entities, "Budget passes", lead)[0] == ["Congress"]
    moscow = [Entity("MOSCOW", "place"), Entity("Moscow", "place")]  # a dateline, then one mention in the text
    assert merge_tags([], moscow, "Talks end", "MOSCOW, Russia (Reuters) - Talks ended.")[0] == []
    assert merge_tags([], moscow, "Talks end in Moscow", "MOSCOW - Talks ended.")[0] == ["Moscow"]
    assert merge_tags([], [Entity("NATO", "organisation")] * 2, "x", None)[0] == ["NATO"]  # an acronym stays
    assert merge_tags([], [Entity("TPHCM", "place")] * 2, "x", None)[0] == ["Ho Chi Minh City"]  # an abbreviation
    assert strip_dateline("HÀ NỘI - Giá vàng giảm.") == "Giá vàng giảm."
    assert strip_dateline("Kyiv - talks") == "Kyiv - talks"  # not in capitals: a sentence, not a dateline


@pytest.mark.parametrize(
    "tag",
    ["Standard", "GEN", "giảm 900.000 đồng/lượng", "tăng 3,5%", "Giá vàng hôm nay tăng mạnh khi thị trường mở cửa"],
)
def test_cms_words_and_phrases_are_not_tags(tag: str) -> None:
    assert is_noise(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "COVID-19",
        "G7",
        "Euro 2024",
        "AC/DC",
        "50 Mbit/s",
        "Bitcoin/USD Coin Metrics",
        "Standard Chartered",
        "Gen Z",
        "Olympische Spiele 2024 in Paris",
    ],
)
def test_topics_with_numbers_and_short_words_stay(tag: str) -> None:
    assert not is_noise(tag)


def test_a_wires_subject_codes_are_dropped_with_the_page_s_code_list() -> None:
    reuters = ["AER", "AERO", "GEN", "INDG08", "MEAST", "ASXPAC", "Nepal", "RSBI:HUMAN-RIGHTS", "PACKAGE:WORLD-NEWS"]
    assert clean_publisher_tags(reuters) == ["Nepal"]
    assert clean_publisher_tags(["NATO", "FBI", "Ukraine", "War"]) == ["NATO", "FBI", "Ukraine", "War"]


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


def test_the_shared_tok2vec_nothing_listens_to_is_dropped_and_the_entities_stay() -> None:
    import spacy

    from newsloom.enrich.tags.ner import SPACY_MODELS, SPACY_UNUSED, SpacyRecognizer, _drop_unheard_tok2vec

    texts = [
        "Kremlin spokesman Dmitry Peskov denied a Wall Street Journal report on Tuesday in Moscow.",
        "Apple and Microsoft shares rose in New York after Tim Cook spoke in London.",
        "Evans Chebet of Kenya won the Boston Marathon ahead of Gabriel Geay, Mayor Michelle Wu said.",
    ]
    for name in SPACY_MODELS:
        try:
            kept = spacy.load(name, exclude=SPACY_UNUSED)
            dropped = spacy.load(name, exclude=SPACY_UNUSED)
        except OSError:
            continue
        _drop_unheard_tok2vec(dropped)
        assert kept.pipe_names == ["tok2vec", "ner"] and dropped.pipe_names == ["ner"]
        assert SpacyRecognizer(dropped).entities(texts) == SpacyRecognizer(kept).entities(texts)
        listened = spacy.load(name, exclude=["lemmatizer", "attribute_ruler", "senter"])  # the tagger listens
        _drop_unheard_tok2vec(listened)
        assert "tok2vec" in listened.pipe_names
        return
    pytest.skip("no spaCy English model installed (requirements-models.txt)")


@pytest.mark.corpus
def test_real_vietnamese_reports_name_the_us_and_trump_once() -> None:
    """Real text (the Vietnamese stream) through the real model: "Mỹ", "Hoa Kỳ", "Tổng thống Trump", "Donald
    Trump" across thirty reports are two tags, and no tag is a dateline or a phrase."""
    rows = [json.loads(line) for line in (corpus("vietnamese-stream") / "articles.jsonl").read_text().splitlines()]
    about = [row for row in rows if re.search(r"\b(Mỹ|Hoa Kỳ|Trump)\b", f"{row['title']} {row['body'][:1000]}")][:30]
    recognizer = recognizer_for("vi")
    assert recognizer is not None and len(about) == 30
    texts = [f"{row['title']}.\n{row['lead'] or ''}\n{row['body']}" for row in about]
    named: dict[str, set[str]] = {}
    for row, entities in zip(about, recognizer.entities(texts), strict=True):
        tags, kinds = merge_tags([], entities, row["title"], row["lead"])
        for tag in tags:
            named.setdefault(tag, set()).add(kinds[tag])
    assert named["United States"] == {"place"} and named["Donald Trump"] == {"person"}
    spellings = {"my", "hoaky", "nuocmy", "us", "trump", "tongthongtrump"}
    assert not [tag for tag in named if fold(tag) in spellings]
    assert not [tag for tag in named if tag.upper() == tag and len(tag) >= 5 and "place" in named[tag]]
    assert not [tag for tag in named if is_noise(tag)]


def test_an_unaccented_name_is_not_an_accented_alias() -> None:
    """ "Nha Trang", the city, folds as "Nhà Trắng" (the White House) does; an alias written with diacritics
    matches only names written with them, unless the alias is listed unaccented ("Ha Noi")."""
    city, kinds = merge_tags([], [Entity("Nha Trang", "place")] * 2, "Trụ sở mới ở Nha Trang", None)
    assert city == ["Nha Trang"] and kinds == {"Nha Trang": "place"}
    assert merge_tags([], [Entity("Nhà Trắng", "place")] * 2, "x", None)[0] == ["White House"]
    assert merge_tags([], [Entity("Ha Noi", "place")] * 2, "x", None)[0] == ["Hanoi"]


def test_a_known_surname_alone_is_its_person() -> None:
    """The CRF tags "Nga Putin" a person and the repair keeps the span's last proper noun, one syllable: dropped as
    a given name unless it is a surname news uses alone for one person."""
    recognizer = recognizer_for("vi")
    assert recognizer is not None
    text = "Tổng thống Ukraine mời nhà lãnh đạo Nga Putin tới Kiev.\nÔng Zelensky nói trong buổi họp báo."
    found = recognizer.entities([text])[0]
    assert Entity("Putin", "person") in found
    assert "Vladimir Putin" in merge_tags([], found, "Tổng thống Ukraine mời nhà lãnh đạo Nga Putin tới Kiev", None)[0]
    assert not [entity for entity in found if entity.text == "Ukraine" and entity.kind == "person"]


def test_a_known_surname_joins_a_full_name_only_by_its_last_word() -> None:
    entities = [Entity("Trump Organization", "person"), Entity("Trump", "person")]
    tags, kinds = merge_tags([], entities, "Ông Trump kiện Bộ Tài chính", None)
    assert tags == ["Donald Trump"] and kinds == {"Donald Trump": "person"}


def test_organisations_are_read_from_their_head_noun() -> None:
    """The CRF tags "Bộ Tài chính Mỹ" a place (or cuts it after "Bộ"); a capitalised head noun and the capitalised
    words after it are the organisation, a company without its generic noun, a person after it not part of it."""
    recognizer = recognizer_for("vi")
    assert recognizer is not None
    text = (
        "Ông Trump kiện Bộ Tài chính Mỹ.\nThứ trưởng Bộ Xây dựng Nguyễn Danh Huy cho biết Bộ đã ký hợp đồng."
        "\nThủ tướng tiếp Chủ tịch Tập đoàn Texhong. Công ty cổ phần Quốc Cường Gia Lai vừa công bố báo cáo."
    )
    organisations = {entity.text for entity in recognizer.entities([text])[0] if entity.kind == "organisation"}
    assert {"Bộ Tài chính Mỹ", "Bộ Xây dựng", "Texhong", "Quốc Cường Gia Lai"} <= organisations
    assert not [name for name in organisations if "Nguyễn" in name or name.startswith(("Tập đoàn", "Công ty"))]


def test_a_lunar_year_is_no_name() -> None:
    """The CRF tags the year of "Tết Nguyên đán Bính Ngọ" a place, and the family-name repair would make "Đinh Dậu"
    a person: a lunar year is a date."""
    recognizer = recognizer_for("vi")
    assert recognizer is not None
    texts = ["Dự báo thời tiết Tết Nguyên đán Bính Ngọ ở Hà Nội.", "Hội thảo dự báo thời tiết Tết Nguyên đán Đinh Dậu."]
    found = recognizer.entities(texts)
    assert Entity("Hà Nội", "place") in found[0]
    assert not [entity for entity in found[0] + found[1] if entity.text in ("Bính Ngọ", "Đinh Dậu")]


def test_an_address_is_not_a_tag() -> None:
    """A street named after a person ("đường Trần Phú", a person by the family-name repair) or a ward is where in
    the city a report happens; the city stays."""
    recognizer = recognizer_for("vi")
    assert recognizer is not None
    text = "Trụ sở mới xây trên đường Trần Phú, ven biển trung tâm Nha Trang.\nNgày 24/1, tại phường Phước Long, nhóm thợ sơn."
    names = {entity.text for entity in recognizer.entities([text])[0]}
    assert "Nha Trang" in names
    assert not names & {"Trần Phú", "Phước Long"}
