from newsloom.text import slugify


def test_slugify_folds_vietnamese() -> None:
    assert slugify("Báo Dân trí – Thế giới") == "bao-dan-tri-the-gioi"
    assert slugify("Đà Nẵng") == "da-nang"


def test_slugify_keeps_non_latin_scripts() -> None:
    assert slugify("Москва новости") == "москва-новости"
    assert slugify("!!!") == "untitled"


def test_ascii_text_takes_the_short_path_to_the_same_slug() -> None:
    assert slugify("Dan tri: 24/7 news!") == slugify("Dân trí: 24/7 news!") == "dan-tri-24-7-news"
    assert slugify("  --  ") == "untitled" and slugify("A" * 100, 60) == "a" * 60
