"""Every signal a search engine reads names the same page: for every article of a store (a slice of the shared
corpora, a translated pair, an untranslated Vietnamese article), rel=canonical, og:url, JSON-LD's url and
mainEntityOfPage, the hreflang cluster and the sitemaps agree, under both ``syndication`` modes that index pages.

An engine that finds two signals naming different pages picks one itself, or drops both: the portal's translations
lose their place, or an original's page competes with its publisher's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from lxml import etree, html

from newsloom.settings import Settings
from newsloom.store import SQLStore
from tests.support.corpora_portal import BASE, Served, serve_corpora

XSD = Path(__file__).parent / "xsd"
SITEINDEX = etree.XMLSchema(etree.parse(str(XSD / "siteindex.xsd")))
URLSET = etree.XMLSchema(etree.parse(str(XSD / "sitemap.xsd")))
TRACKING = "utm_source=newsletter&utm_medium=email&fbclid=IwAR0x&gclid=Cj0K"


@pytest.fixture(params=["canonical", "self"])
def served(request: pytest.FixtureRequest, settings: Settings, store: SQLStore) -> Iterator[Served]:
    yield from serve_corpora(settings, store, request.param)


@dataclass
class Signals:
    canonical: str
    og_url: str
    ld_url: str
    ld_main: str
    hreflang: dict[str, str]
    language: str
    robots: str | None


def _signals(body: str) -> Signals:
    tree = html.fromstring(body)
    (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
    (og_url,) = tree.xpath("//meta[@property='og:url']/@content")
    ld = [json.loads(s) for s in tree.xpath("//script[@type='application/ld+json']/text()")]
    article = next(d for d in ld if d.get("@type") == "NewsArticle")
    hreflang = {str(e.get("hreflang")): str(e.get("href")) for e in tree.xpath("//link[@rel='alternate'][@hreflang]")}
    robots = tree.xpath("//meta[@name='robots']/@content")
    return Signals(canonical, og_url, article["url"], article["mainEntityOfPage"]["@id"], hreflang,
                   tree.xpath("//article/@lang")[0], robots[0] if robots else None)  # fmt: skip


def _sitemap_locs(client: httpx.Client) -> tuple[set[str], dict[str, dict[str, str]]]:
    """Every article URL the sitemaps name, and each one's xhtml:link alternates."""
    index = etree.fromstring(client.get("/sitemap-index.xml").content)
    assert SITEINDEX.validate(index), SITEINDEX.error_log
    locs: set[str] = set()
    alternates: dict[str, dict[str, str]] = {}
    for sitemap in index.xpath("//*[local-name()='loc']/text()"):
        answer = client.get(str(sitemap).removeprefix(BASE))
        assert answer.status_code == 200, sitemap  # the index names no empty page
        document = etree.fromstring(answer.content)
        assert URLSET.validate(document), (sitemap, URLSET.error_log)  # xhtml:link alternates included
        for url in document.xpath("//*[local-name()='url']"):
            loc = unquote(url.xpath("*[local-name()='loc']/text()")[0])
            if "/article/" in loc:
                locs.add(loc)
                links = url.xpath("*[local-name()='link']")
                alternates[loc] = {str(link.get("hreflang")): unquote(link.get("href")) for link in links}
    return locs, alternates


