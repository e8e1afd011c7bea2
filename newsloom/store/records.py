"""Article records in and out of the store: what ``newsloom export`` writes for each article, and how an imported
record is stored with what the exporting store had decided about it (story, edition link and translation job,
comments, enrichment done), so that ``export`` then ``import`` gives the same store, on SQLite or PostgreSQL.

Ids differ between stores, so records name other articles by canonical URL: an edition its original
(``translation_of``), an article its story by the story's first report (``story.key``). Each record is stored in
one transaction with its links: a crash loses at most the record in flight, and importing again finishes the job.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from newsloom.errors import StoreError
from newsloom.model import Article
from newsloom.records import Record, StoredComment
from newsloom.store import schema
from newsloom.store.base import UpsertOutcome, UpsertResult
from newsloom.store.sql import article_from_row, utcnow
from newsloom.urls import canonicalize_url

if TYPE_CHECKING:
    from datetime import datetime

    from newsloom.store.sql import SQLStore

BATCH = 500


# -- in -----------------------------------------------------------------------------------------------------------


def store_record(store: SQLStore, record: Record, article: Article) -> UpsertResult:
    """Store an enriched record's article, and what an exported record says about it, in one transaction. An
    unchanged article is left as it is (importing again changes nothing)."""
    a = schema.articles
    with store.engine.begin() as conn:
        original = None
        if record.translation_of:
            original = conn.execute(
                sa.select(a.c.id, a.c.content_hash).where(a.c.canonical_url == canonicalize_url(record.translation_of))
            ).first()
            if original is None:
                raise StoreError(f"an edition of {record.translation_of}, which is not stored")
            article.translated_from = original.id
        result = store.upsert_in(conn, article)
        if result.outcome == UpsertOutcome.UNCHANGED or not record.settled:
            return result
        now = utcnow()
        values: dict[str, Any] = {"story_checked_at": now}  # its story is the record's, not the stories stage's
        if record.enriched:
            values["enriched_at"] = now
        conn.execute(a.update().where(a.c.id == result.article_id).values(**values))
        if record.story_key:
            _join_story(conn, result.article_id, record, now)
        if record.comments:
            _add_comments(conn, result.article_id, record.comments, now)
        if original is not None and article.language:
            edition = _Edition(original.id, original.content_hash, article.language, result.article_id)
            _record_edition(conn, edition, record, now)
    return result


def _join_story(conn: sa.Connection, article_id: int, record: Record, now: datetime) -> None:
    """The story whose first report is ``record.story_key``: its story if that is stored, else a new one (the
    first report joins it when it is stored without a story)."""
    from newsloom.store.stories import StoryStore  # numpy and scipy behind it: only for records with a story

    a = schema.articles
    if conn.execute(sa.select(a.c.story_id).where(a.c.id == article_id)).scalar() is not None:
        return  # a story the store gave it stays
    key = canonicalize_url(record.story_key or "")
    story_id = conn.execute(sa.select(a.c.story_id).where(a.c.canonical_url == key, a.c.story_id.is_not(None))).scalar()
    if story_id is None:
        story_id = _new_id(
            conn.execute(schema.stories.insert().values(title=record.story_title or "", created_at=now, updated_at=now))
        )
    conn.execute(
        a.update()
        .where(sa.or_(a.c.id == article_id, a.c.canonical_url == key), a.c.story_id.is_(None))
        .values(story_id=story_id, story_checked_at=now)
    )
    StoryStore.refresh(conn, story_id, now)


def _add_comments(conn: sa.Connection, article_id: int, comments: list[StoredComment], now: datetime) -> None:
    """The record's comments not stored yet (same author, text and time), replies under their new parents."""
    table = schema.comments
    stored = {
        (row.author_name, row.body, row.created_at): row.id
        for row in conn.execute(
            sa.select(table.c.id, table.c.author_name, table.c.body, table.c.created_at).where(
                table.c.article_id == article_id
            )
        )
    }
    new_ids: dict[int, int] = {}
    for comment in sorted(comments, key=lambda item: item.parent is not None):  # threads first, then replies
        found = stored.get((comment.author_name, comment.body, comment.created_at))
        if found is None:
            found = _new_id(
                conn.execute(
                    table.insert().values(
                        article_id=article_id,
                        parent_id=new_ids.get(comment.parent) if comment.parent is not None else None,
                        author_name=comment.author_name,
                        body=comment.body,
                        status=comment.status,
                        created_at=comment.created_at or now,
                    )
                )
            )
        if comment.key is not None:
            new_ids[comment.key] = int(found)


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@dataclass(frozen=True, slots=True)
class _Edition:
    original_id: int
    original_hash: str
    target: str
    edition_id: int


def _record_edition(conn: sa.Connection, edition: _Edition, record: Record, now: datetime) -> None:
    """The translation job an edition answers, done for the original as stored, and the edition's check flags:
    the translation stage sees nothing due."""
    jobs = schema.translation_jobs
    values = {
        "status": record.translation_status or "done",
        "reason": None,
        "attempts": 0,
        "source_hash": edition.original_hash,
        "translation_id": edition.edition_id,
        "next_attempt_at": None,
        "updated_at": now,
    }
    updated = conn.execute(
        jobs.update().where(jobs.c.article_id == edition.original_id, jobs.c.target == edition.target).values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(jobs.insert().values(article_id=edition.original_id, target=edition.target, **values))
    flags = schema.translation_flags
    conn.execute(flags.delete().where(flags.c.article_id == edition.edition_id))
    if record.translation_flags:
        conn.execute(
            flags.insert(),
            [
                {**flag, "article_id": edition.edition_id, "part": flag["part"][:60]}
                for flag in record.translation_flags
            ],
        )


# -- out ----------------------------------------------------------------------------------------------------------


def export_records(store: SQLStore) -> Iterator[dict[str, Any]]:
    """Every stored article (hidden ones and editions included) as export writes it, by id."""
    with store.engine.connect() as conn:
        outlets = dict(conn.execute(sa.select(schema.sources.c.id, schema.sources.c.name)).all())
        sections = dict(conn.execute(sa.select(schema.sections.c.slug, schema.sections.c.name)).all())
    a = schema.articles
    last_id = 0
    while True:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(a).where(a.c.id > last_id).order_by(a.c.id).limit(BATCH)).all()
            if not rows:
                return
            links = _Links.read(conn, rows)
        for row in rows:
            yield _record_of(row, links, outlets, sections)
        last_id = rows[-1].id


