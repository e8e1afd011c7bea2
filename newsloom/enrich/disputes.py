"""Disputes: sentences in which an actor denies, refutes, rejects or confirms a report or a claim, in English and
Vietnamese, with the actor and, where named, whose report ("Kremlin spokesman Dmitry Peskov on October 25 denied
a Wall Street Journal report", "Ukraine denies Russian claims", "Bộ Y tế bác bỏ thông tin …").

The sentences are found by the rules of ``newsloom.enrich.stances`` (precision first; look-alikes such as "denied
entry", "was denied bail", "did not deny", "declined to confirm", "không phủ nhận" are refused).

A story is **disputed** when one report denies a report the story also carries (``disputed_pairs``): the denier
is someone (a person or a body: "Peskov", "The ministry", "Ông Trump"), never a bare pronoun ("He", "Ông", "Anh":
who denies what is then unknown to a reader of one sentence), and the denial names an outlet of the story, or
names no one and the story holds an earlier report. Each side's article page
links to the other (``dispute_links``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from newsloom.enrich.stances import Stance, StanceKind, find_stances, sentences
from newsloom.model import Article

__all__ = [
    "DisputeLink",
    "DisputeRole",
    "DisputedPair",
    "Stance",
    "StanceKind",
    "dispute_links",
    "disputed_pairs",
    "find_stances",
    "names_someone",
    "sentences",
    "story_disputes",
]


@dataclass(frozen=True, slots=True)
class DisputedPair:
    """A report in a story and the report that denies it."""

    claim_id: int
    denial_id: int
    denial: Stance


def disputed_pairs(reports: list[tuple[int, str, str, str | None]]) -> list[DisputedPair]:
    """Reports are (article id, outlet label, text, language), oldest first. A denial names whose report it
    denies: the story's report from that outlet is the claim; a denial naming no one disputes the story's
    earliest other report."""
    pairs = []
    for article_id, _outlet, text, language in reports:
        denials = [s for s in find_stances(text, language) if s.kind is StanceKind.DENIAL and names_someone(s.actor)]
        # a denial naming whose report it denies says more than a headline's "X denies report"
        for stance in sorted(denials, key=lambda s: s.whose is None):
            claim = _claim_for(stance, article_id, reports)
            if claim is not None:
                pairs.append(DisputedPair(claim, article_id, stance))
                break
    return pairs


# pronouns and bare forms of address: "Ông" alone is "he", "Ông Trump" names him
_PRONOUNS = frozenset(
    [
        "he", "she", "they", "it", "we", "i", "you", "this", "that", "who", "which", "one", "someone", "others",
        "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cậu", "họ", "tôi", "chúng tôi", "chúng ta", "nó",
        "hắn", "mình", "ông ấy", "bà ấy", "anh ấy", "chị ấy", "cô ấy", "em ấy", "ông ta", "bà ta", "anh ta",
        "chị ta", "cô ta", "người này", "vị này",
    ]
)  # fmt: skip


def names_someone(actor: str | None) -> bool:
    """The actor is a person or a body, not a pronoun nor nobody."""
    if actor is None:
        return False
    words = actor.casefold().strip(" \t,.:;\"'“”‘’-–—").split()
    return bool(words) and " ".join(words) not in _PRONOUNS


def _claim_for(stance: Stance, denial_id: int, reports: list[tuple[int, str, str, str | None]]) -> int | None:
    others = [(i, outlet) for i, outlet, _, _ in reports if i != denial_id]
    if stance.whose:
        named = stance.whose.casefold().removeprefix("the ")
        for article_id, outlet in others:
            label = outlet.casefold().removeprefix("the ")
            if named in label or label in named:
                return article_id
        return None
    return others[0][0] if others else None


def story_disputes(articles: list[Article], labels: dict[int, str]) -> list[DisputedPair]:
    """Reports of a story (oldest first, with their outlet labels) that deny another report it carries."""
    return disputed_pairs(
        [(a.id, labels[a.id], f"{a.title}\n{a.lead or ''}\n{a.body}", a.language) for a in articles if a.id is not None]
    )


class DisputeRole(StrEnum):
    DENIED_BY = "denied_by"  # this article carries the claim; the other one denies it
    DENIES = "denies"  # this article denies the other one


@dataclass(frozen=True, slots=True)
class DisputeLink:
    """A disputed pair seen from one of its two articles: the other side, and the denial itself."""

    role: DisputeRole
    other_id: int
    denial: Stance


def dispute_links(article_id: int, pairs: list[DisputedPair]) -> list[DisputeLink]:
    """The other side of every disputed pair ``article_id`` is part of (its article page links to them)."""
    links = []
    for pair in pairs:
        if pair.claim_id == article_id:
            links.append(DisputeLink(DisputeRole.DENIED_BY, pair.denial_id, pair.denial))
        elif pair.denial_id == article_id:
            links.append(DisputeLink(DisputeRole.DENIES, pair.claim_id, pair.denial))
    return links
