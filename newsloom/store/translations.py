"""Where the translation stage reads and writes: which originals are due a translated edition (new, changed
since their edition was made, or failed and due a retry), the jobs' outcomes, the translation memory, and the
translation checks' flags per edition.

The editions themselves are ordinary article rows, written with ``SQLStore.upsert_article`` (so they are
searchable and listed like any article), linked to their original by ``translated_from``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from newsloom.store import schema
from newsloom.store.search import in_language
from newsloom.story_doc import BODY_CHARS, StoryDoc

FIRST_RETRY = timedelta(minutes=5)
FLAG_KINDS = ("date", "number", "name", "quote", "untranslated")
LONGEST_RETRY = timedelta(days=1)


def primary_language(tag: str | None) -> str:
    """``pt-BR`` → ``pt``: a model translates a language, whatever region a page names."""
    return (tag or "").replace("_", "-").split("-")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class StoredFlag:
    part: str
    kind: str
    original: str
    translated: str
    detail: str


@dataclass(slots=True)
class FlaggedArticle:
    id: int
    title: str
    language: str | None
    translated_from: int | None
    counts: dict[str, int] = field(default_factory=dict)


def retry_delay(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling, at most a day: a server down for an hour costs a few tries."""
    return min(LONGEST_RETRY, FIRST_RETRY * (1 << max(0, attempts - 1)))


class TranslationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- what is due ---------------------------------------------------------------------------------------------

    def due(
        self, target: str, now: datetime, *, skip_sources: Iterable[str] = (), retry_now: bool = False
    ) -> list[int]:
        """Originals in another known language with no edition in ``target`` yet, changed since theirs was made,
        or failed and due a retry (any failed one with ``retry_now``)."""
        a, j, s = schema.articles, schema.translation_jobs, schema.sources
        joined = a.outerjoin(j, sa.and_(j.c.article_id == a.c.id, j.c.target == target))
        failed_due = j.c.status == "failed"
        if not retry_now:
            failed_due = sa.and_(failed_due, sa.or_(j.c.next_attempt_at.is_(None), j.c.next_attempt_at <= now))
        query = (
            sa.select(a.c.id)
            .select_from(joined)
            .where(
                a.c.translated_from.is_(None),
                a.c.hidden.is_(False),
                a.c.language.is_not(None),
                sa.not_(in_language(a.c.language, target)),
                sa.or_(
                    j.c.id.is_(None),
                    failed_due,
                    sa.and_(j.c.status != "failed", j.c.source_hash != a.c.content_hash),
                ),
            )
            .order_by(a.c.id)
        )
        skipped = [name for name in skip_sources if name]
        if skipped:
            query = query.where(
                sa.or_(
                    a.c.source_id.is_(None),
                    a.c.source_id.not_in(sa.select(s.c.id).where(sa.or_(s.c.slug.in_(skipped), s.c.name.in_(skipped)))),
                )
            )
        with self.engine.connect() as conn:
            return [int(row.id) for row in conn.execute(query)]

    def languages_of(self, article_ids: list[int]) -> dict[int, str]:
        """Each article's language, lower-cased and without its region (``pt-BR`` → ``pt``): the pair's source."""
        a = schema.articles
        found: dict[int, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(article_ids), 500):
                rows = conn.execute(sa.select(a.c.id, a.c.language).where(a.c.id.in_(article_ids[start : start + 500])))
                found.update((row.id, primary_language(row.language)) for row in rows)
        return found

    def skipped_sources(self, target: str, reason_prefix: str) -> list[str]:
        """The source languages of jobs into ``target`` skipped for a reason starting with ``reason_prefix``."""
        a, j = schema.articles, schema.translation_jobs
        query = (
            sa.select(a.c.language)
            .select_from(j.join(a, a.c.id == j.c.article_id))
            .where(j.c.target == target, j.c.status == "skipped", j.c.reason.startswith(reason_prefix))
            .distinct()
        )
        with self.engine.connect() as conn:
            return sorted({primary_language(language) for language in conn.execute(query).scalars()})

    def release_skipped(self, source: str, target: str, reason_prefix: str) -> int:
        """Forget the skipped jobs of a pair (their articles are due again); how many."""
        a, j = schema.articles, schema.translation_jobs
        ids = (
            sa.select(j.c.id)
            .select_from(j.join(a, a.c.id == j.c.article_id))
            .where(
                j.c.target == target,
                j.c.status == "skipped",
                j.c.reason.startswith(reason_prefix),
                in_language(a.c.language, source),
            )
        )
        with self.engine.begin() as conn:
            return conn.execute(j.delete().where(j.c.id.in_(ids))).rowcount or 0

    def skipped_reasons(self) -> dict[str, int]:
        """Skipped jobs by reason ("no model for pt→en": 40), most first (the admin page)."""
        j = schema.translation_jobs
        count = sa.func.count()
        query = sa.select(j.c.reason, count).where(j.c.status == "skipped").group_by(j.c.reason).order_by(count.desc())
        with self.engine.connect() as conn:
            return {str(reason): int(n) for reason, n in conn.execute(query)}

    def job_for(self, article_id: int, target: str) -> sa.Row[Any] | None:
        j = schema.translation_jobs
        with self.engine.connect() as conn:
            return conn.execute(sa.select(j).where(j.c.article_id == article_id, j.c.target == target)).first()

    def content_hash(self, article_id: int) -> str | None:
        a = schema.articles
        with self.engine.connect() as conn:
            return conn.execute(sa.select(a.c.content_hash).where(a.c.id == article_id)).scalar()

    # -- outcomes ------------------------------------------------------------------------------------------------

    def record(
        self,
        article_id: int,
        target: str,
        *,
        status: str,
        now: datetime,
        reason: str | None = None,
        source_hash: str | None = None,
        translation_id: int | None = None,
    ) -> None:
        """Write a job's outcome; a failure counts an attempt and sets when to try again."""
        j = schema.translation_jobs
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(j.c.id, j.c.attempts).where(j.c.article_id == article_id, j.c.target == target)
            ).first()
            attempts = (row.attempts if row is not None else 0) + 1 if status == "failed" else 0
            values: dict[str, object] = {
                "status": status,
                "reason": reason,
                "attempts": attempts,
                "updated_at": now,
                "next_attempt_at": now + retry_delay(attempts) if status == "failed" else None,
            }
            if status != "failed":
                values["source_hash"] = source_hash
                values["translation_id"] = translation_id
            if row is None:
                conn.execute(j.insert().values(article_id=article_id, target=target, **values))
            else:
                conn.execute(j.update().where(j.c.id == row.id).values(**values))

    def job_counts(self) -> dict[str, int]:
        j = schema.translation_jobs
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(j.c.status, sa.func.count()).group_by(j.c.status)).all()
        return {str(status): int(count) for status, count in rows}

    def jobs_for(self, article_id: int) -> list[sa.Row]:
        j = schema.translation_jobs
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(j).where(j.c.article_id == article_id).order_by(j.c.target)))

    # -- translation memory --------------------------------------------------------------------------------------

    def memory_lookup(self, keys: list[str]) -> dict[str, str]:
        m = schema.translation_memory
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                found.update(conn.execute(sa.select(m.c.key, m.c.translation).where(m.c.key.in_(chunk))).all())
        return found

    def memory_save(self, items: dict[str, str], now: datetime) -> None:
        if not items:
            return
        m = schema.translation_memory
        with self.engine.begin() as conn:
            known: set[str] = set()
            keys = list(items)
            for start in range(0, len(keys), 500):
                known.update(conn.execute(sa.select(m.c.key).where(m.c.key.in_(keys[start : start + 500]))).scalars())
            rows = [{"key": k, "translation": v, "created_at": now} for k, v in items.items() if k not in known]
            if rows:
                conn.execute(m.insert(), rows)

    def memory_size(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(schema.translation_memory)).scalar_one())

    # -- stories across languages ------------------------------------------------------------------------------

    def with_translated_text(self, docs: list[StoryDoc]) -> list[StoryDoc]:
        """Stories group by words, so an original in another language is grouped by its translated edition's
        text (and language: the stage reads Vietnamese by syllable pairs): it meets its edition and the coverage in
        the edition's language. Originals without an edition keep their own text."""
        ids = [doc.id for doc in docs]
        if not ids:
            return docs
        a = schema.articles
        editions: dict[int, tuple[str, str, str | None]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    sa.select(
                        a.c.translated_from,
                        a.c.title,
                        a.c.lead,
                        sa.func.substr(a.c.body, 1, BODY_CHARS).label("body"),
                        a.c.language,
                    )
                    .where(a.c.translated_from.in_(ids[start : start + 500]), a.c.hidden.is_(False))
                    .order_by(a.c.id)
                )
                for row in rows:
                    editions.setdefault(row.translated_from, (row.title, f"{row.lead or ''}\n{row.body}", row.language))
        for doc in docs:
            if doc.id in editions:
                doc.title, doc.text, doc.language = editions[doc.id]
        return docs

    # -- checks' flags -------------------------------------------------------------------------------------------

    def save_flags(self, article_id: int, flags: Iterable[StoredFlag]) -> None:
        f = schema.translation_flags
        rows = [
            {
                "article_id": article_id,
                "part": flag.part[:60],
                "kind": flag.kind,
                "original": flag.original,
                "translated": flag.translated,
                "detail": flag.detail,
            }
            for flag in flags
        ]
        with self.engine.begin() as conn:
            conn.execute(f.delete().where(f.c.article_id == article_id))
            if rows:
                conn.execute(f.insert(), rows)

    def flags_for(self, article_id: int) -> list[StoredFlag]:
        f = schema.translation_flags
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(f.c.part, f.c.kind, f.c.original, f.c.translated, f.c.detail)
                .where(f.c.article_id == article_id)
                .order_by(f.c.id)
            )
            return [StoredFlag(*row) for row in rows]

    def flagged_articles(self, kind: str | None = None, limit: int = 100) -> list[FlaggedArticle]:
        """Translated editions with flags, most flagged first (the admin's list)."""
        a, f = schema.articles, schema.translation_flags
        query = (
            sa.select(a.c.id, a.c.title, a.c.language, a.c.translated_from, f.c.kind, sa.func.count().label("n"))
            .select_from(a.join(f, f.c.article_id == a.c.id))
            .group_by(a.c.id, a.c.title, a.c.language, a.c.translated_from, f.c.kind)
        )
        if kind:
            query = query.where(f.c.article_id.in_(sa.select(f.c.article_id).where(f.c.kind == kind)))
        by_id: dict[int, FlaggedArticle] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                item = by_id.setdefault(row.id, FlaggedArticle(row.id, row.title, row.language, row.translated_from))
                item.counts[row.kind] = int(row.n)
        ranked = sorted(by_id.values(), key=lambda item: (-sum(item.counts.values()), -item.id))
        return ranked[:limit]
