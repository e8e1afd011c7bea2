"""Where syndicated copies are indexed and read: each new article's MinHash signature and LSH bands
(``article_copies``, ``copy_bands``), and, for a listing, which of its articles share a text with which others.

A copy points to the earliest report of its text (``original_id``); the original has none. An article found
earlier than its group's original (a page dated before it, imported later) becomes the group's original.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from newsloom.copy_signatures import (
    BANDS,
    COPY_JACCARD,
    MAX_BODY_CHARS,
    band_buckets,
    from_bytes,
    signature,
    similarity,
    to_bytes,
)
from newsloom.store import schema

if TYPE_CHECKING:  # numpy only for the hint: its import is start-up of every process (newsloom/lazy.py)
    import numpy as np

BATCH = 500
Presigned: TypeAlias = "Callable[[int, str], tuple[bool, np.ndarray | None]]"
MAX_PENDING = 50_000  # articles listed per pass; a store that was never indexed takes several passes


@dataclass(frozen=True, slots=True)
class CopyMember:
    """One report of a shared text, as a listing names it."""

    id: int
    source_id: int | None
    site_name: str | None
    url: str
    first_seen: datetime
    original: bool


class CopyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def index_new(self, presigned: Presigned | None = None) -> int:
        """Sign and index every article not indexed yet, oldest first; returns how many were found to be copies.

        ``presigned(article_id, body)`` gives a signature computed elsewhere (a crawl's extraction worker:
        ``pipeline/hints.py``) as ``(True, values)``, or ``(False, None)`` to have it computed here."""
        a = schema.articles
        first_seen = sa.func.coalesce(a.c.published_at, a.c.listed_at)
        found = 0
        while pending := self._unindexed():
            for start in range(0, len(pending), BATCH):
                ids = pending[start : start + BATCH]
                with self.engine.connect() as conn:
                    rows = conn.execute(
                        sa.select(a.c.id, sa.func.substr(a.c.body, 1, MAX_BODY_CHARS).label("body"), first_seen)
                        .where(a.c.id.in_(ids))
                        .order_by(first_seen, a.c.id)
                    ).all()
                with self.engine.begin() as conn:
                    for row in rows:
                        found += self._index_one(conn, row.id, row.body or "", row[2], presigned)
        return found

    def _unindexed(self) -> list[int]:
        """Ids of articles with no ``article_copies`` row, newest first (at most ``MAX_PENDING``; each batch is
        then indexed in first-seen order, and an earlier report found later still becomes its text's original).

        Every copies row belongs to an article (a cascading foreign key), so the two counts say how many are
        missing, and a walk down the newest ids stops once it has found them: new articles are the newest. An
        anti-join ordered by first-seen time read every stored article each batch (0.2 s per batch at 200,000
        articles, growing with the store)."""
        a, c = schema.articles, schema.article_copies
        count_articles = sa.select(sa.func.count()).select_from(a).scalar_subquery()
        count_indexed = sa.select(sa.func.count()).select_from(c).scalar_subquery()
        with self.engine.connect() as conn:
            missing = conn.execute(sa.select(count_articles - count_indexed)).scalar_one()
            if missing <= 0:
                return []
            return list(
                conn.execute(
                    sa.select(a.c.id)
                    .where(~sa.exists().where(c.c.article_id == a.c.id))
                    .order_by(a.c.id.desc())
                    .limit(min(missing, MAX_PENDING))
                ).scalars()
            )

    def _index_one(
        self, conn: sa.Connection, article_id: int, body: str, when: datetime, presigned: Presigned | None = None
    ) -> int:
        bands = schema.copy_bands
        known, values = presigned(article_id, body) if presigned is not None else (False, None)
        if not known:
            values = signature(body)
        if values is None:
            conn.execute(_INSERT_COPY, {"article_id": article_id, "signature": None, "original_id": None})
            return 0
        keys = band_buckets(values)
        candidates = list(conn.execute(_CANDIDATES, {f"bucket{band}": bucket for band, bucket in keys}).scalars())
        best, best_score = None, COPY_JACCARD
        if candidates:
            for other, data, original in conn.execute(_SIGNATURES, {"ids": candidates}):
                score = similarity(values, from_bytes(data))
                if score >= best_score:
                    best, best_score = (original or other), score
        conn.execute(_INSERT_COPY, {"article_id": article_id, "signature": to_bytes(values), "original_id": None})
        conn.execute(bands.insert(), [{"band": b, "bucket": k, "article_id": article_id} for b, k in keys])
        if best is None:
            return 0
        self._join(conn, article_id, when, best)
        return 1

    @staticmethod
    def _join(conn: sa.Connection, article_id: int, when: datetime, original: int) -> None:
        a, c = schema.articles, schema.article_copies
        original_seen = conn.execute(
            sa.select(sa.func.coalesce(a.c.published_at, a.c.listed_at)).where(a.c.id == original)
        ).scalar()
        if original_seen is not None and when < original_seen:  # the new one came first: it is the original now
            conn.execute(c.update().where(c.c.original_id == original).values(original_id=article_id))
            conn.execute(c.update().where(c.c.article_id == original).values(original_id=article_id))
        else:
            conn.execute(c.update().where(c.c.article_id == article_id).values(original_id=original))

    def groups_for(self, article_ids: list[int]) -> dict[int, list[CopyMember]]:
        """For each of ``article_ids`` that shares its text with others, every visible report of that text, the
        original first."""
        if not article_ids:
            return {}
        with self.engine.connect() as conn:
            roots = {
                row.article_id: row.original_id or row.article_id for row in conn.execute(_ROOTS, {"ids": article_ids})
            }
            if not roots:
                return {}
            rows = conn.execute(_MEMBERS, {"roots": sorted(set(roots.values()))}).all()
        by_root: dict[int, list[CopyMember]] = {}
        for row in rows:
            root = row.original_id or row.id
            by_root.setdefault(root, []).append(
                CopyMember(row.id, row.source_id, row.site_name, row.url, row[4], row.original_id is None)
            )
        return {article_id: by_root[root] for article_id, root in roots.items() if len(by_root.get(root, [])) > 1}


# Built once: an article's band lookup is 25 (band, bucket) pairs, and building that expression per article cost
# a large share of indexing it.
_CANDIDATES = (
    sa.select(schema.copy_bands.c.article_id)
    .where(
        sa.or_(
            *(
                sa.and_(schema.copy_bands.c.band == band, schema.copy_bands.c.bucket == sa.bindparam(f"bucket{band}"))
                for band in range(BANDS)
            )
        )
    )
    .distinct()
)
_SIGNATURES = sa.select(
    schema.article_copies.c.article_id, schema.article_copies.c.signature, schema.article_copies.c.original_id
).where(schema.article_copies.c.article_id.in_(sa.bindparam("ids", expanding=True)))
_INSERT_COPY = schema.article_copies.insert()

# A listing's copy groups, in two index lookups each: an OR across the two tables (or an IN over every original)
# made the database read the whole copy table, a cost that grows with the store.
_COPY = schema.article_copies
_ALIAS = _COPY.alias("copy_of")
_ROOTS = sa.select(_COPY.c.article_id, _COPY.c.original_id).where(
    _COPY.c.article_id.in_(sa.bindparam("ids", expanding=True)),
    sa.or_(
        _COPY.c.original_id.is_not(None),
        sa.exists().where(_ALIAS.c.original_id == _COPY.c.article_id),  # an original some copy points at
    ),
)
_GROUP = sa.union(
    sa.select(_COPY.c.article_id).where(_COPY.c.original_id.in_(sa.bindparam("roots", expanding=True))),
    sa.select(_COPY.c.article_id).where(_COPY.c.article_id.in_(sa.bindparam("roots", expanding=True))),
).subquery()
_FIRST_SEEN = sa.func.coalesce(schema.articles.c.published_at, schema.articles.c.listed_at)
_MEMBERS = (
    sa.select(
        schema.articles.c.id,
        schema.articles.c.source_id,
        schema.articles.c.site_name,
        schema.articles.c.url,
        _FIRST_SEEN,
        _COPY.c.original_id,
    )
    .select_from(
        _GROUP.join(schema.articles, schema.articles.c.id == _GROUP.c.article_id).join(
            _COPY, _COPY.c.article_id == schema.articles.c.id
        )
    )
    .where(schema.articles.c.hidden.is_(False))
    .order_by(_FIRST_SEEN, schema.articles.c.id)
)
