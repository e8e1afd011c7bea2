"""Sentences: the unit the translation memory remembers and backends translate.

A sentence, not a paragraph, is what recurs (a boilerplate line, a caption, a syndicated copy with one sentence
edited), so the memory works on sentences. Splitting keeps the exact whitespace between sentences so a text is
rebuilt as it was, only translated.
"""

from __future__ import annotations

from newsloom.text import split_sentences

__all__ = ["join_sentences", "split_sentences"]  # splitting lives with the other text helpers


def join_sentences(original: str, sentences: list[str], separators: list[str]) -> str:
    lead = original[: len(original) - len(original.lstrip())]
    return lead + "".join(sentence + separator for sentence, separator in zip(sentences, separators, strict=True))
