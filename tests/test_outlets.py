"""Outlet names from a page's evidence: never a URL, a section name or the aggregator that carried the page."""

from __future__ import annotations

from newsloom.model import Article
from newsloom.outlets import choose_outlet_name


def _article(evidence: list[tuple[str, str]], url: str, section: str | None = None) -> Article:
    return Article(url=url, canonical_url=url, title="t", outlet_evidence=evidence, publisher_section=section)


def test_json_ld_publisher_wins_over_weaker_evidence() -> None:
    article = _article(
        [("json-ld", "VnExpress"), ("og", "vnexpress.net"), ("title", "VnExpress Kinh doanh")],
        "https://vnexpress.net/a-1.html",
    )
    assert choose_outlet_name(article, "vnexpress.net")[0] == "VnExpress"


def test_url_and_host_names_are_never_outlet_names() -> None:
    article = _article(
        [("json-ld", "https://www.newsnation.in"), ("og", "newsnation.in")], "https://www.newsnation.in/x/y"
    )
    name, _ = choose_outlet_name(article, "newsnation.in")
    assert name == "Newsnation"


def test_section_name_is_not_the_outlet() -> None:
    article = _article([("og", "Security"), ("title", "heise online")], "https://www.heise.de/security/x", "Security")
    assert choose_outlet_name(article, "heise.de")[0] == "heise online"


def test_carrier_is_not_the_outlet() -> None:
    article = _article([("og", "MSN"), ("json-ld", "CNN")], "https://edition.cnn.com/2024/story")
    assert choose_outlet_name(article, "cnn.com")[0] == "CNN"


def test_a_headline_in_the_title_suffix_is_not_a_name() -> None:
    article = _article([("title", "Irans Justiz dementiert")], "https://www.mz.de/deutschland-und-welt/x")
    assert choose_outlet_name(article, "mz.de")[0] == "MZ"


def test_address_part_of_a_name_and_a_credited_wire_are_left_out() -> None:
    article = _article([("og", "The Jerusalem Post | JPost.com")], "https://www.jpost.com/x/1")
    assert choose_outlet_name(article, "jpost.com")[0] == "The Jerusalem Post"
    wire = _article([("json-ld", "Associated Press"), ("og", "CT Post")], "https://www.ctpost.com/news/a-1")
    assert choose_outlet_name(wire, "ctpost.com")[0] == "CT Post"
