"""Authors carry their article's listing time, like tags, so "newest by this author" is an index range, not a
sort over everything the author wrote.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_authors") as batch:
        batch.add_column(sa.Column("listed_at", UTCDateTime()))
    op.execute(
        "UPDATE article_authors SET listed_at = "
        "(SELECT listed_at FROM articles WHERE articles.id = article_authors.article_id)"
    )
    op.create_index("ix_article_authors_author_listed", "article_authors", ["author_slug", "listed_at"])


def downgrade() -> None:
    op.drop_index("ix_article_authors_author_listed", table_name="article_authors")
    with op.batch_alter_table("article_authors") as batch:
        batch.drop_column("listed_at")
