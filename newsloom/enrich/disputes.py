"""Disputes: sentences in which an actor denies, refutes, rejects or confirms a report or a claim, in English and
Vietnamese, with the actor and, where named, whose report ("Kremlin spokesman Dmitry Peskov on October 25 denied
a Wall Street Journal report", "Ukraine denies Russian claims", "Bộ Y tế bác bỏ thông tin …").

Rule-based, for precision: a stance verb must govern a report-like object within a few words ("denied a …
report", "rejected claims", "phủ nhận thông tin"); look-alikes are refused: "denied entry", "was denied bail",
"did not deny", "neither confirmed nor denied", "declined to confirm", "không phủ nhận".

A story is **disputed** when one report denies a report the story also carries (``disputed_pairs``): the denial
names an outlet of the story, or names no one and the story holds an earlier report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from newsloom.model import Article


class StanceKind(StrEnum):
    DENIAL = "denial"
    CONFIRMATION = "confirmation"


@dataclass(frozen=True, slots=True)
class Stance:
    kind: StanceKind
    sentence: str
    actor: str | None
    whose: str | None  # the report's author where the sentence names it ("Wall Street Journal", "Russian")


_OBJECT_EN = r"(?:that|charges?|any|reports?|claims?|allegations?|accusations?|stor(?:y|ies)|articles?|rumou?rs?|suggestions?|assertions?|information|news)"
_DENY_EN = r"(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|rebuff(?:s|ed)?)"
_CONFIRM_EN = r"(?:confirm(?:s|ed|ing)?)"
_GAP = r"(?:[\w'’.,-]+\s+){0,6}?"
_EN = re.compile(
    rf"\b(?P<verb>{_DENY_EN}|{_CONFIRM_EN})\s+(?P<gap>{_GAP})(?P<object>{_OBJECT_EN})\b(?P<after>[^.;]*)",
    re.IGNORECASE,
)
_EN_NEGATED = re.compile(
    r"\b(?:not|never|n't|nor|neither|refused to|declined to|would not|could not|cannot|can't|won't|without)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_EN_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ\"“])|\n+")
_CAPITALISED = re.compile(r"[A-ZÀ-ỸĐ][\w'’.-]*(?:\s+(?:of|the|de)?\s*[A-ZÀ-ỸĐ][\w'’.-]*)*")
_WHOSE_AFTER = re.compile(
    r"^\s*(?:by|from|in|of|published by|carried by)\s+(?:the\s+)?(?P<name>[A-ZÀ-ỸĐ][\w'’.-]*(?:\s+[A-ZÀ-ỸĐ][\w'’.-]*)*)"
)
_DATE_TAIL = re.compile(
    r"\s+(?:on|last|this)\s+(?:\w+\s+)?\d{0,2}\s*$|\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s*$|"
    r"\s+on\s+[A-Z][a-z]+\s+\d{1,2}\s*$"
)
_ACTOR_LEAD = re.compile(r"^.*?(?:,\s*|\bbut\s+|\band\s+|\bwhile\s+)(?=[A-ZÀ-ỸĐ])")

_VI = re.compile(
    r"(?P<verb>bác bỏ|phủ nhận|bác|khẳng định|xác nhận)\s+(?P<gap>(?:\S+\s+){0,3}?)(?P<object>thông tin|tin đồn|cáo buộc|"
    r"báo cáo|bài báo|tuyên bố|luận điệu|thông tin của|nguồn tin)(?P<after>[^.;]*)",
    re.IGNORECASE,
)
_VI_NEGATED = re.compile(r"(?:không|chưa|chẳng|từ chối)\s+(?:\S+\s+){0,1}$", re.IGNORECASE)
_VI_WHOSE = re.compile(
    r"^\s*(?:(?:mà|do|của|từ)\s+)?(?:tờ|báo|hãng|đài|trang)?\s*(?P<name>[A-ZÀ-ỸĐ][\w'’.-]*(?:\s+[A-ZÀ-ỸĐ][\w'’.-]*)*)"
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def find_stances(text: str, language: str | None = None) -> list[Stance]:
    """Every denial or confirmation of a report or claim in ``text`` (English and Vietnamese rules both run
    unless ``language`` says which)."""
    found = []
    for sentence in sentences(text):
        stance = None
        if language in (None, "en") or not (language or "").startswith("vi"):
            stance = _english(sentence)
        if stance is None and (language is None or language.startswith("vi")):
            stance = _vietnamese(sentence)
        if stance is not None:
            found.append(stance)
    return found


def _english(sentence: str) -> Stance | None:
    for match in _EN.finditer(sentence):
        before = sentence[: match.start()]
        if _EN_NEGATED.search(before) or _EN_PASSIVE.search(before):
            continue
        gap = match.group("gap")
        if re.search(r"\b(?:entry|access|bail|visa|permission|request|appeal|application)\b", gap, re.I):
            continue
        verb = match.group("verb").casefold()
        kind = StanceKind.CONFIRMATION if verb.startswith("confirm") else StanceKind.DENIAL
        whose = _whose_english(gap, match.group("after"))
        return Stance(kind, sentence, _actor(before), whose)
    return None


def _whose_english(gap: str, after: str) -> str | None:
    names = [m.group(0) for m in _CAPITALISED.finditer(gap)]
    if names:
        return names[-1].removesuffix("'s").removesuffix("’s")
    match = _WHOSE_AFTER.match(after)
    return match.group("name") if match else None


def _actor(before: str) -> str | None:
    subject = _ACTOR_LEAD.sub("", before.strip())
    subject = _DATE_TAIL.sub("", subject).strip(" ,")
    subject = re.sub(r"\s+(?:has|have|had|also|again|quickly|strongly|flatly|publicly|on \w+ \d+)$", "", subject)
    return subject or None


def _vietnamese(sentence: str) -> Stance | None:
    for match in _VI.finditer(sentence):
        before = sentence[: match.start()]
        if _VI_NEGATED.search(before):
            continue
        verb = match.group("verb").casefold()
        kind = StanceKind.CONFIRMATION if verb in ("khẳng định", "xác nhận") else StanceKind.DENIAL
        whose = _VI_WHOSE.match(match.group("after"))
        return Stance(kind, sentence, _actor(before), whose.group("name") if whose else None)
    return None


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
        denials = [s for s in find_stances(text, language) if s.kind is StanceKind.DENIAL]
        # a denial naming whose report it denies says more than a headline's "X denies report"
        for stance in sorted(denials, key=lambda s: s.whose is None):
            claim = _claim_for(stance, article_id, reports)
            if claim is not None:
                pairs.append(DisputedPair(claim, article_id, stance))
                break
    return pairs


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
