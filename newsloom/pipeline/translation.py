"""The translation stage: after articles are stored, each original in another language gets a translated edition
per target language, stored beside it (never replacing it) and linked by ``translated_from``.

Per article: every translatable part (title, lead, body blocks, list items, image captions and alt text) is split
into sentences; sentences the translation memory knows are not sent again; the rest go to the backend in one
batch; parts past ``translate_max_chars`` stay untranslated (the job is then ``partial``). The edition is stored
and the checks' flags saved with it. Any backend failure leaves the original as it is, records the job as failed
with the reason, and the article is retried on a later run (``newsloom translate`` retries at once).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from newsloom.enrich.translate.base import TranslationError, Translator
from newsloom.enrich.translate.checks import Flag, check_translation
from newsloom.enrich.translate.segment import join_sentences, split_sentences
from newsloom.errors import NewsloomError
from newsloom.model import Article, Block, BlockKind
from newsloom.settings import Settings
from newsloom.store.translations import StoredFlag, TranslationStore

log = logging.getLogger(__name__)

STOP_AFTER_FAILURES = 3  # a backend failing this many articles in a row is down: stop, retry later


@dataclass(slots=True)
class TranslationStats:
    editions: int = 0
    partial: int = 0
    failed: int = 0
    segments: int = 0
    memory_hits: int = 0
    characters: int = 0
    flags: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    stopped: str | None = None

    @property
    def hit_rate(self) -> float:
        return self.memory_hits / self.segments if self.segments else 0.0


@dataclass(slots=True)
class _Slot:
    part: str
    text: str
    write: Callable[[str], None]


def _slots(article: Article) -> list[_Slot]:
    """Every translatable text of ``article``, with how to write its translation back."""
    slots: list[_Slot] = [_Slot("title", article.title, lambda text: setattr(article, "title", text))]
    if article.lead:
        slots.append(_Slot("lead", article.lead, lambda text: setattr(article, "lead", text)))
    for number, block in enumerate(article.blocks, 1):
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.QUOTE) and block.text:
            slots.append(_Slot(f"block {number}", block.text, partial(setattr, block, "text")))
        for index, item in enumerate(block.items):
            cells = item.split("\t")
            for cell_number, cell in enumerate(cells):

                def write(text: str, b: Block = block, i: int = index, c: int = cell_number) -> None:
                    parts = b.items[i].split("\t")
                    parts[c] = text
                    b.items[i] = "\t".join(parts)

                slots.append(_Slot(f"block {number} item {index + 1}", cell, write))
        if block.image is not None:
            slots += _image_slots(f"block {number}", block.image)
    for number, image in enumerate(article.images, 1):
        slots += _image_slots(f"image {number}", image)
    return [slot for slot in slots if slot.text.strip()]


def _image_slots(prefix: str, image: object) -> list[_Slot]:
    return [
        _Slot(f"{prefix} {name}", getattr(image, name), partial(setattr, image, name))
        for name in ("caption", "alt")
        if getattr(image, name)
    ]


SCRIPTS = {
    "LATIN": {"vi", "en", "fr", "de", "es", "it", "pt", "nl", "id", "ms", "pl", "tr", "cs", "ro", "sv", "da", "no"},
    "CYRILLIC": {"ru", "uk", "bg", "sr", "mk", "be", "kk"},
    "CJK": {"zh", "ja"},
    "HIRAGANA": {"ja"},
    "KATAKANA": {"ja"},
    "HANGUL": {"ko"},
    "ARABIC": {"ar", "fa", "ur"},
    "THAI": {"th"},
    "DEVANAGARI": {"hi", "mr", "ne"},
    "GREEK": {"el"},
    "HEBREW": {"he"},
}


def script_problem(text: str, language: str) -> str | None:
    """Why ``text`` cannot be ``language``, if most of its letters are in a script that language is not written
    in (a page mislabelled, or garbage): a model would translate it into nonsense."""
    counts: dict[str, int] = {}
    for ch in text[:4000]:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split()[0]
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    known = [name for name, languages in SCRIPTS.items() if language in languages]
    if known and script not in known and count >= 0.5 * sum(counts.values()):
        return f"text is mostly in {script.title()} script, not the script of language {language!r}"
    return None


class TranslationMemory:
    """Sentences translated before, per backend, model and language pair, kept in the store."""

    def __init__(self, store: TranslationStore) -> None:
        self.store = store

    @staticmethod
    def key(translator: Translator, source: str, target: str, text: str) -> str:
        raw = "\x1f".join((translator.name, translator.model, source, target, text))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def translate(
        self, translator: Translator, segments: list[str], source: str, target: str, stats: TranslationStats
    ) -> list[str]:
        keys = [self.key(translator, source, target, text) for text in segments]
        known = self.store.memory_lookup(list(dict.fromkeys(keys)))
        to_send: dict[str, str] = {}
        for key, text in zip(keys, segments, strict=True):
            if key not in known:
                to_send.setdefault(key, text)
        stats.segments += len(segments)
        stats.memory_hits += len(segments) - len(to_send)
        if to_send:
            translated = translator.translate(list(to_send.values()), source, target)
            fresh = dict(zip(to_send, translated, strict=True))
            self.store.memory_save(fresh, datetime.now(UTC))
            known.update(fresh)
        return [known[key] for key in keys]


@dataclass(slots=True)
class Edition:
    article: Article
    flags: list[Flag]
    partial: bool
    characters: int


def translate_article(
    original: Article,
    translator: Translator,
    memory: TranslationMemory,
    target: str,
    stats: TranslationStats,
    max_chars: int = 20_000,
) -> Edition:
    """The translated edition of ``original`` (a copy; the original is not touched) and its checks' flags."""
    source = original.language or ""
    edition = copy.deepcopy(original)
    slots = _slots(edition)
    problem = script_problem(" ".join(slot.text for slot in slots), source)
    if problem:
        raise TranslationError(problem)
    segments: list[str] = []
    plans: list[tuple[_Slot, list[str], int]] = []
    used = 0
    partial = False
    for slot in slots:
        sentences, separators = split_sentences(slot.text)
        size = sum(len(sentence) for sentence in sentences)
        if used + size > max_chars and used > 0:
            partial = True
            continue
        used += size
        plans.append((slot, separators, len(segments)))
        segments += sentences
    translated = memory.translate(translator, segments, source, target, stats) if segments else []
    pairs = []
    for number, (slot, separators, start) in enumerate(plans):
        end = plans[number + 1][2] if number + 1 < len(plans) else len(segments)
        text = join_sentences(slot.text, translated[start:end], separators)
        slot.write(text)
        pairs.append((slot.part, slot.text, text))
    edition.id = None
    edition.canonical_url = edition_url(original, target)
    edition.language = target
    edition.translated_from = original.id
    edition.story_id = None
    edition.hidden = False
    edition.listed_at = None
    edition.translation_backend = translator.name
    edition.translation_model = getattr(translator, "last_model", None) or translator.model
    return Edition(edition, check_translation(pairs, source, target), partial, used)


