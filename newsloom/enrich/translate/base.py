"""The translation seam: one small Protocol every backend implements, and the error they all raise.

A backend translates a batch of plain-text segments from one language to another and returns exactly one
translation per segment, in order. Everything else (which parts of an article, sentence splitting, the memory,
the cap, storing the edition, the checks) is the stage's job, so a backend is a few dozen lines.
"""

from __future__ import annotations

from typing import Protocol

from newsloom.errors import NewsloomError


class TranslationError(NewsloomError):
    """A backend could not translate (server down, timeout, bad answer, missing model): the article stays stored
    untranslated and its job is retried later."""


class SkipTranslation(TranslationError):
    """The article cannot be translated as things are configured (no model for its language pair, text not in its
    language's script): it is skipped, with the reason, and not tried again until that changes. Not a failure:
    it never counts towards a backend being down."""


class NoModelError(SkipTranslation):
    """The backend has no model for the language pair: "no model for pt→en"."""

    def __init__(self, source: str, target: str, hint: str = "") -> None:
        super().__init__(f"no model for {source}→{target}")
        self.source, self.target, self.hint = source, target, hint


def supports(translator: object, source: str, target: str) -> bool:
    """Whether ``translator`` can translate the pair, as far as it can tell without translating: a backend may
    offer ``supports(source, target)`` (the offline one looks for a model); one that does not is assumed to."""
    check = getattr(translator, "supports", None)
    return bool(check(source, target)) if callable(check) else True


class Translator(Protocol):
    name: str  # backend: ctranslate2 | libretranslate | openai
    model: str  # model name or directory, recorded on each edition

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """One translation per text, in order; raises ``TranslationError``."""
        ...


def check_count(sent: list[str], received: list[str], backend: str) -> list[str]:
    """A backend answering with fewer (or more) segments than it was sent cannot be trusted to line them up."""
    if len(received) != len(sent):
        raise TranslationError(f"{backend} returned {len(received)} translations for {len(sent)} segments")
    return received
