"""Articles remember when the stories stage looked at them, so a crawl round compares only new articles with the
days around them, instead of every lone article of the window again.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("story_checked_at", UTCDateTime()))  # nullable: SQLite adds it in place
    op.execute("UPDATE articles SET story_checked_at = updated_at WHERE story_id IS NOT NULL")
    op.create_index("ix_articles_story_checked_at", "articles", ["story_checked_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_story_checked_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("story_checked_at")