def test_every_articles_signals_agree(served: Served) -> None:
    with served.client() as client:
        locs, sitemap_alternates = _sitemap_locs(client)
        homes = set()
        for article_id in served.ids:
            moved = client.get(f"/article/{article_id}")
            assert moved.status_code == 301
            path = moved.headers["location"]
            for prefix in ("", "/vi", "/en"):
                answer = client.get(prefix + path)
                if answer.status_code == 302:  # an edition sends a foreign text to its version in its language
                    continue
                assert answer.status_code == 200, prefix + path
                signals = _signals(answer.text)
                canonical = unquote(signals.canonical)
                # One page named by all: rel=canonical, the JSON-LD's url and main entity; og:url is this page
                # (a negotiated, un-prefixed one: its language's edition), the canonical where this is the home.
                assert {canonical} == {unquote(signals.ld_url), unquote(signals.ld_main)}
                og_url = unquote(signals.og_url)
                assert og_url == BASE + unquote(prefix + path) or (not prefix and og_url.endswith(unquote(path)))
                if canonical.startswith(BASE) and signals.language.split("-")[0] == prefix[1:]:
                    assert og_url == canonical
                if not canonical.startswith(BASE):  # the publisher's page is the article's home
                    assert not signals.hreflang and not any(loc.endswith(path) for loc in locs), path
                    continue
                assert signals.robots is None
                homes.add(canonical)
                assert canonical in locs, canonical  # every page the portal calls its own is in a sitemap
                hreflang = {code: unquote(url) for code, url in signals.hreflang.items()}
                assert hreflang == sitemap_alternates[canonical]
                if hreflang:  # a cluster: holds the canonical, each member is in its own language and links back
                    assert canonical in hreflang.values() and len(set(hreflang.values()) - {canonical}) >= 1
                    for code, url in hreflang.items():
                        other = _signals(client.get(quote(url.removeprefix(BASE))).text)
                        assert unquote(other.canonical) == url
                        assert {c: unquote(u) for c, u in other.hreflang.items()} == hreflang
                        assert code == "x-default" or other.language.split("-")[0] == code
        assert locs == homes  # and the sitemaps name nothing else
        translation = next(loc for loc in homes if f"/article/{served.named['translation']}/" in loc)
        assert translation.startswith(f"{BASE}/en/")
        # The pair is a cluster only where the original's page is the portal's too.
        cluster = sitemap_alternates[translation]
        assert set(cluster) == ({"vi", "en", "x-default"} if served.syndication == "self" else set())
        untranslated = client.get(f"/en/article/{served.named['untranslated']}/gia-xang-giam-lan-thu-ba")
        assert untranslated.status_code == 200 and not _signals(untranslated.text).hreflang.get("en")


def test_canonical_mode_leaves_originals_to_their_publishers(
    settings: Settings, store: SQLStore
) -> None:  # fmt: skip
    for served in serve_corpora(settings, store, "canonical"):
        with served.client() as client:
            locs, _ = _sitemap_locs(client)
            news = client.get("/news-sitemap.xml").text
            original = client.get(client.get(f"/article/{served.named['original']}").headers["location"]).text
        signals = _signals(original)
        assert signals.canonical == "https://dantri.example/1.htm" == signals.ld_main and not signals.hreflang
        assert [loc for loc in locs if "/article/" in loc] == [
            loc for loc in locs if f"/article/{served.named['translation']}/" in loc
        ]
        assert "/article/" not in news or "dantri" not in news


LISTINGS = ["/", "/vi/", "/en/section/the-gioi", "/vi/tag/bao", "/en/author/nguyen-van-a", "/outlets",
            "/vi/search?q=b%C3%A3o&page=1"]  # fmt: skip


