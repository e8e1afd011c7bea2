"""Articles remember when the media stage handled their pictures, so every batch (an import, a crawl round, the
queue's batch task) fetches the pictures of whatever article is still waiting, not only of the articles its own
run stored: a run killed after storing leaves its articles waiting, and the next run finishes them.

Articles stored before this revision count as handled (their run fetched what it could).

Revision ID: 0109
Revises: 0108
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0109"
down_revision = "0108"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("media_checked_at", UTCDateTime()))  # nullable: SQLite adds it in place
    op.execute("UPDATE articles SET media_checked_at = updated_at")
    op.create_index("ix_articles_media_checked_at", "articles", ["media_checked_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_media_checked_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("media_checked_at")
