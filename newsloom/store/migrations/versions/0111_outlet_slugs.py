"""Old outlet addresses: an outlet's former slugs, so ``/outlet/<old>`` answers 301 to its page after a rename or
after an operator's source took over the outlet its pages had created (``dantri-com-vn`` → ``dan-tri``).

Revision ID: 0111
Revises: 0109
"""

import sqlalchemy as sa
from alembic import op

revision = "0111"
down_revision = "0109"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outlet_slugs",
        sa.Column("slug", sa.String(200), primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outlet_slugs")