def edition_url(original: Article, target: str) -> str:
    """The edition's identity in the store: one per original and language, stable across re-translations."""
    return f"translation:{target}:{original.canonical_url}"


def make_translator(settings: Settings) -> Translator | None:
    """The configured backend, or None for ``none``; a misconfiguration raises ``TranslationError``."""
    backend = settings.translate_backend.strip().lower()
    if backend in ("", "none"):
        return None
    options = {
        "timeout": settings.translate_timeout,
        "retries": settings.translate_retries,
        "backoff": settings.translate_backoff_seconds,
        "batch_size": settings.translate_batch_size,
    }
    if backend == "ctranslate2":
        from newsloom.enrich.translate.offline import CTranslate2Translator

        return CTranslate2Translator(settings.resolved_model_dir)
    if backend == "libretranslate":
        from newsloom.enrich.translate.remote import LibreTranslateTranslator

        return LibreTranslateTranslator(settings.translate_url, settings.translate_api_key, **options)
    if backend == "openai":
        from newsloom.enrich.translate.remote import OpenAITranslator

        return OpenAITranslator(
            settings.translate_url, settings.translate_api_key, model=settings.translate_model, **options
        )
    raise TranslationError(f"unknown translate_backend {backend!r}: use none, ctranslate2, libretranslate or openai")


def translate_pending(
    store: object,
    settings: Settings,
    *,
    translator: Translator | None = None,
    retry_now: bool = False,
    on_article: Callable[[], None] | None = None,
) -> TranslationStats:
    """Make the editions due: new originals, changed ones, failed ones due a retry (all failed with
    ``retry_now``). With backend ``none`` this returns at once: importing costs nothing more."""
    stats = TranslationStats()
    if translator is None:
        if settings.translate_backend.strip().lower() in ("", "none"):
            return stats
        translator = make_translator(settings)
        assert translator is not None
    jobs = TranslationStore(store.engine)  # type: ignore[attr-defined]
    memory = TranslationMemory(jobs)
    skip = [name.strip() for name in settings.translate_skip_sources.split(",")]
    streak = 0
    for target in settings.translate_target_list:
        for article_id in jobs.due(target, datetime.now(UTC), skip_sources=skip, retry_now=retry_now):
            if streak >= STOP_AFTER_FAILURES:
                stats.stopped = f"stopped after {streak} failures in a row; the rest is tried on the next run"
                return stats
            ok = _translate_one(store, jobs, memory, translator, article_id, target, settings, stats)
            streak = 0 if ok else streak + 1
            if on_article is not None:
                on_article()
    return stats


def _translate_one(
    store: object,
    jobs: TranslationStore,
    memory: TranslationMemory,
    translator: Translator,
    article_id: int,
    target: str,
    settings: Settings,
    stats: TranslationStats,
) -> bool:
    original = store.get_article(article_id)  # type: ignore[attr-defined]
    if original is None:
        return True
    source_hash = jobs.content_hash(article_id)
    try:
        edition = translate_article(original, translator, memory, target, stats, settings.translate_max_chars)
    except TranslationError as error:
        stats.failed += 1
        stats.failures.append((article_id, error.reason))
        jobs.record(article_id, target, status="failed", reason=error.reason, now=datetime.now(UTC))
        log.warning("translation failed", extra={"article_id": article_id, "target": target, "reason": error.reason})
        return False
    try:
        result = store.upsert_article(edition.article)  # type: ignore[attr-defined]
    except NewsloomError as error:
        stats.failed += 1
        stats.failures.append((article_id, error.reason))
        jobs.record(article_id, target, status="failed", reason=error.reason, now=datetime.now(UTC))
        return False
    jobs.save_flags(
        result.article_id, [StoredFlag(f.part, f.kind, f.original, f.translated, f.detail) for f in edition.flags]
    )
    reason = None
    if edition.partial:
        reason = f"translated the first {edition.characters} characters (translate_max_chars); the rest is as written"
        stats.partial += 1
    jobs.record(
        article_id,
        target,
        status="partial" if edition.partial else "done",
        reason=reason,
        now=datetime.now(UTC),
        source_hash=source_hash,
        translation_id=result.article_id,
    )
    stats.editions += 1
    stats.characters += edition.characters
    stats.flags += len(edition.flags)
    return True
