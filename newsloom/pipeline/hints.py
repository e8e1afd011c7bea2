"""What an extraction worker computes for the batch stages, so the crawler's parent process does not.

A crawl's parent does the I/O and the store writes; the CPU work per article belongs in the extraction workers,
which run in parallel. Two batch features cost CPU per article and depend on nothing but its own text: the entity
list (the NER model: the batch enrichment's costliest step) and the copy signature (MinHash of the body's word
shingles). A worker computes both right after extracting (``compute_hints``); the crawler files them by article id
once the article is stored (``Hints``), and the batch stages take them instead of computing them again.

Each is keyed by a digest of the exact text it was computed on (and the language, for entities). The parent may
change an article after the worker (its outlet's template blocks dropped, fields cut to the size caps), and a
record can be updated again before its batch runs: a stage uses a hint only when the stored text has the same
digest, and otherwise computes the feature as before. Same result either way (``tests/sources/test_ingest.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from newsloom.enrich.tags.ner import Entity
    from newsloom.model import Article

log = logging.getLogger(__name__)
V = TypeVar("V")

MAX_ARTICLES = 10_000  # hints kept for articles whose batch has not run yet; older ones are computed again


def entity_text(title: str, lead: str | None, body: str) -> str:
    """The text the entity recogniser reads for an article (it reads the start of it: ``ner.TEXT_CHARS``)."""
    from newsloom.enrich.tags.ner import TEXT_CHARS

    return f"{title}.\n{lead or ''}\n{body}"[:TEXT_CHARS]


def _digest(*parts: str | None) -> bytes:
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update((part or "").encode("utf-8", "surrogatepass"))
        hashed.update(b"\x00")
    return hashed.digest()


def copy_text(body: str) -> str:
    """The part of a body its copy signature is computed on (``store/copies.py`` reads the same)."""
    from newsloom.copy_signatures import MAX_BODY_CHARS

    return body[:MAX_BODY_CHARS]


@dataclass(frozen=True, slots=True)
class ArticleHints:
    """Features of one extracted article; a field left None was not computed (the stage computes it)."""

    entities_key: bytes | None = None
    entities: tuple[Entity, ...] | None = None
    signature_key: bytes | None = None
    signature: bytes | None = None  # ``copy_signatures.to_bytes``; b"" for a body too short to sign
    tags_key: bytes | None = None
    tags: tuple[list[str], dict[str, str]] | None = None  # ``merge_tags``: the publisher's and the entities'


def tags_digest(
    entity_tags: bool, language: str | None, title: str, lead: str | None, body: str, tags: list[str]
) -> bytes:
    """What ``merge_tags`` decides from: the publisher's tags, the entities' text (and language), title and lead."""
    return _digest(str(entity_tags), language, entity_text(title, lead, body), title, lead, "\x01".join(tags))


def compute_hints(article: Article, entity_tags: bool) -> ArticleHints:
    """In the worker, after extraction: the article's entities (when entity tags are on and its language has a
    recogniser), its tags merged with them, and its copy signature. Never raises: a feature that fails is left to
    the batch stage."""
    entities_key = entities = signature_key = signature = tags_key = tags = None
    try:
        from newsloom.copy_signatures import signature as sign
        from newsloom.copy_signatures import to_bytes

        body = copy_text(article.body)
        values = sign(body)
        signature, signature_key = (b"" if values is None else to_bytes(values)), _digest(body)
    except Exception:
        log.debug("copy signature left to the batch stage", exc_info=True)
    if entity_tags:
        try:
            from newsloom.enrich.tags.ner import recognizer_for

            recognizer = recognizer_for(article.language or "")
            if recognizer is not None:
                text = entity_text(article.title, article.lead, article.body)
                entities = tuple(recognizer.entities([text])[0])
                entities_key = _digest(article.language, text)
        except Exception:
            log.debug("entities left to the batch stage", exc_info=True)
            return ArticleHints(None, None, signature_key, signature)
    try:
        from newsloom.enrich.tags.merge import merge_tags

        found = list(entities) if entities is not None else []  # no recogniser for the language: none, as the stage
        tags = merge_tags(list(article.tags), found, article.title, article.lead)
        tags_key = tags_digest(entity_tags, article.language, article.title, article.lead, article.body, article.tags)
    except Exception:
        log.debug("tags left to the batch stage", exc_info=True)
    return ArticleHints(entities_key, entities, signature_key, signature, tags_key, tags)


class Hints:
    """Hints filed by article id until the batch stage that uses them runs; bounded (``MAX_ARTICLES``).

    Used from one thread (the crawler's writer thread runs both the stores and the batch stages)."""

    def __init__(self, limit: int = MAX_ARTICLES) -> None:
        self.limit = limit
        self._entities: OrderedDict[int, tuple[bytes, tuple[Entity, ...]]] = OrderedDict()
        self._signatures: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()
        self._tags: OrderedDict[int, tuple[bytes, tuple[list[str], dict[str, str]]]] = OrderedDict()
        self.used = 0  # hints taken by a stage
        self.missed = 0  # hints found stale (the text changed after the worker)

    def add(self, article_id: int, hints: ArticleHints, *, new: bool) -> None:
        """File ``hints`` for a stored article; its signature only when ``new`` (only new articles are signed)."""
        if hints.entities_key is not None and hints.entities is not None:
            _put(self._entities, article_id, (hints.entities_key, hints.entities), self.limit)
        else:
            self._entities.pop(article_id, None)
        if hints.tags_key is not None and hints.tags is not None:
            _put(self._tags, article_id, (hints.tags_key, hints.tags), self.limit)
        else:
            self._tags.pop(article_id, None)
        if new and hints.signature_key is not None and hints.signature is not None:
            _put(self._signatures, article_id, (hints.signature_key, hints.signature), self.limit)

    def __len__(self) -> int:
        return len(self._entities) + len(self._signatures) + len(self._tags)

    def tags(
        self,
        article_id: int,
        entity_tags: bool,
        language: str | None,
        title: str,
        lead: str | None,
        body: str,
        tags: list[str],
    ) -> tuple[list[str], dict[str, str]] | None:
        """The worker's merged tags and kinds for this stored article, or None (none filed, or it changed since).
        Taking them drops the article's entities too: the merge was all they were for."""
        found = self._tags.pop(article_id, None)
        if found is None:
            return None
        if found[0] != tags_digest(entity_tags, language, title, lead, body, tags):
            self.missed += 1
            return None
        self._entities.pop(article_id, None)
        self.used += 1
        return list(found[1][0]), dict(found[1][1])

    def entities(
        self, article_id: int, language: str | None, title: str, lead: str | None, body: str
    ) -> list[Entity] | None:
        """The worker's entities for this stored text, or None (none filed, or the text changed since)."""
        found = self._entities.pop(article_id, None)
        if found is None:
            return None
        if found[0] != _digest(language, entity_text(title, lead, body)):
            self.missed += 1
            return None
        self.used += 1
        return list(found[1])

    def signature(self, article_id: int, body: str) -> tuple[bool, np.ndarray | None]:
        """(True, the worker's signature of this body, None for one too short) or (False, None): not filed, or
        the body changed since. ``body``: what ``store/copies.py`` read (already cut to ``MAX_BODY_CHARS``)."""
        found = self._signatures.pop(article_id, None)
        if found is None:
            return False, None
        if found[0] != _digest(body):
            self.missed += 1
            return False, None
        from newsloom.copy_signatures import from_bytes

        self.used += 1
        return True, (from_bytes(found[1]) if found[1] else None)


def _put(table: OrderedDict[int, V], key: int, value: V, limit: int) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > limit:
        table.popitem(last=False)
