"""Indexes for stores of a million articles: the home page's and the outlet list's aggregates read indexes only.

Without them, counting articles per section or outlet (``hidden`` is read from the row), finding the newest dated
report of any story (no index on ``published_at``) and counting the newest articles' tags walked every article row,
and an SQLite row keeps its body and blocks inline: at 1,000,000 articles, seconds per query, paid again after
every commit. See BENCHMARKS.md, "Store and scale-out".

Revision ID: 0108
Revises: 0107
"""

import sqlalchemy as sa
from alembic import op

revision = "0108"
down_revision = "0107"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_articles_section_hidden": ("articles", ["section_slug", "hidden"]),
    "ix_articles_source_hidden": ("articles", ["source_id", "hidden"]),
    "ix_article_tags_listed": ("article_tags", ["listed_at", "tag_slug", "tag_name"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    # The newest dated report of any story (top stories) without walking the articles in no story.
    in_story = sa.text("story_id IS NOT NULL")
    op.create_index(
        "ix_articles_story_published", "articles", ["published_at"], sqlite_where=in_story, postgresql_where=in_story
    )


def downgrade() -> None:
    op.drop_index("ix_articles_story_published", table_name="articles")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
