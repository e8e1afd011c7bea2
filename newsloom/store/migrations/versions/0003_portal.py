"""Indexes the portal leans on: articles.updated_at (its cache validator, the newest change) and
articles.translated_from (language editions of an article).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_updated_at", "articles", ["updated_at"])
    op.create_index("ix_articles_translated_from", "articles", ["translated_from"])
    # Tags carry their article's listing time so "newest with this tag" is an index range, not a sort.
    with op.batch_alter_table("article_tags") as batch:
        batch.add_column(sa.Column("listed_at", UTCDateTime()))
    op.execute(
        "UPDATE article_tags SET listed_at = (SELECT listed_at FROM articles WHERE articles.id = article_tags.article_id)"
    )
    op.create_index("ix_article_tags_tag_listed", "article_tags", ["tag_slug", "listed_at"])


def downgrade() -> None:
    op.drop_index("ix_article_tags_tag_listed", table_name="article_tags")
    with op.batch_alter_table("article_tags") as batch:
        batch.drop_column("listed_at")
    op.drop_index("ix_articles_translated_from", table_name="articles")
    op.drop_index("ix_articles_updated_at", table_name="articles")
