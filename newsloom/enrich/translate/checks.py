"""Translation checks: per translated block, what a translation must not change.

- **number**: numbers and amounts (scale words and decimal marks read per language; a small number spelled out
  in words on the other side is accepted);
- **date**: day-month dates, whatever their writing ("15/11" = "November 15", "ngày 5/11" = "November 5");
- **name**: people, places and organisations of the original (capitalised runs, titles such as "Thủ tướng"
  stripped) present in the translation as often (compared without diacritics and spaces, so "Hà Nội" is found
  as "Hanoi"; a few common exonyms such as "Mỹ" = "US" are known);
- **quote**: the number of quotations;
- **untranslated**: text left in the source language (the Vietnamese alt text in an English edition).

Each flag names the spans on both sides, so an editor sees the problem without reading the whole article. The
checks are deliberately lexical: they run on every article at import time, need no model, and their precision and
recall are measured in ``bench/translate_bench.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from newsloom.enrich.translate.dates import find_dates, find_numbers, number_words


@dataclass(frozen=True, slots=True)
class Flag:
    part: str  # title | lead | block 3 | image 2 alt | ...
    kind: str  # number | date | name | quote | untranslated
    original: str  # the span(s) in the original
    translated: str  # the span(s) in the translation ("" when missing)
    detail: str


# Common nouns that precede a name in Vietnamese and are translated, not kept: stripped from a name's front.
TITLES = {
    "ông", "bà", "anh", "chị", "cô", "chú", "bác", "ngài", "thủ", "tướng", "chủ", "tịch", "tổng", "thống",
    "bộ", "trưởng", "thứ", "phó", "sở", "cục", "ban", "hội", "viện", "trường", "bệnh", "công", "ty", "tập",
    "đoàn", "ngân", "hàng", "đại", "học", "tỉnh", "thành", "phố", "tp", "quận", "huyện", "phường", "xã",
    "điện", "sông", "núi", "đảo", "hồ", "vịnh", "báo", "đài", "mr", "mrs", "ms", "dr", "president", "prime",
    "minister", "the", "theo", "tại", "ở", "khi", "trong", "nhưng", "và", "với", "của", "sau", "trước",
}  # fmt: skip
# Names a translation rightly renders differently (folded forms): original -> accepted renderings.
EXONYMS = {
    "my": ("us", "usa", "america", "unitedstates"), "nga": ("russia",), "trungquoc": ("china", "chinese"),
    "nhatban": ("japan",), "hanquoc": ("korea",), "phap": ("france", "french"), "duc": ("germany", "german"),
    "anh": ("britain", "uk", "england", "british"), "nhatrang": ("whitehouse",), "vietnam": ("vietnam",),
    "thaibinhduong": ("pacific",), "chauau": ("europe", "eu"), "lienhopquoc": ("unitednations", "un"),
    "kiev": ("kyiv", "kiev"), "kyiv": ("kyiv", "kiev"), "tphcm": ("hochiminhcity", "hcmc"),
    "hochiminh": ("hochiminh",), "bacinh": ("beijing",), "bakinh": ("beijing",), "matxcova": ("moscow",),
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
PROBABILITY = 0.9  # language identification's confidence that a sentence is foreign (dev: 0.99 missed 13%)
CODES = {"USD", "VND", "EUR", "GBP", "JPY", "CNY", "AUD", "CAD", "CHF", "SGD", "THB", "KRW"}
_QUOTE = re.compile(r"“[^”]{2,}”|\"[^\"]{2,}\"|«[^»]{2,}»")
_SENTENCE_END = re.compile(r"[.!?…:\"“«(\-–—]\s*$")
# Letters only Vietnamese writes (beyond Latin-1 and the common European accents).
_VIETNAMESE_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ")


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), only letters and digits: how names are compared across languages."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def names(text: str) -> list[str]:
    """Capitalised runs not at a sentence's start (or of two words or more), titles stripped from the front."""
    found: list[str] = []
    run: list[str] = []
    run_start = 0

    def close() -> None:
        words = list(run)
        while words and words[0].lower().strip(".") in TITLES:
            words.pop(0)
        at_start = run_start == 0 or bool(_SENTENCE_END.search(text[:run_start]))
        if len(words) == 1 and (words[0] in CODES or _VIETNAMESE_LETTERS & set(words[0].lower())):
            # A currency code, or one Vietnamese word: most often the capitalised first word of an office or
            # body ("Bộ trưởng Cắt giảm ngân sách"); a person's given name alone is missed (measured in the bench).
            words = []
        if words and (len(words) >= 2 or not at_start or len(run) > len(words)) and len(fold("".join(words))) >= 3:
            found.append(" ".join(words))
        run.clear()

    previous_end = 0
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip(".-'’")
        capitalised = (word[:1].isupper() and not word.isupper()) or (word.isupper() and len(word) >= 2)
        between = text[previous_end : match.start()]
        if run and (not capitalised or not between.isspace()):
            close()
        if capitalised:
            if not run:
                run_start = match.start()
            run.append(word)
        previous_end = match.end()
    if run:
        close()
    return found


def _present(name: str, folded_translation: str) -> int:
    """How often the name appears: whole, as a known exonym, or word by word ("Điện Kremlin Dmitry Peskov" is
    found in "Kremlin spokesman Dmitry Peskov")."""
    key = fold(name)
    renderings = (key, *EXONYMS.get(key, ()))
    whole = max(folded_translation.count(rendering) for rendering in renderings)
    words = [fold(word) for word in name.split() if len(fold(word)) >= 3]
    if whole or len(words) < 2:
        return whole
    return min(max(folded_translation.count(r) for r in (word, *EXONYMS.get(word, ()))) for word in words)


