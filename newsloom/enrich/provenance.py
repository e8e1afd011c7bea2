"""Provenance inside a story: who reported first, and who cites whom.

Aggregated outlets say where they got a story ("According to RT", "Source: https://dantri.com.vn/…"); extraction
keeps those lines as structured attribution. Within a story, such a line names another outlet of the story (by
its name, or by its site's address), or an outlet the portal does not follow. Both are shown: the first is a
link between two reports, the second says where the news came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsloom.model import Article, AttributionKind
from newsloom.urls import host_of

_NAME_SEPARATORS = re.compile(r"\s*(?:/|,|;|\s(?:and|và|und|et|y)\s)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Citation:
    article_id: int  # the citing report
    citing: str
    cited: str
    cited_article_id: int | None  # the cited outlet's report in this story, if it has one


def _host(url: str | None) -> str:
    host = host_of(url) if url else ""
    return host.removeprefix("www.")


def outlet_keys(label: str, url: str | None) -> set[str]:
    """Ways an attribution line may name an outlet: its name, its site's host, the host without its suffix."""
    keys = {label.casefold(), label.casefold().replace(" ", "")}
    if host := _host(url):
        keys |= {host, host.split(".")[0]}
    return {key for key in keys if len(key) >= 2}


def _named(article: Article) -> list[str]:
    """The outlets an article's attribution lines name, as written."""
    names: list[str] = []
    for item in article.attribution:
        if item.kind == AttributionKind.ACCORDING_TO and item.name:
            names += [part.strip() for part in _NAME_SEPARATORS.split(item.name) if part.strip()]
        elif item.kind == AttributionKind.SOURCE_URL and (host := _host(item.url)):
            names.append(host)
    return names


def _names_itself(name: str, own: set[str]) -> bool:
    """Whether a credit line names the crediting outlet: one of its keys, or its name or host with a word added."""
    compact = name.replace(" ", "")
    return name in own or name.split(".")[0] in own or any(len(key) >= 4 and compact.startswith(key) for key in own)


def citations(articles: list[Article], labels: dict[int, str]) -> list[Citation]:
    """Every (citing report, cited outlet) pair of a story, in the order of the reports."""
    keys = {a.id: outlet_keys(labels[a.id], a.url) for a in articles if a.id is not None}
    found: list[Citation] = []
    seen: set[tuple[int, str]] = set()
    for article in articles:
        if article.id is None:
            continue
        for written in _named(article):
            name = written.casefold().removeprefix("www.")
            stem = name.split(".")[0]
            cited = next(
                (
                    other
                    for other in articles
                    if other.id is not None
                    and labels[other.id] != labels[article.id]
                    and (name in keys[other.id] or stem in keys[other.id])
                ),
                None,
            )
            if cited is None and _names_itself(name, keys[article.id]):
                continue  # an outlet crediting itself ("Al Jazeera" writing "Al Jazeera News")
            label = labels[cited.id] if cited is not None and cited.id is not None else written
            if (article.id, label) in seen:
                continue
            seen.add((article.id, label))
            found.append(Citation(article.id, labels[article.id], label, cited.id if cited is not None else None))
    return found
