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
        (["Mathatisi Sebusi/Mohalenyane Phakela"], ["Mathatisi Sebusi", "Mohalenyane Phakela"]),
    ],
)
def test_split_authors(raw: list[str], expected: list[str]) -> None:
    assert split_authors(raw) == expected


def test_outlet_credited_as_author_is_recognised() -> None:
    from newsloom.extract.authors import names_an_outlet

    assert names_an_outlet(["Deutsche Welle"], ["Deutsche Welle", None])
    assert names_an_outlet(["mdr.de"], ["MDR"])
    assert not names_an_outlet(["Jane Roe"], ["Example News"])
    assert not names_an_outlet([], ["Example News"])


def test_visible_byline_replaces_an_outlet_only_credit() -> None:
    from newsloom.extract import extract_article
    from tests.conftest import article_html

    page = article_html(
        extra_head='<meta name="author" content="Example News">',
        body_prefix='<p class="byline">By <a href="/author/jane-roe">Jane Roe</a></p>',
    )
    assert extract_article(page.encode()).authors == ["Jane Roe"]


def test_byline_found_by_its_class_when_metadata_names_only_the_outlet() -> None:
    from newsloom.extract import extract_article
    from tests.conftest import article_html

    page = article_html(
        extra_head='<meta name="author" content="Example News">',
        body_prefix='<span class="kicker-author-tag">capital</span>'
        '<div class="article__authors"><span class="authorname">Eva Kirchner-Rätsch</span></div>',
    )
    assert extract_article(page.encode()).authors == ["Eva Kirchner-Rätsch"]


def test_site_crediting_its_own_domain_is_not_an_author() -> None:
    from newsloom.extract.authors import without_own_domain

    assert without_own_domain(["Povilas Aleksandravičius", "Lrt.lt"], "www.lrt.lt") == ["Povilas Aleksandravičius"]
    assert without_own_domain(["Lrt.lt"], "www.lrt.lt") == ["Lrt.lt"]
    assert without_own_domain(["Jane Roe", "MDR"], "www.mdr.de") == ["Jane Roe", "MDR"]


def test_bold_first_paragraph_is_the_byline_when_metadata_names_the_outlet() -> None:
    from newsloom.extract import extract_article
    from tests.conftest import article_html

    page = article_html(
        extra_head='<meta name="author" content="Example News"><link rel="author" href="/about">',
        body_prefix="<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>",
    ).replace(
        "<title>Storm hits the coast | Example News</title>", "<title>Storm hits the coast - Example News</title>"
    )
    article = extract_article(page.encode())
    assert article.authors == ["Mathatisi Sebusi", "Mohalenyane Phakela"]
    assert "Sebusi" not in article.body  # the byline is a field, not text
