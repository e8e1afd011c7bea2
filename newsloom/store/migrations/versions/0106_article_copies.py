"""Syndicated copies: a MinHash signature per article, the earliest report of a copied text, and the LSH bands
that find copies at ingest.

Revision ID: 0106
Revises: 0105
"""

import sqlalchemy as sa
from alembic import op

revision = "0106"
down_revision = "0105"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_copies",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("signature", sa.LargeBinary),
        sa.Column("original_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    )
    op.create_index("ix_article_copies_original_id", "article_copies", ["original_id"])
    op.create_table(
        "copy_bands",
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.BigInteger, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("copy_bands")
    op.drop_index("ix_article_copies_original_id", table_name="article_copies")
    op.drop_table("article_copies")
