"""Crawler bookkeeping: ``crawl_urls`` remembers each article URL taken from a feed (once-only fetching).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_urls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE")),
        sa.Column("marker", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("fetched_at", UTCDateTime()),
    )
    op.create_index("ix_crawl_urls_source_id", "crawl_urls", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_crawl_urls_source_id", "crawl_urls")
    op.drop_table("crawl_urls")
