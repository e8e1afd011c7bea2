"""Listings show a syndicated text once: the first of its reports a listing holds stands for all of them, with
"Also published by …" naming the other outlets (the earliest marked as the original).

Every listing (home, section, tag, author, outlet, search) passes its page of articles through ``fold_copies``
before rendering; the copies' index is the store's (``store/copies.py``), filled at ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from newsloom.model import Article
from newsloom.store.copies import CopyMember, CopyStore
from newsloom.store.portal_queries import Outlet


@dataclass(frozen=True, slots=True)
class AlsoPublished:
    """Another outlet's report of the same text, as a listing links it."""

    outlet: str
    article_id: int
    original: bool


def member_label(member: CopyMember, outlets: dict[int, Outlet]) -> str:
    if member.source_id is not None and member.source_id in outlets:
        return outlets[member.source_id].name
    return member.site_name or (urlsplit(member.url).hostname or "").removeprefix("www.") or "unknown outlet"


def fold_copies(
    articles: list[Article], copies: CopyStore, outlets: dict[int, Outlet]
) -> tuple[list[Article], dict[int, list[AlsoPublished]]]:
    """The articles with every copy of a text already listed dropped, and, for each kept article that shares its
    text, the other outlets' reports (one entry per outlet, the original first)."""
    groups = copies.groups_for([a.id for a in articles if a.id is not None])
    kept: list[Article] = []
    also: dict[int, list[AlsoPublished]] = {}
    seen_roots: set[int] = set()
    for article in articles:
        members = groups.get(article.id) if article.id is not None else None
        if not members:
            kept.append(article)
            continue
        root = members[0].id
        if root in seen_roots:
            continue
        seen_roots.add(root)
        kept.append(article)
        own = member_label(next(m for m in members if m.id == article.id), outlets)
        named: dict[str, AlsoPublished] = {}
        for member in members:
            label = member_label(member, outlets)
            if member.id != article.id and label != own and label not in named:
                named[label] = AlsoPublished(label, member.id, member.original)
        if named:
            also[article.id] = list(named.values())  # type: ignore[index]
    return kept, also
