"""Source lists in TOML: the shipped ``default.toml`` and files given to ``newsloom sources import``.

Format (one ``[[source]]`` table per publisher, one ``[[source.feed]]`` per entry point)::

    [[source]]
    name = "VnExpress"
    homepage = "https://vnexpress.net/"
    language = "vi"
    country = "VN"
    logo_url = "https://…/logo.png"     # optional

    [[source.feed]]
    url = "https://vnexpress.net/rss/tin-moi-nhat.rss"
    kind = "rss"                        # rss | atom | jsonfeed | sitemap | news_sitemap | section_page
    section = "Thời sự"                 # optional portal section for its articles
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from newsloom.errors import InputError, InvalidURL
from newsloom.model import Feed, Source
from newsloom.urls import parse_http_url

DEFAULT_SOURCES = Path(__file__).with_name("default.toml")
KINDS = ("rss", "atom", "jsonfeed", "sitemap", "news_sitemap", "section_page")


def load_sources(path: Path) -> list[Source]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read source list: {error}", str(path)) from error
    return [_source(item, path) for item in data.get("source", [])]


def _source(item: dict[str, Any], path: Path) -> Source:
    if not item.get("name") or not item.get("homepage"):
        raise InputError("every [[source]] needs name and homepage", str(path))
    feeds = []
    for entry in item.get("feed", []):
        kind = entry.get("kind", "rss")
        if not entry.get("url") or kind not in KINDS:
            raise InputError(f"{item['name']}: feed needs a url and a kind among {', '.join(KINDS)}", str(path))
        feeds.append(Feed(url=_http_url(entry["url"], item["name"], path), kind=kind, section=entry.get("section")))
    _http_url(item["homepage"], item["name"], path)
    if item.get("logo_url"):
        _http_url(item["logo_url"], item["name"], path)
    return Source(
        name=item["name"],
        homepage=item["homepage"],
        language=item.get("language"),
        country=item.get("country"),
        logo_url=item.get("logo_url"),
        slug=item.get("slug"),
        feeds=feeds,
    )


def _http_url(url: object, name: str, path: Path) -> str:
    """``url`` if it is an http(s) URL that parses; a bad one refuses the list (it would fail every poll)."""
    try:
        parse_http_url(str(url))
    except InvalidURL as error:
        raise InputError(f"{name}: {str(url)[:200]!r}: {error.reason}", str(path)) from None
    return str(url)
