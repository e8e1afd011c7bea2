"""Sentences: the unit the translation memory remembers and backends translate.

A sentence, not a paragraph, is what recurs (a boilerplate line, a caption, a syndicated copy with one sentence
edited), so the memory works on sentences. Splitting keeps the exact whitespace between sentences so a text is
rebuilt as it was, only translated.
"""

from __future__ import annotations

import re

# End of sentence: . ! ? … (with closing quotes/brackets), then whitespace, then something that starts a sentence.
# "15.11" or "1.000" never split (no space); "TP. HCM" may, which costs a memory hit, never a wrong translation.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?[A-ZÀ-ỸĐ0-9])")


def split_sentences(text: str) -> tuple[list[str], list[str]]:
    """Sentences and the separators after each (the last one's is the text's trailing whitespace)."""
    stripped = text.strip()
    if not stripped:
        return [], []
    lead = text[: len(text) - len(text.lstrip())]
    sentences: list[str] = []
    separators: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(stripped):
        sentences.append(stripped[start : match.start(1)])
        separators.append(match.group(1))
        start = match.end(1)
    sentences.append(stripped[start:])
    separators.append(text[len(lead) + len(stripped) :])
    return sentences, separators


def join_sentences(original: str, sentences: list[str], separators: list[str]) -> str:
    lead = original[: len(original) - len(original.lstrip())]
    return lead + "".join(sentence + separator for sentence, separator in zip(sentences, separators, strict=True))
