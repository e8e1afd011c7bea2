import re

from newsloom.text import normalize_space, slugify


def test_slugify_folds_vietnamese() -> None:
    assert slugify("Báo Dân trí – Thế giới") == "bao-dan-tri-the-gioi"
    assert slugify("Đà Nẵng") == "da-nang"


def test_slugify_keeps_non_latin_scripts() -> None:
    assert slugify("Москва новости") == "москва-новости"
    assert slugify("!!!") == "untitled"


def test_ascii_text_takes_the_short_path_to_the_same_slug() -> None:
    assert slugify("Dan tri: 24/7 news!") == slugify("Dân trí: 24/7 news!") == "dan-tri-24-7-news"
    assert slugify("  --  ") == "untitled" and slugify("A" * 100, 60) == "a" * 60


def test_normalize_space_is_the_whitespace_regex_for_every_code_point() -> None:
    spaces = re.compile(r"\s+")
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"{chr(code)}a{chr(code)}{chr(code)}b{chr(code)}"
        assert normalize_space(text) == spaces.sub(" ", text).strip(), hex(code)
