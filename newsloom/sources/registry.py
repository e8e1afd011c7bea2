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

from newsloom.errors import InputError
from newsloom.model import Feed, Source

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
        feeds.append(Feed(url=entry["url"], kind=kind, section=entry.get("section")))
    return Source(
        name=item["name"],
        homepage=item["homepage"],
        language=item.get("language"),
        country=item.get("country"),
        logo_url=item.get("logo_url"),
        slug=item.get("slug"),
        feeds=feeds,
    )
