"""Small text helpers shared by several stages: slugs, whitespace and sentences."""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
# End of sentence: . ! ? … (with closing quotes/brackets), then whitespace, then something that starts a sentence.
# "15.11" or "1.000" never split (no space); "TP. HCM" may (for the translation memory a missed hit, never a wrong
# translation; a paragraph cut checks the word before).
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?[A-ZÀ-ỸĐ0-9])")


def split_sentences(text: str) -> tuple[list[str], list[str]]:
    """Sentences and the separators after each (the last one's is the text's trailing whitespace)."""
    stripped = text.strip()
    if not stripped:
        return [], []
    lead = text[: len(text) - len(text.lstrip())]
    sentences: list[str] = []
    separators: list[str] = []
    start = 0
    for match in _SENTENCE_BOUNDARY.finditer(stripped):
        sentences.append(stripped[start : match.start(1)])
        separators.append(match.group(1))
        start = match.end(1)
    sentences.append(stripped[start:])
    separators.append(text[len(lead) + len(stripped) :])
    return sentences, separators


def normalize_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends. ``str.split`` breaks on exactly the characters ``\\s``
    matches in a ``str`` pattern (``str.isspace``), and is several times faster than ``re.sub`` then ``strip``."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug; Vietnamese and other Latin diacritics fold to their base letter (``Dân trí`` → ``dan-tri``).

    Remembered for the last 8,192 texts: pages slug the same titles, tags and names over and over (every link to
    an article carries its title's slug), and folding a long title character by character is slow in Python.
    """
    if text.isascii():
        ascii_text = text.lower()  # nothing to fold
    else:
        text = text.replace("đ", "d").replace("Đ", "D")
        folded = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    if not slug:
        # Scripts without a Latin folding (CJK, Cyrillic, Arabic) keep their letters, URL-safe.
        slug = "-".join(re.findall(r"\w+", text.lower()))
    return slug[:max_length].strip("-") or "untitled"
