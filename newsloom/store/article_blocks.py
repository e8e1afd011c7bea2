"""Article pages' precomputed parts (table ``article_blocks``) and their validity (``block_changes``).

A row holds what an article page shows whatever the reader (``web.article_blocks`` makes it), with the keys of
everything it was made from: the article ("a:12"), its language family ("f:12"), its story, its comments, the
pictures and outlets it shows (not its tags', section's or authors' newest: those lists are spliced in per request,
and since migration 0113 no trigger logs them). Triggers on those tables (migrations 0112, 0113) append a
``block_changes`` row naming the key of whatever they change; a row is valid while no change newer than its
``stamp`` names one of its keys. Reading a page is one query: the row, and an index probe per key for a newer change.

Pages are kept zstd-compressed (migration 0114): a page of 13.6 KB packs into about 5 KB. At a million articles the
plain pages made 13.6 GB of a 38 GB store, more than the machine's file cache held beside the rest, and a first
render read 87 KB from disk (29 KB with packed pages); unpacking costs about 10 µs.

The stamp is the newest change id read before the page's data: on SQLite, where writers commit one at a time, any
later commit has a higher id. On PostgreSQL ids are handed out when a write runs, not when it commits: a write that
took its id before the stamp was read but committed after the page's data was read would go unseen (a window of
one in-flight transaction; the next change to any of the page's keys, or the next ``prerender --everything``,
corrects it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import zstandard

from newsloom.store import schema
from newsloom.store.engine import reading
from newsloom.store.row_readers import row_reader

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


class _Codecs(threading.local):
    """One zstd context pair per thread (a context is not to be used by two threads at once); made on first use."""

    def __init__(self) -> None:
        self.packer = zstandard.ZstdCompressor(level=3)
        self.unpacker = zstandard.ZstdDecompressor()


_codecs = _Codecs()


def _packed(page: str) -> bytes:
    packed: bytes = _codecs.packer.compress(page.encode())
    return packed


def _unpacked(stored: bytes) -> str:
    return str(_codecs.unpacker.decompress(stored), "utf-8")


class BlockStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.reads = reading(engine)
        self._reader = row_reader(engine)
        self._row = _ROW_POSTGRES if engine.dialect.name == "postgresql" else _ROW_SQLITE

    def stamp(self) -> int:
        """The newest change so far: read before what a row is made from, so any later change outdates it."""
        with self.reads.connect() as conn:
            return int(conn.execute(_NEWEST).scalar() or 0)

    def valid(self, article_id: int, variant: str, fingerprint: str) -> StoredBlocks | None:
        """The row, if it was made with ``fingerprint`` and nothing it names changed since."""
        if self._reader is not None:
            row = self._reader.first(self._row, (article_id, variant))
        else:
            with self.reads.connect() as conn:
                row = conn.exec_driver_sql(self._row, (article_id, variant)).first()
        if row is None or row[0] != fingerprint or row[4]:
            return None
        return StoredBlocks(row[0], row[1], row[2], [], _unpacked(row[3]))

    def write(self, rows: list[tuple[int, str, StoredBlocks]]) -> None:
        """Stores ``(article_id, variant, blocks)`` rows in one transaction, replacing what was there."""
        if not rows:
            return
        values: list[dict[str, Any]] = [
            {"article_id": article_id, "variant": variant, "fingerprint": blocks.fingerprint, "stamp": blocks.stamp,
             "slug": blocks.slug, "keys": sorted(set(blocks.keys)), "page": _packed(blocks.page)}
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
        with self.reads.connect() as conn:
            return list(conn.execute(query).scalars())

    def newest_stamp(self) -> int:
        """The newest stored row's stamp (0 without any): changes after it are what no row has seen yet."""
        with self.reads.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(_b.c.stamp))).scalar() or 0)

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """Visible articles whose own page a change in ``(after, upto]`` concerns: the article written (``a:``),
        commented (``c:``), flagged or queued for translation (``fl:``, ``tj:``), its language family's original
        (``f:``), and the members of a story that changed (``st:``). What a batch's pages stage renders again."""
        query = sa.select(_c.c.key).where(_c.c.id > after, _c.c.id <= upto).distinct()
        ids: set[int] = set()
        stories: set[int] = set()
        with self.reads.connect() as conn:
            for key in conn.execute(query).scalars():
                kind, _, value = key.partition(":")
                if not value.isdigit():
                    continue
                if kind in ("a", "c", "fl", "tj", "f"):
                    ids.add(int(value))
                elif kind == "st":
                    stories.add(int(value))
            a = schema.articles
            found: set[int] = set()
            chosen = sorted(ids)
            for start in range(0, len(chosen), 500):
                part = chosen[start : start + 500]
                found.update(conn.execute(sa.select(a.c.id).where(a.c.id.in_(part), a.c.hidden.is_(False))).scalars())
            if stories:
                members = sa.select(a.c.id).where(a.c.story_id.in_(sorted(stories)), a.c.hidden.is_(False))
                found.update(conn.execute(members).scalars())
        return sorted(found)

    def prune(self) -> int:
        """Drops every change but the newest of each key (what validity compares with): the log stays as long as
        the number of keys, not of writes."""
        newest = sa.select(sa.func.max(_c.c.id)).group_by(_c.c.key)
        with self.engine.begin() as conn:
            return conn.execute(_c.delete().where(_c.c.id.not_in(newest))).rowcount
