"""Translated editions: which backend and model made an edition, the translation jobs (done, failed and when to
retry), the translation checks' flags per block, and the translation memory.

Revision ID: 0103
Revises: 0101
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0103"
down_revision = "0101"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("translation_backend", sa.String(40)))
    op.add_column("articles", sa.Column("translation_model", sa.String(300)))
    op.create_table(
        "translation_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source_hash", sa.String(64)),
        sa.Column("translation_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "target", name="uq_translation_jobs_article_target"),
    )
    op.create_index("ix_translation_jobs_status", "translation_jobs", ["status"])
    op.create_table(
        "translation_flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("part", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("original", sa.Text, nullable=False),
        sa.Column("translated", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_translation_flags_article_id", "translation_flags", ["article_id"])
    op.create_index("ix_translation_flags_kind", "translation_flags", ["kind"])
    op.create_table(
        "translation_memory",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("translation", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("translation_memory")
    op.drop_table("translation_flags")
    op.drop_table("translation_jobs")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("translation_model")
        batch.drop_column("translation_backend")
