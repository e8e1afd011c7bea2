"""Initial schema: sources, feeds, sections, stories, articles (+ tags, authors, raw HTML, search), comments, users.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from newsloom.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("homepage", sa.Text, nullable=False),
        sa.Column("language", sa.String(20)),
        sa.Column("country", sa.String(10)),
        sa.Column("logo_url", sa.Text),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("section", sa.String(200)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("error_streak", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_poll_at", UTCDateTime()),
        sa.Column("poll_interval_seconds", sa.Integer, nullable=False, server_default="900"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("parent_slug", sa.String(200)),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_published_at", UTCDateTime()),
        sa.Column("last_published_at", UTCDateTime()),
        sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("canonical_url", sa.Text, nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("lead", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("blocks", sa.JSON, nullable=False),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("attribution", sa.JSON, nullable=False),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("modified_at", UTCDateTime()),
        sa.Column("language", sa.String(20)),
        sa.Column("site_name", sa.String(300)),
        sa.Column("section_slug", sa.String(200)),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
        sa.Column("translated_from", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("listed_at", UTCDateTime(), nullable=False),
        sa.Column("fetched_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_articles_listed_at", "articles", ["listed_at"])
    op.create_index("ix_articles_section_listed", "articles", ["section_slug", "listed_at"])
    op.create_index("ix_articles_source_listed", "articles", ["source_id", "listed_at"])
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_table(
        "article_tags",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_slug", sa.String(200), primary_key=True),
        sa.Column("tag_name", sa.String(300), nullable=False),
    )
    op.create_index("ix_article_tags_tag_slug", "article_tags", ["tag_slug"])
    op.create_table(
        "article_authors",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("author_slug", sa.String(200), primary_key=True),
        sa.Column("author_name", sa.String(300), nullable=False),
    )
    op.create_index("ix_article_authors_author_slug", "article_authors", ["author_slug"])
    op.create_table(
        "article_html",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("html_gz", sa.LargeBinary, nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("fetched_at", UTCDateTime()),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("ip_hash", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_comments_article_status", "comments", ["article_id", "status"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Search index (see newsloom.store.search.Fts5SearchIndex); other dialects get theirs in later revisions.
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
            "title, lead, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in (
        "users",
        "comments",
        "article_html",
        "article_authors",
        "article_tags",
        "articles",
        "stories",
        "sections",
        "feeds",
        "sources",
    ):
        op.drop_table(table)
