"""Translation checks: each kind of flag on real sentences, and none on a faithful translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.enrich.translate.checks import check_pair, names
from newsloom.enrich.translate.dates import find_dates
from newsloom.enrich.translate.segment import split_sentences
from tests.conftest import SHARED
from tests.enrich.translate.helpers import EN_REFERENCE, VI_ALT, VI_SENTENCES

REFERENCE = SHARED / "reference" / "portal-article-page.txt"


def _kinds(flags: list) -> list[str]:
    return [flag.kind for flag in flags]


def test_reference_page_date_mismatch_is_flagged() -> None:
    """The reference page's English body says "November 15" and "November 5" for what the original calls 15/11."""
    if not REFERENCE.exists():
        pytest.skip("reference page not available")
    body = Path(REFERENCE).read_text(encoding="utf-8").splitlines()[7]
    sentences = [s for s in split_sentences(body)[0] if "November" in s]  # the two our original covers
    english = " ".join(sentences)
    assert "November 15" in english and "November 5" in english
    flags = check_pair("block 1", f"{VI_SENTENCES[1]} {VI_SENTENCES[4]}", english, "vi", "en")
    dates = [flag for flag in flags if flag.kind == "date"]
    assert len(dates) == 1
    assert dates[0].original == "15/11" and dates[0].translated == "November 5"
    # Its Vietnamese alt text, left as it was in the English edition.
    alt = check_pair("image 1 alt", VI_ALT, VI_ALT, "vi", "en")
    assert _kinds(alt) == ["untranslated"]


def test_date_forms_agree() -> None:
    assert [d.key for d in find_dates("ngày 5/11 và ngày 15 tháng 11, tháng 2/2022")[0]] == [
        (11, 5),
        (11, 15),
        (2, 0, 2022),
    ]
    assert [d.key for d in find_dates("On November 5 and 15 November, in February 2022")[0]] == [
        (11, 5),
        (11, 15),
        (2, 0, 2022),
    ]
    assert check_pair("p", "Cuộc bầu cử diễn ra ngày 5/11.", "The election is on November 5.", "vi", "en") == []
    shifted = check_pair("p", "Cuộc bầu cử diễn ra ngày 5/11.", "The election is on November 15.", "vi", "en")
    assert _kinds(shifted) == ["date"]


def test_a_faithful_translation_has_no_flags() -> None:
    for vi, en in zip(VI_SENTENCES, EN_REFERENCE, strict=True):
        en = en.replace("November 5", "November 15")  # the reference's one error, corrected
        assert check_pair("p", vi, en, "vi", "en") == [], (vi, en)


@pytest.mark.parametrize(
    ("original", "translated", "kind"),
    [
        ("Ông quyên góp hơn 100 triệu USD.", "He donated more than $ 10 million.", "number"),
        ("Ông quyên góp hơn 2,5 tỷ đồng.", "He donated more than 2.5 billion dong.", None),
        ("Có 3 người bị thương.", "Three people were injured.", None),
        ("Ông Peskov nói với Elon Musk.", "Mr. Peskov spoke to him.", "name"),
        ("Ông Peskov gặp ông Musk tại Hà Nội.", "Mr. Peskov met Mr. Musk in Hanoi.", None),
        ('Ông nói: "Đây là tin giả".', "He said it was fake news.", "quote"),
        ("Thủ tướng đến thăm Nhà Trắng ở Mỹ.", "The Prime Minister visited the White House in the US.", None),
        ("Giá xăng tăng mạnh.", "Giá xăng tăng mạnh.", "untranslated"),
        (
            "Giá xăng tăng mạnh trong tuần qua.",
            "Petrol prices rose. Giá xăng tăng mạnh trong tuần qua.",
            "untranslated",
        ),
        ("", "", None),
    ],
)
def test_each_kind_of_flag(original: str, translated: str, kind: str | None) -> None:
    flags = check_pair("p", original, translated, "vi", "en")
    assert _kinds(flags) == ([kind] if kind else []), flags


def test_names_skip_titles_and_sentence_starts() -> None:
    assert names("Thủ tướng Phạm Minh Chính gặp ông Putin. Hôm nay trời mưa.") == ["Phạm Minh Chính", "Putin"]
