"""What tells two look-alike events apart: the names, numbers and dates a report mentions.

Two earthquakes, two rehab admissions, two jewellery heists in Paris share their vocabulary; they differ in who,
where, how many and when. ``names_and_numbers`` turns a text into such tokens (capitalised spans, the words of
multi-word names, numbers, the dates mentioned) for a TF-IDF of their own beside the words' one. ``mentioned_dates``
reads dates written in English or Vietnamese ("December 15th, 2008", "16 December 2008", "2008-12-16",
"12/16/08", "ngày 25/10/2024").

``strip_repeated_lines`` removes the lines an outlet repeats on many pages (a footer, a newsletter pitch): text
every page of a site carries would otherwise make its pages look like one story.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|"
    r"Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"((?:19|20)\d\d)"
# The lookaheads ``(?=...)`` below repeat what the pattern's first character must be: they change no match, but
# let the regex engine skip a position with one test instead of trying every alternative there (the month names,
# the number's two forms), which was most of the cost of reading a text's names.
_MONTH_DAY_YEAR = re.compile(
    r"(?=[jfmasond])" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)
_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d\d")
_ISO = re.compile(r"\b" + _YEAR + r"-(\d\d)-(\d\d)\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)\b")
_VIETNAMESE = re.compile(r"\bngày\s+(\d{1,2})[/-](\d{1,2})(?:[/-]((?:19|20)\d\d))?", re.IGNORECASE)

_CAPITALISED = re.compile(
    r"\b[A-ZÀ-ÝĐ][\w'’.-]*(?:\s+(?:of|de|the|and|van|von|al|bin|for|la|le|du)?\s*[A-ZÀ-ÝĐ][\w'’.-]*)*"
)
_NUMBER = re.compile(r"(?=\d)(?:(?<![\w.])\d[\d,.]*\d|\b\d\b)")
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "or",
        "for",
        "as",
        "by",
        "with",
        "from",
        "to",
        "of",
        "is",
        "was",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "after",
        "before",
        "when",
        "while",
        "if",
        "so",
        "there",
        "here",
        "what",
        "who",
        "why",
        "how",
        "mr",
        "mrs",
        "ms",
        "dr",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
REPEATED_LINE_PAGES = 3  # a line one outlet prints on this many pages in hand is its chrome, not news
MIN_LINE_CHARS = 20


def mentioned_dates(text: str) -> list[date]:
    """Dates written in the text, in the order they appear (a dateline first, if any)."""
    found: list[tuple[int, date]] = []
    if _YEAR_ANYWHERE.search(text) is not None:  # the three patterns below each need a year: most texts skip them
        _written_with_year(text, found)
    # each pattern below needs the text to hold what is tested first (a cheaper scan than the pattern's own)
    slashed = "/" in text
    vietnamese = list(_VIETNAMESE.finditer(text)) if (slashed or "-" in text) and "ngày" in text.lower() else []
    for match in vietnamese:
        if match.group(3):
            _add(found, match.start(), match.group(3), match.group(2), match.group(1))
    vietnamese_spans = {match.start(1) for match in vietnamese}
    for match in _SLASHED.finditer(text) if slashed else ():
        if match.start() in vietnamese_spans:
            continue
        year = int(match.group(3))
        _add(found, match.start(), year + 2000 if year < 100 else year, match.group(1), match.group(2))
    return [day for _, day in sorted(found, key=lambda item: item[0])]


def _written_with_year(text: str, found: list[tuple[int, date]]) -> None:
    for match in _MONTH_DAY_YEAR.finditer(text):
        _add(found, match.start(), match.group(3), _MONTHS[match.group(1)[:3].casefold()], match.group(2))
    for match in _DAY_MONTH_YEAR.finditer(text):
        _add(found, match.start(), match.group(3), _MONTHS[match.group(2)[:3].casefold()], match.group(1))
    for match in _ISO.finditer(text) if "-" in text else ():
        _add(found, match.start(), match.group(1), match.group(2), match.group(3))


def _add(found: list[tuple[int, date]], at: int, year: object, month: object, day: object) -> None:
    with contextlib.suppress(ValueError):  # 31 February, 13/25/08: not a date
        found.append((at, date(int(str(year)), int(str(month)), int(str(day)))))


def names_and_numbers(text: str) -> list[str]:
    """Tokens naming who, where, how many and when: each capitalised span (without a leading function word), the
    words of multi-word names on their own (``Mark Felt`` also gives ``felt``), numbers, and mentioned dates at
    day and month precision."""
    tokens: list[str] = []
    for match in _CAPITALISED.finditer(text):
        words = match.group(0).split()
        while words and words[0].casefold() in _FUNCTION_WORDS:
            words = words[1:]
        if not words:
            continue
        tokens.append(" ".join(words).casefold())
        if len(words) > 1:
            tokens.extend(w.casefold() for w in words if len(w) > 2 and w.casefold() not in _FUNCTION_WORDS)
    tokens.extend("#" + number.replace(",", "") for number in _NUMBER.findall(text))
    for day in mentioned_dates(text):
        tokens.append("@" + day.isoformat())
        tokens.append("@" + day.isoformat()[:7])
    return tokens


def strip_repeated_lines(texts: Sequence[str], outlets: Sequence[str | None]) -> list[str]:
    """The texts without the lines their outlet repeats on ``REPEATED_LINE_PAGES`` or more pages in hand."""
    pages_with_line: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
    split = [text.splitlines() for text in texts]
    for lines, outlet in zip(split, outlets, strict=True):
        if outlet is not None:
            pages_with_line[outlet].update({line.strip() for line in lines if len(line.strip()) >= MIN_LINE_CHARS})
    cleaned = []
    for lines, outlet in zip(split, outlets, strict=True):
        repeated = pages_with_line.get(outlet)
        if not repeated:
            cleaned.append("\n".join(lines))
            continue
        kept = "\n".join(line for line in lines if repeated[line.strip()] < REPEATED_LINE_PAGES)
        whole = "\n".join(lines)
        # most of the page repeated: the same text run again (a correction, a copy), not chrome around news
        cleaned.append(kept if 2 * len(kept) >= len(whole) else whole)
    return cleaned
