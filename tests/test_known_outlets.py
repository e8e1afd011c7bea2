"""The registry of Vietnamese papers, and outlet names where a page names its paper weakly."""

from __future__ import annotations

from newsloom.domains import registrable_domain
from newsloom.known_outlets import core_name, known_outlet, known_outlets, logo_for
from newsloom.model import Article
from newsloom.outlets import RANKS, choose_outlet_name


def named(evidence: list[tuple[str, str]], url: str) -> tuple[str | None, int]:
    article = Article(url=url, canonical_url=url, title="t", outlet_evidence=evidence)
    return choose_outlet_name(article, registrable_domain(url))


def test_the_registry_lists_the_main_papers_once_each_by_their_registrable_domain() -> None:
    outlets = known_outlets()
    assert len(outlets) >= 40
    assert len({outlet.domain for outlet in outlets}) == len(outlets)
    for outlet in outlets:
        assert registrable_domain(outlet.homepage) == outlet.domain, outlet
        assert outlet.name.strip() == outlet.name and outlet.name, outlet
    assert known_outlet("dantri.com.vn").name == "Dân trí"  # type: ignore[union-attr]
    assert known_outlet("zingnews.vn") is known_outlet("znews.vn")  # a paper's earlier domain
    assert known_outlet("example.com") is None and known_outlet("") is None


def test_a_domain_label_capitals_or_no_name_give_way_to_the_papers_own() -> None:
    assert named([("og", "cafef")], "https://cafef.vn/a-1.chn") == ("CafeF", RANKS["registry"])
    assert named([("og", "baodautu")], "https://baodautu.vn/x-d1.html")[0] == "Báo Đầu tư"
    assert named([("og", "baochinhphu.vn")], "https://baochinhphu.vn/x-1.htm")[0] == "Báo Chính phủ"
    assert named([("og", "TUOI TRE ONLINE")], "https://tuoitre.vn/x.htm")[0] == "Tuổi Trẻ"
    assert named([], "https://vnexpress.net/x.html")[0] == "VnExpress"


def test_another_spelling_of_the_papers_name_takes_its_own() -> None:
    assert named([("json-ld", "Báo Dân Trí"), ("og", "Báo điện tử Dân Trí")], "https://dantri.com.vn/x.htm")[0] == (
        "Dân trí"
    )
    assert named([("og", "Báo Người Lao Động Online")], "https://nld.com.vn/x.htm")[0] == "Người Lao Động"


def test_a_different_name_and_unknown_papers_keep_the_pages_name() -> None:
    """The registry corrects weak names of papers it knows; it does not rename what it does not recognise."""
    assert named([("og", "Tin nhanh Chứng khoán")], "https://cafef.vn/x.chn")[0] == "Tin nhanh Chứng khoán"
    name, rank = named([("og", "Báo Thử")], "https://baothu.example/x.html")
    assert name == "Báo Thử" and rank < RANKS["registry"]
    assert named([("og", "baothu")], "https://baothu.example/x.html")[0] == "baothu"


def test_core_names_fold_case_diacritics_and_frame_words() -> None:
    assert core_name("Báo điện tử Dân Trí") == core_name("Dân trí") == "dantri"
    assert core_name("Tuổi Trẻ Online") == core_name("TUOI TRE") == "tuoitre"
    assert core_name("Báo") == "bao"  # nothing but frame words: the words themselves


def test_logos_come_from_the_publisher_else_the_favicon() -> None:
    assert logo_for("https://cdn.example/logo.png", "https://a.example/", "a.example") == "https://cdn.example/logo.png"
    assert logo_for(None, "https://www.a.example/news/", "a.example") == "https://www.a.example/favicon.ico"
    assert logo_for(None, "", "dantri.com.vn") == "https://dantri.com.vn/favicon.ico"
    assert logo_for(None, "", "unknown.example") is None
