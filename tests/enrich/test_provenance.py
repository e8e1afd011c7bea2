"""Who cites whom: attribution lines matched to the other outlets of a story."""

from newsloom.enrich.provenance import citations
from newsloom.model import Article, Attribution, AttributionKind


def _report(article_id: int, url: str, *attribution: Attribution) -> Article:
    return Article(
        url=url, canonical_url=url, title=f"Report {article_id}", id=article_id, attribution=list(attribution)
    )


def test_names_and_addresses_link_reports_and_unknown_sources_are_kept() -> None:
    rt = _report(1, "https://www.rt.com/news/1")
    dantri = _report(
        2, "https://dantri.com.vn/the-gioi/2.htm", Attribution(AttributionKind.ACCORDING_TO, name="RT/Reuters")
    )
    vnexpress = _report(
        3, "https://vnexpress.net/3.html", Attribution(AttributionKind.SOURCE_URL, url="https://dantri.com.vn/x.htm")
    )
    labels = {1: "RT", 2: "Dân trí", 3: "VnExpress"}
    found = [(c.citing, c.cited, c.cited_article_id) for c in citations([rt, dantri, vnexpress], labels)]
    assert found == [("Dân trí", "RT", 1), ("Dân trí", "Reuters", None), ("VnExpress", "Dân trí", 2)]


def test_an_outlet_crediting_itself_is_no_citation() -> None:
    own = _report(1, "https://www.rt.com/news/1", Attribution(AttributionKind.ACCORDING_TO, name="RT"))
    assert citations([own], {1: "RT"}) == []


def test_an_outlet_crediting_its_own_name_with_a_word_added_is_no_citation() -> None:
    own = _report(
        1, "https://www.aljazeera.com/news/1", Attribution(AttributionKind.ACCORDING_TO, name="Al Jazeera News")
    )
    other = _report(2, "https://www.aljazeera.com/news/2", Attribution(AttributionKind.ACCORDING_TO, name="Reuters"))
    found = [(c.citing, c.cited) for c in citations([own, other], {1: "Al Jazeera", 2: "Al Jazeera"})]
    assert found == [("Al Jazeera", "Reuters")]