def _check_names(part: str, original: str, translated: str) -> list[Flag]:
    folded = fold(translated)
    flags = []
    for name, count in Counter(names(original)).items():
        seen = _present(name, folded)
        if seen < count:
            detail = "missing from the translation" if not seen else f"{count} times in the original, {seen} here"
            flags.append(Flag(part, "name", name, "", f"name {name!r} {detail}"))
    return flags


def _surplus(found: list, surplus: Counter) -> list[str]:
    """The spans of ``found`` that make up ``surplus`` (the last ones of each key)."""
    left = Counter(surplus)
    spans = []
    for item in reversed(found):
        if left[item.key] > 0:
            left[item.key] -= 1
            spans.append(item.text)
    return spans[::-1]


def _check_dates(part: str, original: str, translated: str) -> tuple[list[Flag], str, str]:
    original_dates, original_masked = find_dates(original)
    translated_dates, translated_masked = find_dates(translated)
    want = Counter(item.key for item in original_dates)
    have = Counter(item.key for item in translated_dates)
    flags = []
    if want != have:
        extra = _surplus(translated_dates, have - want)
        missing = _surplus(original_dates, want - have)
        detail = f"dates differ: original has {', '.join(missing) or 'no other date'}"
        detail += f", translation has {', '.join(extra) or 'none in their place'}"
        flags.append(Flag(part, "date", "; ".join(missing), "; ".join(extra), detail))
    return flags, original_masked, translated_masked


def _check_numbers(part: str, original: str, translated: str, source: str, target: str) -> list[Flag]:
    want = Counter(item.key for item in find_numbers(original, source))
    found = find_numbers(translated, target)
    have = Counter(item.key for item in found)
    if want == have:
        return []
    spelled = number_words(translated, target) | number_words(original, source)
    missing = [value for value, count in want.items() if count > have.get(value, 0) and value not in spelled]
    extra = [item for item in found if have[item.key] > want.get(item.key, 0) and item.key not in spelled]
    if not missing and not extra:
        return []
    originals = [item.text for item in find_numbers(original, source) if item.key in missing]
    detail = f"numbers differ: original has {', '.join(originals) or 'no other number'}"
    detail += f", translation has {', '.join(item.text for item in extra) or 'none in their place'}"
    return [Flag(part, "number", "; ".join(originals), "; ".join(item.text for item in extra), detail)]


def _check_quotes(part: str, original: str, translated: str) -> list[Flag]:
    want, have = len(_QUOTE.findall(original)), len(_QUOTE.findall(translated))
    if want == have:
        return []
    return [Flag(part, "quote", f"{want} quotations", f"{have} quotations", f"{want} quotations became {have}")]


def _untranslated(part: str, original: str, translated: str, source: str, target: str) -> list[Flag]:
    words = _WORD.findall(translated)
    if len(words) < 2:
        return []
    kept = set(fold(name) for name in names(original))
    if " ".join(translated.split()).casefold() == " ".join(original.split()).casefold() and source != target:
        return [Flag(part, "untranslated", original[:200], translated[:200], "left in the original language")]
    identified = _foreign_sentence(translated, target)
    if identified:
        return [
            Flag(part, "untranslated", original[:200], identified[:200], "a sentence not in the edition's language")
        ]
    if source == "vi" and target != "vi":
        foreign = [w for w in words if _VIETNAMESE_LETTERS & set(w.lower()) and fold(w) not in kept]
        foreign = [w for w in foreign if not any(fold(w) in name for name in kept)]
        if len(foreign) >= 2 and len(foreign) >= 0.3 * len(words):
            sample = " ".join(foreign[:8])
            return [Flag(part, "untranslated", original[:200], sample, "Vietnamese words left in the translation")]
    return []


def _foreign_sentence(translated: str, target: str) -> str | None:
    """A sentence of six words or more in another language than the edition's: identified as such with
    confidence, or, in a Vietnamese edition, written without a single Vietnamese letter (Vietnamese prose always
    has some)."""
    from newsloom.enrich.language import identify
    from newsloom.enrich.translate.segment import split_sentences

    for sentence in split_sentences(translated)[0]:
        if len(sentence.split()) < 6:
            continue
        if target == "vi" and not _VIETNAMESE_LETTERS & set(sentence.lower()):
            return sentence
        language, probability = identify(sentence)
        if language != target and probability >= PROBABILITY:
            return sentence
    return None


def check_pair(part: str, original: str, translated: str, source: str, target: str) -> list[Flag]:
    """Every flag for one translated block."""
    if not original.strip():
        return []
    if not translated.strip():
        return [Flag(part, "untranslated", original[:200], "", "the translation is empty")]
    flags, original_masked, translated_masked = _check_dates(part, original, translated)
    flags += _check_numbers(part, original_masked, translated_masked, source, target)
    flags += _check_names(part, original, translated)
    flags += _check_quotes(part, original, translated)
    flags += _untranslated(part, original, translated, source, target)
    return flags


def check_translation(pairs: list[tuple[str, str, str]], source: str, target: str) -> list[Flag]:
    """Flags for ``(part, original, translation)`` triples."""
    return [
        flag for part, original, translated in pairs for flag in check_pair(part, original, translated, source, target)
    ]
