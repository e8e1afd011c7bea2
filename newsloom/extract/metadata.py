"""Article metadata from the signals news pages publish for machines: JSON-LD, OpenGraph, ``article:*`` meta,
microdata, ``<time>``, byline and tag links. Read from the parsed tree before the body extractor mutates it.

Order of trust, per field: JSON-LD of an Article-like object, then OpenGraph / ``article:*`` meta, then generic
meta names and microdata, then visible markup (h1, ``<time>``, rel=author, rel=tag links).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from newsloom.extract.authors import bold_byline, names_an_outlet, split_authors, visible_bylines, without_own_domain
from newsloom.extract.classed import PageElements
from newsloom.extract.pagefields import (
    active_menu_section,
    breadcrumb_section,
    most_specific,
    printed_date,
    visible_tags,
    zone_of_language,
)
from newsloom.text import normalize_space
from newsloom.urls import host_of, join_url

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "report",
    "socialmediaposting",
    "liveblogposting",
    "webpage",
}
AUTHOR_META = {"author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "citation_author"}
_JSON_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")


@dataclass(slots=True)
class PageMetadata:
    title: str | None = None
    og_title: str | None = None
    html_title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    language: str | None = None
    canonical: str | None = None
    json_ld_body: str | None = None


EARLIEST_YEAR = 1800
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_date(value: object, naive_zone: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 date; one without an offset is read in ``naive_zone`` (the page's zone where it has one)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2} \d", text):
        text = text.replace(" ", "T", 1)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0700 -> +07:00
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=naive_zone)
    if parsed.year < EARLIEST_YEAR or parsed == _EPOCH:
        return None  # a CMS placeholder ("0001-01-01T00:00:00", the Unix epoch), not a date
    return parsed


def _meta(tree: lxml_html.HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = element.get("content")
        if key and content and key not in values:
            values[key] = content.strip()
    return values


# Real JSON-LD nests a handful of levels; the parser recurses once per level, so a hostile page nesting 20,000
# deep would raise RecursionError. Deeper documents are skipped before they are parsed.
MAX_JSON_LD_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


# ``/descendant::x[…]`` names what ``//x[…]`` does, without libxml2's child step from every node of the page.
_JSON_LD_XPATH = etree.XPath('/descendant::script[@type="application/ld+json"]')
_META_CONTENT_XPATH = etree.XPath("/descendant::meta[@content]")
_ARTICLE_TAG_XPATH = etree.XPath('/descendant::meta[@property="article:tag"]')
_CANONICAL_XPATHS = (
    etree.XPath('/descendant::link[@rel="canonical"]/@href'),
    etree.XPath('/descendant::meta[@property="og:url"]/@content'),
)


def too_deep(raw: str) -> bool:
    """Nested deeper than ``MAX_JSON_LD_DEPTH``. The brackets in the text bound the depth from above: a document
    with no more of them than the limit (nearly all) needs no bracket-by-bracket walk."""
    if raw.count("[") + raw.count("{") <= MAX_JSON_LD_DEPTH:
        return False
    return json_nesting_depth(raw) > MAX_JSON_LD_DEPTH


def json_nesting_depth(raw: str) -> int:
    """The deepest nesting of arrays and objects in ``raw``, in one linear pass (strings skipped)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", raw)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _json_ld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in _JSON_LD_XPATH(tree):
        raw = (script.text or "").strip()
        if not raw or too_deep(raw):
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(_JSON_TRAILING_COMMA.sub(r"\1", raw), strict=False)
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
                if isinstance(item.get("mainEntity"), (dict, list)):  # a WebPage wrapping the article
                    stack.append(item["mainEntity"])
    return objects


@dataclass(slots=True)
class MachineFields:
    """What a page says for machines, read once per page: metadata and the publisher evidence both read its
    ``<meta>`` values and its JSON-LD objects, and neither changes them."""

    meta: dict[str, str]
    objects: list[dict[str, Any]]


