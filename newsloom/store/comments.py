"""Reader comments: written pending (or published, by policy), moderated, listed one level deep."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from newsloom.model import Comment
from newsloom.store import schema

STATUSES = ("pending", "published", "rejected")


# Run by every article page: built once, with the article and status as bound parameters.
_FOR_ARTICLE = (
    sa.select(schema.comments)
    .where(
        schema.comments.c.article_id == sa.bindparam("article_id"), schema.comments.c.status == sa.bindparam("status")
    )
    .order_by(schema.comments.c.created_at, schema.comments.c.id)
)


def _from_row(row: sa.Row) -> Comment:
    return Comment(
        id=row.id,
        article_id=row.article_id,
        parent_id=row.parent_id,
        author_name=row.author_name,
        body=row.body,
        status=row.status,
        created_at=row.created_at,
    )


class CommentStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def add(self, comment: Comment, ip_hash: str | None = None) -> int:
        table = schema.comments
        with self.engine.begin() as conn:
            if comment.parent_id is not None:
                parent = conn.execute(
                    sa.select(table.c.article_id, table.c.parent_id).where(table.c.id == comment.parent_id)
                ).first()
                if parent is None or parent.article_id != comment.article_id:
                    raise ValueError("reply to a comment of another article")
                if parent.parent_id is not None:  # threads are one level deep: reply to the thread's root
                    comment.parent_id = parent.parent_id
            created = conn.execute(
                table.insert().values(
                    article_id=comment.article_id,
                    parent_id=comment.parent_id,
                    author_name=comment.author_name,
                    body=comment.body,
                    status=comment.status,
                    ip_hash=ip_hash,
                    created_at=comment.created_at or datetime.now(UTC),
                )
            )
        return schema.inserted_id(created)

    def for_article(self, article_id: int, status: str = "published") -> list[Comment]:
        with self.engine.connect() as conn:
            return [_from_row(row) for row in conn.execute(_FOR_ARTICLE, {"article_id": article_id, "status": status})]

    def count(self, article_id: int) -> int:
        table = schema.comments
        query = sa.select(sa.func.count()).where(table.c.article_id == article_id, table.c.status == "published")
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def pending(self, limit: int = 100) -> list[Comment]:
        table = schema.comments
        query = sa.select(table).where(table.c.status == "pending").order_by(table.c.created_at).limit(limit)
        with self.engine.connect() as conn:
            return [_from_row(row) for row in conn.execute(query)]

    def count_pending(self) -> int:
        query = sa.select(sa.func.count()).where(schema.comments.c.status == "pending")
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def set_status(self, comment_id: int, status: str) -> bool:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.engine.begin() as conn:
            result = conn.execute(
                schema.comments.update().where(schema.comments.c.id == comment_id).values(status=status)
            )
        return bool(result.rowcount)

    def get(self, comment_id: int) -> Comment | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(schema.comments).where(schema.comments.c.id == comment_id)).first()
        return _from_row(row) if row is not None else None

    def recent_from(self, ip_hash: str, since: datetime) -> int:
        table = schema.comments
        query = sa.select(sa.func.count()).where(table.c.ip_hash == ip_hash, table.c.created_at >= since)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def recent_on(self, article_id: int, since: datetime) -> int:
        table = schema.comments
        query = sa.select(sa.func.count()).where(table.c.article_id == article_id, table.c.created_at >= since)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
