"""The shared Vietnamese article pages (../shared/corpora/vietnamese-news) as tests read them: their index records,
the saved page, its own cover (``og:image``) and its links to the site's other articles (related headlines and
their thumbnails), which neither the extraction nor the portal may show as the article's own text or cover.
Every function skips the test where the corpus is absent."""

from __future__ import annotations

import gzip
import json
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from tests.support.pages import corpus

NAME = "vietnamese-news"


def records() -> list[dict[str, Any]]:
    """The corpus index, one object per page (see its SOURCE.md)."""
    root = corpus(NAME)
    return [json.loads(line) for line in (root / "index.jsonl").read_text().splitlines() if line.strip()]


def page_record(page_id: str) -> dict[str, Any]:
    return next(item for item in records() if item["id"] == page_id)


def page_bytes(record: dict[str, Any]) -> bytes:
    return gzip.decompress((corpus(NAME) / "html" / f"{record['id']}.html.gz").read_bytes())


def space(text: str | None) -> str:
    return " ".join((text or "").split())


def og_image(record: dict[str, Any]) -> str | None:
    """The picture the page names as its own for sharing: the article's cover as its outlet chose it."""
    found = lxml_html.fromstring(page_bytes(record)).xpath("//meta[@property='og:image']/@content")
    return urljoin(record["url"], found[0].strip()) if found else None


def links_to_other_pages(record: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The page's links to its site's other pages: their texts (headlines, 30 characters or more) and the
    pictures inside them (thumbnails)."""
    tree = lxml_html.fromstring(page_bytes(record))
    host = urlsplit(record["url"]).hostname
    texts, pictures = set(), set()
    for link in tree.iter("a"):
        target = urljoin(record["url"], link.get("href") or "")
        if urlsplit(target).hostname != host or target.split("#")[0] == record["url"]:
            continue
        if len(text := space(link.text_content())) >= 30:
            texts.add(text)
        pictures.update(urljoin(record["url"], img.get("src") or "") for img in link.iter("img"))
    return texts, pictures


def page_pictures(record: dict[str, Any]) -> set[str]:
    """Every picture URL the page names (``img`` src and lazy-load attributes, ``og:image``), absolute."""
    tree = lxml_html.fromstring(page_bytes(record))
    found = set()
    for img in tree.iter("img"):
        for attribute in ("src", "data-src", "data-original"):
            if (value := (img.get(attribute) or "").strip()) and not value.startswith("data:"):
                found.add(urljoin(record["url"], value))
    if cover := og_image(record):
        found.add(cover)
    return found
