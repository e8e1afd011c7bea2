"""Batch enrichment after store: what needs a model runs here, over many articles at once, so a model's start-up
and per-call overheads are shared (spaCy's ``pipe``), and ingest stays as fast per page as it was.

For every article not yet seen (``articles.enriched_at`` is NULL; a changed page is seen again):
- entity tags: people, organisations and places from underthesea (vi) or spaCy (en), merged with the publisher's
  tags (``tags/merge.py``); other languages, or a missing model, keep the publisher's tags (said once in the log);
- placement of what the rules left unplaced: the settings' own aliases first, then the section classifier
  (``sections-model.joblib`` in the data directory; trained from the store's rule-placed articles once there are
  ``section_autotrain_min`` of them, when no model exists), at ``section_min_confidence`` or above.
Run by ``newsloom import`` and each crawl round after the pages are stored, and by ``newsloom enrich``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from newsloom.enrich.sections.classifier import Labelled, ModelError, SectionClassifier, model_path
from newsloom.enrich.sections.rules import map_label
from newsloom.enrich.tags.merge import merge_tags
from newsloom.enrich.tags.ner import Entity, recognizer_for
from newsloom.pipeline.hints import Hints, entity_text
from newsloom.section_scheme import alias_map, scheme_from_settings
from newsloom.settings import Settings
from newsloom.store.enrichment import Enriched, EnrichmentStore, PendingArticle
from newsloom.store.sql import SQLStore

log = logging.getLogger(__name__)
BATCH = 64


@dataclass(slots=True)
class EnrichChanges:
    articles: int = 0
    entity_tags: int = 0
    placed: int = 0
    model_trained: bool = False


class SectionPlacer:
    """Places articles the rules left, by the scheme's aliases (a custom scheme's words) and the classifier."""

    def __init__(self, settings: Settings, store: EnrichmentStore) -> None:
        self.scheme = scheme_from_settings(settings.sections)
        self.aliases = alias_map(self.scheme)
        self.names = {section.slug: section.name("en") for section in self.scheme}
        self.min_confidence = settings.section_min_confidence
        self.classifier: SectionClassifier | None = None
        self.trained = False
        path = model_path(settings.data_dir)
        try:
            self.classifier = SectionClassifier.load(path)
        except ModelError as error:
            if path.exists():
                log.warning("section classifier off: %s", error)
            else:
                self.classifier = self._train_from_store(store, settings, 0)
        else:
            if self.classifier.origin == "store":  # learnt from the store: learn again once it has doubled
                self.classifier = self._train_from_store(store, settings, self.classifier.trained_on) or self.classifier

    def _train_from_store(self, store: EnrichmentStore, settings: Settings, known: int) -> SectionClassifier | None:
        placed = store.placed_articles()
        enough = max(settings.section_autotrain_min, 2 * known) if known else settings.section_autotrain_min
        if len(placed) < enough or len({name for _, _, name in placed}) < 2:
            return None
        model = SectionClassifier.train(
            Labelled(str(i), title, body, name) for i, (title, body, name) in enumerate(placed)
        )
        model.origin = "store"
        model.save(model_path(settings.data_dir))
        self.trained = True
        return model

    def place(self, articles: list[PendingArticle]) -> dict[int, tuple[str, float]]:
        todo = [article for article in articles if article.section_rule is None]
        if not todo or self.classifier is None:
            return {}
        placed: dict[int, tuple[str, float]] = {}
        predictions = self.classifier.predict([(a.title, a.body) for a in todo])
        for article, (label, confidence) in zip(todo, predictions, strict=True):
            slug = map_label(label, self.aliases)
            if slug in self.names and confidence >= self.min_confidence:
                placed[article.id] = (self.names[slug], confidence)
        return placed


def _entities(articles: list[PendingArticle], enabled: bool, hints: Hints | None = None) -> dict[int, list[Entity]]:
    """Entities per article: the extraction worker's where it found them in the same text (``hints``), else the
    recogniser's, over the rest of the batch at once (the model is loaded only for what is left)."""
    found: dict[int, list[Entity]] = {}
    if not enabled:
        return found
    by_language: dict[str, list[PendingArticle]] = defaultdict(list)
    for article in articles:
        known = (
            hints.entities(article.id, article.language, article.title, article.lead, article.body) if hints else None
        )
        if known is not None:
            found[article.id] = known
        else:
            by_language[article.language or ""].append(article)
    for language, group in by_language.items():
        recognizer = recognizer_for(language)
        if recognizer is None:
            continue
        texts = [entity_text(a.title, a.lead, a.body) for a in group]
        for article, entities in zip(group, recognizer.entities(texts), strict=True):
            found[article.id] = entities
    return found


def _tag_inputs(article: PendingArticle) -> tuple[str | None, str, str | None, str, list[str]]:
    return article.language, article.title, article.lead, article.body, article.tags


def enrich_stored(
    store: SQLStore,
    settings: Settings,
    on_progress: Callable[[int], None] | None = None,
    hints: Hints | None = None,
) -> EnrichChanges:
    enrichments = EnrichmentStore(store.engine)
    changes = EnrichChanges()
    if enrichments.count_pending() == 0:
        return changes
    placer = SectionPlacer(settings, enrichments)
    changes.model_trained = placer.trained
    after = 0
    while batch := enrichments.pending(BATCH, after):
        after = batch[-1].id
        merged = {
            article.id: known
            for article in batch
            if hints is not None
            and (known := hints.tags(article.id, settings.entity_tags, *_tag_inputs(article))) is not None
        }
        entities = _entities([a for a in batch if a.id not in merged], settings.entity_tags, hints)
        placements = placer.place(batch)
        results = []
        for article in batch:
            tags, kinds = merged.get(article.id) or merge_tags(
                article.tags, entities.get(article.id, []), article.title, article.lead
            )
            changes.entity_tags += sum(1 for kind in kinds.values() if kind != "topic")
            name, confidence = placements.get(article.id, (None, None))
            results.append(Enriched(article.id, tags, kinds, name, confidence))
        changes.placed += len(placements)
        changes.articles += len(batch)
        enrichments.save(results, {article.id: article.listed_at for article in batch})
        if on_progress is not None:
            on_progress(len(batch))
    return changes