def _record_of(row: sa.Row[Any], links: _Links, outlets: dict[int, str], sections: dict[str, str]) -> dict[str, Any]:
    article = article_from_row(row)
    article.outlet = outlets.get(article.source_id) if article.source_id is not None else None
    article.section = sections.get(row.section_slug, row.section_slug) if row.section_slug else None
    kinds = links.tag_kinds.get(row.id, {})
    record: dict[str, Any] = {
        "id": row.id,
        "source_id": row.source_id,
        "story_id": row.story_id,
        **article.to_dict(),
        "hidden": bool(row.hidden),
        "listed_at": _iso(row.listed_at),
        "fetched_at": _iso(row.fetched_at),
        "publisher_section": row.publisher_section,
        "section_rule": row.section_rule,
        "section_confidence": row.section_confidence,
        "tag_kinds": {tag: kinds.get(tag, "topic") for tag in article.tags},
        "enriched": row.enriched_at is not None,
        "story": links.stories.get(row.story_id) if row.story_id is not None else None,
        "comments": links.comments.get(row.id, []),
    }
    if row.translated_from is not None:
        record["translation_of"] = links.originals.get(row.translated_from)
        record["translation_backend"] = row.translation_backend
        record["translation_model"] = row.translation_model
        record["translation_status"] = links.job_status.get(row.id, "done")
        record["translation_flags"] = links.flags.get(row.id, [])
    return record


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Links:
    """What a batch of exported rows names beyond its own columns, read in a few queries per batch."""

    def __init__(self) -> None:
        self.tag_kinds: dict[int, dict[str, str]] = {}
        self.stories: dict[int, dict[str, Any]] = {}
        self.originals: dict[int, str] = {}
        self.job_status: dict[int, str] = {}
        self.flags: dict[int, list[dict[str, str]]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}

    @classmethod
    def read(cls, conn: sa.Connection, rows: Sequence[sa.Row[Any]]) -> _Links:
        links = cls()
        ids = [row.id for row in rows]
        tags = schema.article_tags
        for article_id, name, kind in conn.execute(
            sa.select(tags.c.article_id, tags.c.tag_name, tags.c.tag_kind).where(tags.c.article_id.in_(ids))
        ):
            links.tag_kinds.setdefault(article_id, {})[name] = kind or "topic"
        links.read_stories(conn, {row.story_id for row in rows if row.story_id is not None})
        links.read_editions(conn, rows)
        comments = schema.comments
        for row in conn.execute(sa.select(comments).where(comments.c.article_id.in_(ids)).order_by(comments.c.id)):
            links.comments.setdefault(row.article_id, []).append(
                {
                    "id": row.id,
                    "parent_id": row.parent_id,
                    "author_name": row.author_name,
                    "body": row.body,
                    "status": row.status,
                    "created_at": _iso(row.created_at),
                }
            )
        return links

    def read_stories(self, conn: sa.Connection, story_ids: set[int]) -> None:
        """Each story's title and key: the canonical URL of its first report (an original before any edition)."""
        if not story_ids:
            return
        a, s = schema.articles, schema.stories
        first = (
            sa.select(a.c.story_id, a.c.canonical_url)
            .where(a.c.story_id.in_(story_ids))
            .order_by(a.c.story_id, a.c.translated_from.is_not(None), a.c.id)
        )
        keys: dict[int, str] = {}
        for story_id, url in conn.execute(first):
            keys.setdefault(story_id, url)
        for story_id, title in conn.execute(sa.select(s.c.id, s.c.title).where(s.c.id.in_(story_ids))):
            if story_id in keys:
                self.stories[story_id] = {"key": keys[story_id], "title": title}

    def read_editions(self, conn: sa.Connection, rows: Sequence[sa.Row[Any]]) -> None:
        editions = [row.id for row in rows if row.translated_from is not None]
        if not editions:
            return
        a, jobs, flags = schema.articles, schema.translation_jobs, schema.translation_flags
        originals = {row.translated_from for row in rows if row.translated_from is not None}
        self.originals = dict(conn.execute(sa.select(a.c.id, a.c.canonical_url).where(a.c.id.in_(originals))).all())
        query = sa.select(jobs.c.translation_id, jobs.c.status).where(jobs.c.translation_id.in_(editions))
        self.job_status = {int(edition): str(status) for edition, status in conn.execute(query)}
        for flag in conn.execute(sa.select(flags).where(flags.c.article_id.in_(editions)).order_by(flags.c.id)):
            self.flags.setdefault(flag.article_id, []).append(
                {
                    "part": flag.part,
                    "kind": flag.kind,
                    "original": flag.original,
                    "translated": flag.translated,
                    "detail": flag.detail,
                }
            )