def test_listings_are_canonical_to_themselves_without_tracking(served: Served) -> None:
    with served.client() as client:
        outlet = html.fromstring(client.get("/vi/").text).xpath("//a[contains(@href, '/outlet/')]/@href")[0]
        for path in [*LISTINGS, outlet, f"/vi/story/{served.story_id}"]:
            joiner = "&" if "?" in path else "?"
            answer = client.get(f"{path}{joiner}{TRACKING}")
            assert answer.status_code == 200, path
            tree = html.fromstring(answer.text)
            (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
            assert canonical == BASE + path, path
            assert tree.xpath("//meta[@property='og:url']/@content") == [canonical]
            hreflang = tree.xpath("//link[@rel='alternate'][@hreflang]/@href")
            assert canonical in hreflang and not any("utm_" in h or "clid" in h for h in hreflang), path


def test_one_address_per_page(served: Served) -> None:
    with served.client() as client:
        assert client.get("/vi?x=1").status_code == 301
        assert client.get("/vi").headers["location"] == "/vi/"
        right = client.get(f"/article/{served.named['english']}").headers["location"]
        wrong = client.get(f"/en/article/{served.named['english']}/wrong-slug?utm_source=x")
        assert wrong.status_code == 301 and wrong.headers["location"] == f"/en{right}?utm_source=x"
        assert client.get(f"/en{right}").status_code == 200
        for bad in ("/search?q=bao&page=abc", "/search?q=bao&page=0", "/section/the-gioi?before=abc",
                    "/vi/tag/bao?before=%00%FF"):  # fmt: skip
            assert client.get(bad).status_code == 400, bad


def _ld(body: str) -> dict[str, dict[str, object]]:
    """A page's JSON-LD objects by type."""
    tree = html.fromstring(body)
    return {d["@type"]: d for d in (json.loads(s) for s in tree.xpath("//script[@type='application/ld+json']/text()"))}


def test_structured_data_of_every_page_type(served: Served) -> None:
    with served.client() as client:
        translation = client.get("/en" + client.get(f"/article/{served.named['translation']}").headers["location"]).text
        home = client.get("/vi/").text
        story = client.get(f"/en/story/{served.story_id}").text
        listings = {path: client.get(path).text for path in LISTINGS}
    data = _ld(translation)
    article = data["NewsArticle"]
    # Google's article fields, dates with the offset of the time shown (Asia/Ho_Chi_Minh: 01:30 UTC is 08:30).
    assert article["datePublished"] == article["dateModified"] == "2026-11-15T08:30:00+07:00"
    assert article["headline"] and article["publisher"]["name"]  # type: ignore[index]
    assert all(a["name"] and a["url"].startswith(BASE) for a in article["author"])  # type: ignore[attr-defined,union-attr]
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3] and crumbs[0]["item"] == f"{BASE}/en/"  # type: ignore[index]
    website = _ld(home)["WebSite"]
    assert website["potentialAction"]["target"]["urlTemplate"] == f"{BASE}/vi/search?q={{search_term_string}}"  # type: ignore[index]
    items = _ld(story)["ItemList"]
    assert items["numberOfItems"] == 2 and all(
        i["url"].startswith(f"{BASE}/vi/article/") for i in items["itemListElement"]
    )  # type: ignore[attr-defined,union-attr]
    for path, body in {**listings, "story": story}.items():
        tree = html.fromstring(body)
        locale = "vi_VN" if tree.get("lang") == "vi" else "en_US"
        assert tree.xpath("//meta[@property='og:locale']/@content") == [locale], path
        (description,) = tree.xpath("//meta[@name='description']/@content")
        assert 10 < len(description) <= 300, path
        if path not in ("/", "/vi/"):
            trail = _ld(body)["BreadcrumbList"]["itemListElement"]
            assert trail[-1]["item"] == tree.xpath("//link[@rel='canonical']/@href")[0], path  # type: ignore[index]
    assert _ld(translation) and html.fromstring(translation).xpath("//meta[@property='og:locale']/@content") == [
        "en_US"
    ]


def test_anonymous_article_pages_are_public_brotli_and_cookie_free(served: Served) -> None:
    """What lets a shared cache or CDN hold every article page of the store: public, Brotli for a client that only
    takes Brotli, and no cookie set on an anonymous view (a per-reader cookie would make each page private)."""
    with served.client() as client:
        for article_id in served.ids:
            path = client.get(f"/article/{article_id}").headers["location"]
            for prefix in ("", "/vi", "/en"):
                answer = client.get(prefix + path, headers={"Accept-Encoding": "br"})
                if answer.status_code == 302:
                    continue
                assert answer.status_code == 200, prefix + path
                assert "public" in answer.headers["cache-control"].split(", "), answer.headers["cache-control"]
                assert answer.headers.get("content-encoding") == "br", prefix + path
                assert "set-cookie" not in answer.headers, prefix + path
                assert "<html" in answer.text  # the Brotli bytes are the page
