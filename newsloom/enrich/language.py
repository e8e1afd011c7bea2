"""Language of an article: the page's own declaration when it is plausible, else identification by py3langid.

Pages often declare a template default (``lang="en"`` on a Vietnamese page), so a declaration is kept only when
the text agrees or is too short to judge.
"""

from __future__ import annotations

from functools import lru_cache

from newsloom.model import Article

MIN_CHARS_TO_JUDGE = 80


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    language, probability = _identifier().classify(text[:3000])
    return str(language), float(probability)


def normalise_code(code: str | None) -> str | None:
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else None


def detect_language(article: Article) -> Article:
    declared = normalise_code(article.language)
    sample = " ".join(filter(None, [article.title, article.lead, article.body[:2500]]))
    if len(sample) < MIN_CHARS_TO_JUDGE:
        article.language = declared
        return article
    identified, probability = identify(sample)
    article.language = identified if (declared != identified and probability >= 0.9) or not declared else declared
    return article