def read_machine_fields(tree: lxml_html.HtmlElement) -> MachineFields:
    return MachineFields(_meta(tree), _json_ld_objects(tree))


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _article_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    ranked = sorted(
        (item for item in objects if _types(item) & ARTICLE_TYPES),
        key=lambda item: ("webpage" in _types(item), not item.get("headline")),
    )
    return ranked[0] if ranked else None


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _image_url(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _image_url(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return None


# Chinese and Japanese keyword fields are often separated by spaces only ("深空探测 探月工程"): no word has one.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        separators = r"[,;、，]" if re.search(r"[,;、，]", value) or not _CJK.search(value) else r"\s+"
        return [part.strip() for part in re.split(separators, value) if part.strip()]
    if isinstance(value, list):
        return [word for item in value for word in _keywords(item)]
    return []


def clean_text(value: str) -> str:
    """Metadata strings often arrive HTML-escaped (``&#8216;``, or escaped twice in an attribute, which the parser
    undoes once: ``&amp;rsquo;``) or with soft hyphens and zero-width spaces. Unescaped once here, so a page and
    a feed escape the text once; NFC, as the decoded page is (an entity or a JSON escape may spell a letter and
    its accent apart)."""
    return unicodedata.normalize("NFC", normalize_space(_INVISIBLE.sub("", html.unescape(value))))


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        cleaned = clean_text(value)
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return list(seen.values())


_TITLE_SEPARATOR = re.compile(r"\s[|\-–—·»]\s")


def _title_suffix(title: str | None) -> str | None:
    """ "Storm hits the coast - Lesotho Times" -> "Lesotho Times": where a site names itself."""
    parts = _TITLE_SEPARATOR.split(title or "")
    return parts[-1].strip() if len(parts) > 1 and len(parts[-1]) <= 40 else None


# Taxonomy prefixes CMSs put before a tag ("category: travel", "topic/misshandel", "nlp entity tokens: x").
_TAG_KEYS = frozenset(
    {
        "category",
        "categories",
        "topic",
        "topics",
        "tag",
        "tags",
        "section",
        "sections",
        "subject",
        "subjects",
        "keyword",
        "keywords",
        "entity",
        "entities",
        "person",
        "people",
        "organization",
        "organisation",
        "location",
        "place",
        "places",
        "nlp entity tokens",
        "nlp entities",
    }
)
# Analytics fields that some sites publish among their keywords: not topics.
_NOT_TAG_KEYS = frozenset(["day", "language", "page type", "article type", "partner", "type", "format", "nlp category"])
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_HOSTNAME = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)
# ``ctp_video``, ``autoplay_video``: a CMS's flags in snake case; a topic a reader would name has no underscore.
_CMS_FLAG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def _clean_tag(tag: str) -> str | None:
    tag = tag.strip()
    if not tag or tag.isdigit() or _UUID.match(tag) or _HOSTNAME.match(tag) or _CMS_FLAG.match(tag):
        return None
    for separator in (":", "/"):
        key, found, value = tag.partition(separator)
        key = key.strip().casefold()
        if found and value.strip():
            if key in _TAG_KEYS:
                return value.strip()
            if separator == ":" and key in _NOT_TAG_KEYS:
                return None
    return tag


def clean_tags(tags: list[str]) -> list[str]:
    """Keywords as readers would name the topics: no ids, no host names, no "category:" prefixes."""
    return _unique([cleaned for tag in tags if (cleaned := _clean_tag(tag))])


def read_metadata(
    tree: lxml_html.HtmlElement,
    url: str | None,
    machine: MachineFields | None = None,
    page: PageElements | None = None,
) -> PageMetadata:
    """The page's metadata; ``machine`` when the caller has already read the page's meta values and JSON-LD,
    ``page`` when it holds the tree's element list (extract/classed.py)."""
    machine = machine or read_machine_fields(tree)
    page = page or PageElements(tree)  # listed only if a reader below needs it
    meta, objects = machine.meta, machine.objects
    article = _article_object(objects) or {}
    result = PageMetadata()
    result.title = clean_text(str(article.get("headline") or "")) or None
    og_title = meta.get("og:title") or meta.get("twitter:title")
    result.og_title = clean_text(og_title) if og_title else None
    title_element = tree.find(".//title")
    result.html_title = normalize_space(title_element.text_content()) if title_element is not None else None
    description = meta.get("og:description") or meta.get("description") or article.get("description")
    result.description = (clean_text(description) or None) if isinstance(description, str) else None
    publisher = article.get("publisher")
    result.authors = split_authors(_unique(_names(article.get("author"))))
    if not result.authors:
        meta_authors = [
            str(element.get("content"))
            for element in _META_CONTENT_XPATH(tree)
            if (element.get("name") or element.get("property") or "").lower() in AUTHOR_META
        ]
        result.authors = split_authors(meta_authors)
    host = host_of(url) if url else None
    outlets = [
        meta.get("og:site_name"),
        *_names(publisher),
        _title_suffix(result.html_title),
        host,
    ]
    if not result.authors or names_an_outlet(result.authors, outlets):
        for byline in (visible_bylines(tree, page), bold_byline(tree)):
            if (names := split_authors(byline)) and not names_an_outlet(names, outlets):
                result.authors = names
                break
    result.authors = without_own_domain(result.authors, host)
    result.language = tree.get("lang") or meta.get("og:locale") or article.get("inLanguage")
    if isinstance(result.language, str) and result.language.lower().startswith("vi"):
        # "Theo Hồ Hương": Vietnamese "according to" before a byline (not stripped elsewhere: Theo is a given name)
        result.authors = [re.sub(r"^theo\s+", "", name, flags=re.I) for name in result.authors]
    zone = zone_of_language(result.language if isinstance(result.language, str) else None) or UTC
    result.published = (
        parse_date(article.get("datePublished"), zone)
        or parse_date(meta.get("article:published_time") or meta.get("article:published:time"), zone)
        or parse_date(meta.get("datepublished"), zone)
        or parse_date(meta.get("pubdate"), zone)
        or parse_date(meta.get("publishdate"), zone)
        or parse_date(meta.get("dc.date.issued"), zone)
        or parse_date(meta.get("date"), zone)
    )
    result.modified = parse_date(article.get("dateModified"), zone) or parse_date(
        meta.get("article:modified_time"), zone
    )
    if result.published is None:
        for time_element in tree.iter("time"):
            if parsed := parse_date(time_element.get("datetime"), zone):
                result.published = parsed
                break
    if result.published is None and (printed := printed_date(tree, result.language, page)):
        result.published = printed.replace(tzinfo=zone)
    result.site_name = meta.get("og:site_name") or (_names(publisher)[0] if _names(publisher) else None)
    section = article.get("articleSection")
    result.section = most_specific(
        (section[0] if isinstance(section, list) and section else section if isinstance(section, str) else None)
        or meta.get("article:section")
        or meta.get("articlesection")  # microdata <meta itemprop="articleSection">
        or breadcrumb_section(objects, result.title or result.og_title, url)
        or active_menu_section(tree)
    )
    result.tags = clean_tags(
        _keywords(article.get("keywords"))
        + _keywords([m.get("content", "") for m in _ARTICLE_TAG_XPATH(tree)])
        + (_keywords(meta["news_keywords"]) if "news_keywords" in meta else [])
        + (_keywords(meta["keywords"]) if "keywords" in meta and not article.get("keywords") else [])
    ) or clean_tags(visible_tags(tree, page))
    image = _image_url(article.get("image")) or meta.get("og:image") or meta.get("twitter:image")
    result.image = join_url(url, image) if image else image
    body = article.get("articleBody")
    result.json_ld_body = body if isinstance(body, str) and len(body) > 200 else None
    result.canonical = _canonical(tree, url)
    return result


def _canonical(tree: lxml_html.HtmlElement, url: str | None) -> str | None:
    for xpath in _CANONICAL_XPATHS:
        for value in xpath(tree):
            value = str(value).strip()
            if value.startswith(("http://", "https://")):
                return value
            if value.startswith("/") and url:
                return join_url(url, value)
    return None
