from newsloom.text import slugify


def test_slugify_folds_vietnamese() -> None:
    assert slugify("Báo Dân trí – Thế giới") == "bao-dan-tri-the-gioi"
    assert slugify("Đà Nẵng") == "da-nang"


def test_slugify_keeps_non_latin_scripts() -> None:
    assert slugify("Москва новости") == "москва-новости"
    assert slugify("!!!") == "untitled"
