"""Article pages' precomputed parts (table ``article_blocks``) and their validity (``block_changes``).

A row holds what an article page shows whatever the reader (``web.article_blocks`` makes it), with the keys of
everything it was made from: the article ("a:12"), its language family ("f:12"), its tags, section, authors and
story, its comments, the pictures and outlets it shows. Triggers on those tables (migration 0112) append a
``block_changes`` row naming the key of whatever they change; a row is valid while no change newer than its
``stamp`` names one of its keys. Reading a page is one query: the row, and an index probe per key for a newer change.

The stamp is the newest change id read before the page's data: on SQLite, where writers commit one at a time, any
later commit has a higher id. On PostgreSQL ids are handed out when a write runs, not when it commits: a write that
took its id before the stamp was read but committed after the page's data was read would go unseen (a window of
one in-flight transaction; the next change to any of the page's keys, or the next ``prerender --everything``,
corrects it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from newsloom.store import schema

_b, _c = schema.article_blocks, schema.block_changes
_NEWEST = sa.select(sa.func.max(_c.c.id))
# One read: the row, and whether a change newer than it names one of its keys (an index range per key, empty when
# the row is valid). Plain SQL run as is: a first render runs it once, and compiling it cost more than running it.
_ROW = """SELECT fingerprint, stamp, slug, page, EXISTS (
  SELECT 1 FROM {keys} JOIN block_changes AS c ON c.key = named.value AND c.id > b.stamp
) FROM article_blocks AS b WHERE b.article_id = {id} AND b.variant = {variant}"""
_ROW_SQLITE = _ROW.format(keys="json_each(b.keys) AS named", id="?", variant="?")
_ROW_POSTGRES = _ROW.format(keys="json_array_elements_text(b.keys) AS named(value)", id="%s", variant="%s")


@dataclass(frozen=True, slots=True)
class StoredBlocks:
    fingerprint: str
    stamp: int
    slug: str
    keys: list[str]
    page: str


class BlockStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def stamp(self) -> int:
        """The newest change so far: read before what a row is made from, so any later change outdates it."""
        with self.engine.connect() as conn:
            return int(conn.execute(_NEWEST).scalar() or 0)

    def valid(self, article_id: int, variant: str, fingerprint: str) -> StoredBlocks | None:
        """The row, if it was made with ``fingerprint`` and nothing it names changed since."""
        query = _ROW_POSTGRES if self.engine.dialect.name == "postgresql" else _ROW_SQLITE
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql(query, (article_id, variant)).first()
        if row is None or row[0] != fingerprint or row[4]:
            return None
        return StoredBlocks(row[0], row[1], row[2], [], row[3])

    def write(self, rows: list[tuple[int, str, StoredBlocks]]) -> None:
        """Stores ``(article_id, variant, blocks)`` rows in one transaction, replacing what was there."""
        if not rows:
            return
        values: list[dict[str, Any]] = [
            {"article_id": article_id, "variant": variant, "fingerprint": blocks.fingerprint, "stamp": blocks.stamp,
             "slug": blocks.slug, "keys": sorted(set(blocks.keys)), "page": blocks.page}
            for article_id, variant, blocks in rows
        ]  # fmt: skip
        with self.engine.begin() as conn:
            for variant in {row["variant"] for row in values}:
                ids = [row["article_id"] for row in values if row["variant"] == variant]
                conn.execute(_b.delete().where(_b.c.variant == variant, _b.c.article_id.in_(ids)))
            conn.execute(_b.insert(), values)

    def article_ids(self, after: int = 0, limit: int = 1000) -> list[int]:
        """Visible articles' ids after ``after``, in order: what a full precompute walks, a page at a time."""
        a = schema.articles
        query = sa.select(a.c.id).where(a.c.id > after, a.c.hidden.is_(False)).order_by(a.c.id).limit(limit)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def prune(self) -> int:
        """Drops every change but the newest of each key (what validity compares with): the log stays as long as
        the number of keys, not of writes."""
        newest = sa.select(sa.func.max(_c.c.id)).group_by(_c.c.key)
        with self.engine.begin() as conn:
            return conn.execute(_c.delete().where(_c.c.id.not_in(newest))).rowcount
