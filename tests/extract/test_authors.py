import pytest

from newsloom.extract.authors import split_authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Samya Kullab and Vasilisa Stepanenko"], ["Samya Kullab", "Vasilisa Stepanenko"]),
        (["Anna Martel und Lea Wagner"], ["Anna Martel", "Lea Wagner"]),
        (["By Jane Roe"], ["Jane Roe"]),
        (["Elena Oberholzer (obe)"], ["Elena Oberholzer"]),
        (["Brazil, Rachel"], ["Rachel Brazil"]),
        (["Jane Roe", "jane roe"], ["Jane Roe"]),
        (["a.sleegers@boersen-zeitung.de", "https://example.com/authors/jr", "105092"], []),
        (["Thành Đạt và Minh Anh"], ["Thành Đạt", "Minh Anh"]),
    ],
)
def test_split_authors(raw: list[str], expected: list[str]) -> None:
    assert split_authors(raw) == expected
