"""Section placement by rules, in order: feed mapping, publisher's section, breadcrumb, URL path."""

from __future__ import annotations

from newsloom.enrich.sections import place_section
from newsloom.enrich.sections.rules import map_path
from newsloom.model import Article
from newsloom.section_scheme import alias_map, scheme_from_settings


def _placed(url: str, **fields: object) -> Article:
    return place_section(Article(url=url, canonical_url=url, title="t", **fields))  # type: ignore[arg-type]


def test_feed_mapping_comes_first() -> None:
    article = _placed("https://x.vn/the-thao/a.html", feed_section="Kinh doanh", section="Thể thao")
    assert (article.section, article.section_rule, article.section_confidence) == ("Business", "feed", 1.0)


def test_publisher_section_then_breadcrumb_then_path() -> None:
    assert _placed("https://x.com/a", section="Sport").section_rule == "publisher"
    crumb = _placed("https://x.vn/abc-1.html", breadcrumbs=["Thế giới", "Châu Á"])
    assert (crumb.section, crumb.section_rule) == ("World", "breadcrumb")
    path = _placed("https://vnexpress.net/kinh-doanh/gia-vang-1.html")
    assert (path.section, path.section_rule) == ("Business", "url")
    assert _placed("https://www.bbc.com/sport/football/123").section == "Sports"


def test_unknown_words_place_nothing_and_never_a_slug() -> None:
    article = _placed("https://x.com/calendario-stock-car-slideshow/1", section="news-news")
    assert article.section is None and article.section_rule is None
    assert article.publisher_section == "news-news"


def test_headline_words_in_a_breadcrumb_do_not_place() -> None:
    article = _placed("https://x.com/a", breadcrumbs=["World Cup final ends in a draw after extra time"])
    assert article.section is None


def test_path_ignores_the_article_slug_itself() -> None:
    assert map_path("https://x.com/the-gioi-hom-nay", alias_map()) is None
    assert map_path("https://x.com/the-gioi/hom-nay", alias_map()) == "world"


def test_scheme_from_settings_keeps_names_per_edition() -> None:
    scheme = scheme_from_settings([{"names": {"en": "Climate", "vi": "Khí hậu"}, "aliases": ["klima"]}])
    assert [(s.slug, s.name("vi")) for s in scheme] == [("climate", "Khí hậu")]
    assert alias_map(scheme)["klima"] == "climate"


def test_a_vietnamese_papers_domestic_news_label_is_the_vietnam_section() -> None:
    """24h files the day's domestic news under "Tin tức trong ngày" (slug ``tin-tuc-trong-ngay``): Thời sự."""
    from newsloom.enrich.sections.rules import map_label, map_path
    from newsloom.section_scheme import alias_map

    aliases = alias_map()
    assert map_label("tin-tuc-trong-ngay", aliases) == "vietnam"
    assert map_label("Tin tức trong ngày", aliases) == "vietnam"
    assert map_path("https://www.24h.com.vn/tin-tuc-trong-ngay/mua-ret-c46a1.html", aliases) == "vietnam"
    assert map_label("trang-chu", aliases) is None  # a home page's label places nothing
