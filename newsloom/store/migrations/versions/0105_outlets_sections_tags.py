"""Outlets by registrable domain, sections placed on a scheme, entity tags with kinds, undated articles.

- ``sources.domain`` (the registrable domain that identifies a publisher) and ``sources.name_rank`` (how good the
  evidence for its name is; 100: named by an operator, kept).
- ``articles.carried_by_source_id``: the source whose feed listed an article of another outlet.
- ``articles.publisher_section``, ``section_rule``, ``section_confidence``: the publisher's own section label, and
  which rule placed the article on the scheme (``section_slug``), with what confidence.
- ``articles.enriched_at``: when the batch enrichment (entity tags, classifier placement) last saw the article.
- ``article_tags.tag_kind``: person, organisation, place or topic.
- Undated articles that were not crawled from a live feed sort after every dated one (``listed_at`` = 1970-01-01)
  instead of by the time an archive was imported.

Revision ID: 0105
Revises: 0104
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0105"
down_revision = "0104"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("domain", sa.String(253)))
    op.add_column("sources", sa.Column("name_rank", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_sources_domain", "sources", ["domain"])
    op.add_column("articles", sa.Column("carried_by_source_id", sa.Integer))
    op.add_column("articles", sa.Column("publisher_section", sa.String(300)))
    op.add_column("articles", sa.Column("section_rule", sa.String(20)))
    op.add_column("articles", sa.Column("section_confidence", sa.Float))
    op.add_column("articles", sa.Column("enriched_at", UTCDateTime()))
    op.create_index("ix_articles_enriched_at", "articles", ["enriched_at"])
    op.add_column("article_tags", sa.Column("tag_kind", sa.String(20)))

    from newsloom.domains import registrable_domain

    conn = op.get_bind()
    for source_id, homepage, has_feeds in conn.execute(
        sa.text("SELECT id, homepage, EXISTS (SELECT 1 FROM feeds WHERE feeds.source_id = sources.id) FROM sources")
    ).all():
        conn.execute(
            sa.text("UPDATE sources SET domain = :domain, name_rank = :rank WHERE id = :id"),
            {"domain": registrable_domain(homepage or "") or None, "rank": 100 if has_feeds else 0, "id": source_id},
        )
    op.execute(
        "UPDATE articles SET listed_at = '1970-01-01 00:00:00' WHERE published_at IS NULL"
        " AND id NOT IN (SELECT article_id FROM crawl_urls WHERE article_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("article_tags") as batch:
        batch.drop_column("tag_kind")
    op.drop_index("ix_articles_enriched_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        for column in (
            "enriched_at",
            "section_confidence",
            "section_rule",
            "publisher_section",
            "carried_by_source_id",
        ):
            batch.drop_column(column)
    op.drop_index("ix_sources_domain", table_name="sources")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("name_rank")
        batch.drop_column("domain")
