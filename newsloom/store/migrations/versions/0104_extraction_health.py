"""Extraction health per outlet and day: how many new articles had a title, a date, authors, a lead, a cover and
a body of normal length, so a redesign that silently breaks extraction shows against the outlet's own baseline.

Revision ID: 0104
Revises: 0103
"""

import sqlalchemy as sa
from alembic import op

revision = "0104"
down_revision = "0103"
branch_labels = None
depends_on = None

COUNTS = ("articles", "with_title", "with_date", "with_authors", "with_lead", "with_cover", "with_body")


def upgrade() -> None:
    op.create_table(
        "extraction_health",
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTS),
    )


def downgrade() -> None:
    op.drop_table("extraction_health")
