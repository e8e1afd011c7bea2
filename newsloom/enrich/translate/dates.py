"""Dates and numbers as a translation must keep them, read from Vietnamese and English text.

Vietnamese writes day before month ("15/11", "ngày 5/11", "ngày 15 tháng 11"), English spells the month
("November 15", "15 November", "Nov. 15"). Both become a ``(month, day)`` key (or ``(month, 0)`` with a year for
"tháng 2/2022" / "February 2022") so a check compares what the date *is*, not how it is written. Numbers become
floats with their scale word applied ("5 tỷ" = "5 billion" = 5e9) and the language's decimal mark respected
("2,5" in Vietnamese = "2.5" in English).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month_name>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# Order matters: longer forms first, and each match masks its span so "15/11" is not also read as two numbers.
_DATE_PATTERNS = [
    re.compile(r"(?i)ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})(?:\s+năm\s+(?P<year>\d{4}))?"),
    re.compile(r"(?i)\btháng\s+(?P<month>\d{1,2})[/\-.](?P<year>\d{4})\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/\-](?P<month>\d{1,2})(?:[/\-](?P<year>\d{4}|\d{2}))?\b(?![.,]\d)"),
    re.compile(rf"(?i)\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"),
    re.compile(rf"(?i)\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b"),
    re.compile(rf"(?i)\b{_MONTH}\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?i)\btháng\s+(?P<month>\d{1,2})(?:\s+năm\s+(?P<year>\d{4}))?\b"),
    re.compile(
        r"(?i)\b(?P<month_name>january|february|march|april|june|july|august|september|october|november|"
        r"december)\b"
    ),
]

SCALES = {
    "nghìn": 1e3, "ngàn": 1e3, "thousand": 1e3, "k": 1e3,
    "triệu": 1e6, "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6,
    "tỷ": 1e9, "tỉ": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9,
    "nghìn tỷ": 1e12, "trillion": 1e12,
}  # fmt: skip
_SCALE = "|".join(sorted((re.escape(word) for word in SCALES), key=len, reverse=True))
_NUMBER = re.compile(rf"(?<![\w.,])(?P<number>\d+(?:[.,]\d+)*)(?:\s*(?P<scale>{_SCALE})\b)?", re.IGNORECASE)

# Languages writing a decimal comma and grouping with dots (1.000.000,5).
DECIMAL_COMMA = {"vi", "de", "fr", "es", "it", "pt", "nl", "id", "ru", "pl", "tr", "cs", "ro", "da", "sv", "no"}

WORD_NUMBERS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "hundred": 100, "first": 1, "second": 2,
           "third": 3},
    "vi": {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
           "mười": 10, "trăm": 100},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    key: tuple[int, ...] | float
    text: str
    start: int
    end: int


def find_dates(text: str) -> tuple[list[Found], str]:
    """Dates in ``text`` and the text with their spans blanked (for number extraction)."""
    found: list[Found] = []
    masked = list(text)
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer("".join(masked)):
            groups = match.groupdict()
            month = MONTHS[groups["month_name"].lower()] if groups.get("month_name") else int(groups["month"])
            day = int(groups["day"]) if groups.get("day") else 0
            if not 1 <= month <= 12 or not 0 <= day <= 31:
                continue
            if groups.get("month_name") and groups["month_name"].lower() in ("may", "mar", "jun") and not day:
                continue  # "may" the verb, "Mar" a name: without a day it says nothing
            year = int(groups["year"]) if groups.get("year") else 0
            year = year + 2000 if 0 < year < 100 else year
            found.append(Found((month, day, year) if not day else (month, day), match.group(0), *match.span()))
            masked[match.start() : match.end()] = " " * (match.end() - match.start())
    found.sort(key=lambda item: item.start)
    return found, "".join(masked)


def parse_number(raw: str, language: str) -> float | None:
    """A number as written in ``language``: "1.000.000" and "2,5" in Vietnamese, "1,000,000" and "2.5" in English."""
    group, decimal = (".", ",") if language in DECIMAL_COMMA else (",", ".")
    parts = raw.split(group)
    if len(parts) > 1 and all(len(part) == 3 for part in parts[1:]) and decimal not in parts[-1]:
        raw = "".join(parts)
    elif len(parts) > 1 and len(parts) == 2 and decimal not in raw:
        raw = raw.replace(group, ".")  # "2.5" in a Vietnamese text: a decimal written the English way
    else:
        raw = raw.replace(group, "")
    try:
        return float(raw.replace(decimal, "."))
    except ValueError:
        return None


def find_numbers(masked: str, language: str) -> list[Found]:
    found = []
    for match in _NUMBER.finditer(masked):
        value = parse_number(match.group("number"), language)
        if value is None:
            continue
        scale = match.group("scale")
        if scale:
            value *= SCALES.get(scale.lower(), 1.0)
        found.append(Found(round(value, 6), match.group(0).strip(), *match.span()))
    return found


def number_words(text: str, language: str) -> set[float]:
    """Small numbers spelled out ("two people"), which excuse a digit that a translation wrote as a word."""
    lowered = f" {text.lower()} "
    return {
        float(value)
        for word, value in WORD_NUMBERS.get(language, {}).items()
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)
    }
