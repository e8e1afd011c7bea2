"""Images stored by the portal: one row per image URL tried (stored picture or failure), see ``schema.media``.

Revision ID: 0107
Revises: 0106
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0107"
down_revision = "0106"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("digest", sa.String(64)),
        sa.Column("mime", sa.String(40)),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("widths", sa.String(60)),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("media")
