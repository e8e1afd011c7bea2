"""Disputes: sentences in which an actor denies, refutes, rejects or confirms a report or a claim, in English and
Vietnamese, with the actor and, where named, whose report ("Kremlin spokesman Dmitry Peskov on October 25 denied
a Wall Street Journal report", "Ukraine denies Russian claims", "Bộ Y tế bác bỏ thông tin …").

The sentences are found by the rules of ``newsloom.enrich.stances`` (precision first; look-alikes such as "denied
entry", "was denied bail", "did not deny", "declined to confirm", "không phủ nhận" are refused).

A story is **disputed** when one report denies a report the story also carries (``disputed_pairs``): the denier
is someone (a person or a body: "Peskov", "The ministry", "Ông Trump"), never a bare pronoun ("He", "Ông", "Anh":
who denies what is then unknown to a reader of one sentence), the denial is news rather than background, and it
names an outlet of the story, or names no one, stands in its report's head and the story holds another report.
Each side's article page links to the other (``dispute_links``).

Why the last two conditions: on a real week of Vietnamese news every denial the rules found in a multi-report story
was the article's background ("Trước đó, Tổng thống Zelensky đã bác bỏ một lời mời tương tự vào năm ngoái",
"Epstein bác bỏ mọi cáo buộc …", "ở thời điểm cuối năm 2025, … đều từng lên tiếng phủ nhận"), and a reader saw
"Disputed" on four stories nobody disputes. A denial told as the past (``is_background``: "trước đó", "từng", "năm
ngoái", "previously", "had denied", a year before the report's) disputes nothing; a denial naming no one is read
as disputing the story's report only when it is its own article's news: in the title or the lead, or the first two
sentences of the body (``in_head``). A denial naming the story's outlet says whose report it denies wherever it
stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    "in_head",
    "is_background",
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


def disputed_pairs(
    reports: list[tuple[int, str, str, str | None]], years: Mapping[int, int] | None = None
) -> list[DisputedPair]:
    """Reports are (article id, outlet label, text, language), oldest first; a text is the title's line, then the
    lead and body. ``years`` gives a report's year of publication where known (a denial "in 2019" is then the
    past). A denial names whose report it denies: the story's report from that outlet is the claim; a denial naming
    no one, standing in its report's head, disputes the story's earliest other report."""
    pairs = []
    for article_id, _outlet, text, language in reports:
        year = (years or {}).get(article_id)
        head = in_head(text)
        denials = [
            s
            for s in find_stances(text, language)
            if s.kind is StanceKind.DENIAL
            and names_someone(s.actor)
            and not is_background(s.sentence, year)
            and (s.whose is not None or s.sentence in head)
        ]
        # a denial naming whose report it denies says more than a headline's "X denies report"
        for stance in sorted(denials, key=lambda s: s.whose is None):
            claim = _claim_for(stance, article_id, reports)
            if claim is not None:
                pairs.append(DisputedPair(claim, article_id, stance))
                break
    return pairs


def in_head(text: str) -> set[str]:
    """The sentences of a report's head: its title (the first line) and the first two sentences after it (the
    lead's, or the body's where there is no lead)."""
    title, _, rest = text.strip().partition("\n")
    return {*sentences(title), *sentences(rest)[:2]}


# the past told as background, anywhere in the sentence: Vietnamese "trước đó" (before that) opening it, "năm
# ngoái" (last year); English "previously", "had denied", "last year", "at the time"
_BACKGROUND = re.compile(
    r"^\W*trước đó\b|\bnăm ngoái\b|"
    r"\bpreviously\b|\bhad\s+(?:\w+ly\s+|also\s+|earlier\s+)*(?:denied|rejected|dismissed|refuted)\b|"
    r"\bearlier\s+(?:denied|rejected|dismissed|refuted)\b|\blast\s+year\b|\byears?\s+(?:ago|earlier|before)\b|"
    r"\bat the time\b|\bback in\b",
    re.IGNORECASE,
)
# before the verb only: "từng" close to it is "once, ever" ("đều từng lên tiếng phủ nhận"; further off it may be
# a relative clause, "những người từng tiến hành …", and after the verb "each"), "hồi đầu tuần" (back at …): after
# the verb, such a time is the claim's ("bác bỏ những tin đồn về hưu hồi tháng 7")
_BACKGROUND_BEFORE = re.compile(
    r"(?:\btừng\s+(?:[^\s,.;:!?]+\s+){0,3}?|\bhồi\s+(?:năm|tháng|đầu|cuối|giữa)\b[^.;!?]*?)"
    r"(?:phủ nhận|bác bỏ|bác tin|cải chính)",
    re.IGNORECASE,
)
# the time of the denial given with a year: "vào năm 2019", "cuối năm 2025", "cuối tháng 12/2025", "in 2019"
_YEAR = re.compile(
    r"\b(?:vào|hồi|cuối|đầu|giữa|in|since|during)\s+(?:(?:năm|tháng|the|early|late|mid)\s+)?(?:\d{1,2}[/-])?"
    r"(?P<year>(?:19|20)\d\d)(?![\d.,]\d)",
    re.IGNORECASE,
)


def is_background(sentence: str, year: int | None = None) -> bool:
    """The denial is told as the past, background to the report rather than its news: a marker of the past, or a
    year before the report's ``year`` ("vào năm 2019", "cuối tháng 12/2025", "in 2019")."""
    if _BACKGROUND.search(sentence) or _BACKGROUND_BEFORE.search(sentence):
        return True
    return year is not None and any(int(found) < year for found in _YEAR.findall(sentence))


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
        [
            (a.id, labels[a.id], f"{_one_line(a.title)}\n{a.lead or ''}\n{a.body}", a.language)
            for a in articles
            if a.id is not None
        ],
        {a.id: a.published.year for a in articles if a.id is not None and a.published is not None},
    )


def _one_line(title: str) -> str:
    return " ".join(title.split())


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
