"""Stored article pages are kept zstd-compressed (``store.article_blocks``): ``page`` becomes a binary column.

The rows are a cache of rendered pages (``newsloom prerender`` makes them again, and a deploy outdates them all
anyway), so they are emptied rather than converted: a page not stored is rendered live meanwhile.

Revision ID: 0114
Revises: 0113
"""

import sqlalchemy as sa
from alembic import op

revision = "0114"
down_revision = "0113"
branch_labels = None
depends_on = None


def _page_type(binary: bool) -> None:
    op.execute("DELETE FROM article_blocks")
    if op.get_bind().dialect.name == "postgresql":
        name = "bytea" if binary else "text"
        op.execute(f"ALTER TABLE article_blocks ALTER COLUMN page TYPE {name} USING NULL")
        return
    with op.batch_alter_table("article_blocks") as batch:
        batch.alter_column("page", type_=sa.LargeBinary() if binary else sa.Text(), existing_nullable=False)


def upgrade() -> None:
    _page_type(binary=True)


def downgrade() -> None:
    _page_type(binary=False)
