"""The translation stage: after articles are stored, each original in another language gets a translated edition
per target language, stored beside it (never replacing it) and linked by ``translated_from``.

Per article: every translatable part (title, lead, body blocks, list items, image captions and alt text) is split
into sentences; sentences the translation memory knows are not sent again; the rest go to the backend in one
batch; parts past ``translate_max_chars`` stay untranslated (the job is then ``partial``). The edition is stored
and the checks' flags saved with it. Any backend failure leaves the original as it is, records the job as failed
with the reason, and the article is retried on a later run (``newsloom translate`` retries at once).

An article the configuration cannot translate is *skipped*, not failed: a language pair with no model ("no model
for pt→en"), a text not in its language's script. Its job records the reason; it is not tried again until its
text changes or, for a missing model, until one for the pair is installed; and it never counts towards the
failures in a row that stop a run (those say a backend is down).

``translate_backend = "auto"`` (the default) is ``ctranslate2`` once a model is installed in
``translate_model_dir`` (``newsloom models install vi en``), else ``none``.
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

from newsloom.enrich.translate.base import NoModelError, SkipTranslation, TranslationError, Translator, supports
from newsloom.enrich.translate.checks import Flag, check_translation
from newsloom.enrich.translate.segment import join_sentences, split_sentences
from newsloom.errors import NewsloomError
from newsloom.model import Article, Block, BlockKind
from newsloom.settings import Settings
from newsloom.store.translations import StoredFlag, TranslationStore, primary_language

log = logging.getLogger(__name__)

STOP_AFTER_FAILURES = 3  # a backend failing this many articles in a row is down: stop, retry later


@dataclass(slots=True)
class TranslationStats:
    """What a run did. Sentences, memory hits, characters and flags count the editions made only: an article that
    failed half-way adds nothing (a run that made no edition reports no sentences)."""

    editions: int = 0
    partial: int = 0
    failed: int = 0
    segments: int = 0
    memory_hits: int = 0
    characters: int = 0
    flags: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    stopped: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> articles ("no model for pt→en": 40)

    @property
    def hit_rate(self) -> float:
        return self.memory_hits / self.segments if self.segments else 0.0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


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
        stats.memory_hits += sum(1 for key in keys if key in known)  # a sentence repeated within the text is no hit
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
    source = primary_language(original.language)
    edition = copy.deepcopy(original)
    slots = _slots(edition)
    problem = script_problem(" ".join(slot.text for slot in slots), source)
    if problem:
        raise SkipTranslation(problem)
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


def active_backend(settings: Settings) -> str:
    """The backend in use: ``translate_backend``, with ``auto`` read as ``ctranslate2`` when a model is installed in
    ``translate_model_dir`` and ``none`` when not (so installing a model is all it takes to turn translation on)."""
    backend = settings.translate_backend.strip().lower() or "none"
    if backend == "auto":
        from newsloom.enrich.translate.offline import installed_models

        return "ctranslate2" if installed_models(settings.resolved_model_dir) else "none"
    return backend


def make_translator(settings: Settings) -> Translator | None:
    """The configured backend, or None when translation is off; a misconfiguration raises ``TranslationError``."""
    backend = active_backend(settings)
    if backend == "none":
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
    raise TranslationError(
        f"unknown translate_backend {backend!r}: use auto, none, ctranslate2, libretranslate or openai"
    )


def translate_pending(
    store: object,
    settings: Settings,
    *,
    translator: Translator | None = None,
    retry_now: bool = False,
    on_article: Callable[[], None] | None = None,
) -> TranslationStats:
    """Make the editions due: new originals, changed ones, failed ones due a retry (all failed with
    ``retry_now``), and those skipped for want of a model whose pair now has one. With translation off this
    returns at once: importing costs nothing more."""
    stats = TranslationStats()
    if translator is None:
        translator = make_translator(settings)
        if translator is None:
            return stats
    jobs = TranslationStore(store.engine)  # type: ignore[attr-defined]
    memory = TranslationMemory(jobs)
    skip = [name.strip() for name in settings.translate_skip_sources.split(",")]
    streak = 0
    for target in settings.translate_target_list:
        for source in jobs.skipped_sources(target, NO_MODEL_PREFIX):
            if supports(translator, source, target):  # a model was installed since: those articles are due again
                jobs.release_skipped(source, target, NO_MODEL_PREFIX)
        due = jobs.due(target, datetime.now(UTC), skip_sources=skip, retry_now=retry_now)
        languages = jobs.languages_of(due)
        pairs: dict[str, bool] = {}
        for article_id in due:
            if streak >= STOP_AFTER_FAILURES:
                stats.stopped = f"stopped after {streak} failures in a row; the rest is tried on the next run"
                return stats
            source = languages.get(article_id) or ""
            if source not in pairs:
                pairs[source] = supports(translator, source, target)
            if not pairs[source]:  # decided without loading the article: a backlog of thousands costs nothing
                _skip(jobs, article_id, target, NoModelError(source, target), stats)
                continue
            ok = _translate_one(store, jobs, memory, translator, article_id, target, settings, stats)
            streak = 0 if ok else streak + 1
            if on_article is not None:
                on_article()
    return stats


NO_MODEL_PREFIX = "no model for "


def _skip(
    jobs: TranslationStore, article_id: int, target: str, reason: SkipTranslation, stats: TranslationStats
) -> None:
    """Record a skipped job against the article's current text: tried again only when the text changes (or, for a
    missing model, once one is installed)."""
    stats.skip(reason.reason)
    jobs.record(
        article_id,
        target,
        status="skipped",
        reason=reason.reason,
        now=datetime.now(UTC),
        source_hash=jobs.content_hash(article_id),
    )


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
    """One edition; False only for a failure that may say the backend is down (a skip is not one)."""
    original = store.get_article(article_id)  # type: ignore[attr-defined]
    if original is None:
        return True
    source_hash = jobs.content_hash(article_id)
    counted = TranslationStats()  # this article's sentences: added to the run's only if its edition is made
    try:
        edition = translate_article(original, translator, memory, target, counted, settings.translate_max_chars)
    except SkipTranslation as skipped:
        _skip(jobs, article_id, target, skipped, stats)
        return True
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
    stats.segments += counted.segments
    stats.memory_hits += counted.memory_hits
    stats.characters += edition.characters
    stats.flags += len(edition.flags)
    return True


@dataclass(slots=True)
class TranslationOverview:
    """What the admin page says about translation: the backend in use and why, the models installed, and per
    target what is pending (due and with a model for its pair), what will be or was skipped, and why."""

    backend: str  # the backend in use: none, ctranslate2, libretranslate, openai
    configured: str  # translate_backend as set (auto, none, ...)
    targets: list[str]
    models: list[str]  # installed offline models, "vi→en"
    pending: dict[str, int] = field(default_factory=dict)  # target -> articles queued
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> articles (recorded, or due without a model)
    failed: int = 0  # jobs failed and waiting for their retry


def translation_overview(store: object, settings: Settings) -> TranslationOverview:
    from newsloom.enrich.translate.offline import CTranslate2Translator, installed_models

    model_dir = settings.resolved_model_dir
    overview = TranslationOverview(
        backend=active_backend(settings),
        configured=settings.translate_backend.strip().lower() or "none",
        targets=settings.translate_target_list,
        models=[f"{source}→{target}" for source, target, _ in installed_models(model_dir)],
    )
    jobs = TranslationStore(store.engine)  # type: ignore[attr-defined]
    overview.skipped = jobs.skipped_reasons()
    overview.failed = jobs.job_counts().get("failed", 0)
    if overview.backend == "none":
        return overview
    offline = CTranslate2Translator(model_dir) if overview.backend == "ctranslate2" else None
    skip = [name.strip() for name in settings.translate_skip_sources.split(",")]
    for target in overview.targets:
        due = jobs.due(target, datetime.now(UTC), skip_sources=skip, retry_now=True)
        pairs: dict[str, bool] = {}
        for language in jobs.languages_of(due).values():
            if language not in pairs:
                pairs[language] = offline is None or offline.supports(language, target)
            if pairs[language]:
                overview.pending[target] = overview.pending.get(target, 0) + 1
            else:
                reason = NoModelError(language, target).reason
                overview.skipped[reason] = overview.skipped.get(reason, 0) + 1
    return overview


def translation_pending(
    store: object, settings: Settings, article: Article, target: str, outlet: tuple[str, ...] = ()
) -> bool:
    """Whether a translation of ``article`` into ``target`` is queued: translation is on, ``target`` is one of its
    targets, the article's outlet is not skipped, a model serves the pair (offline backend), and the article has not
    been skipped. What an article page says to its reader ("Translation pending", or that there is none)."""
    if article.id is None or article.translated_from is not None or target not in settings.translate_target_list:
        return False
    skip = {name.strip() for name in settings.translate_skip_sources.split(",") if name.strip()}
    if skip & set(outlet):  # the outlet's slug and name, as translate_skip_sources may name it
        return False
    backend = active_backend(settings)
    if backend == "none":
        return False
    if backend == "ctranslate2":
        from newsloom.enrich.translate.offline import CTranslate2Translator

        if not CTranslate2Translator(settings.resolved_model_dir).supports(primary_language(article.language), target):
            return False
    job = TranslationStore(store.engine).job_for(article.id, target)  # type: ignore[attr-defined]
    return job is None or job.status != "skipped"
