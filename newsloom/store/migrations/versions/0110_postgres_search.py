"""PostgreSQL gets its own full-text search (``store.search.PostgresSearchIndex``): a ``newsloom_simple`` text
search configuration (``simple`` behind ``unaccent``, so diacritics fold as in SQLite's FTS5), a table of one
weighted ``tsvector`` per article under a GIN index, filled from the articles already stored. SQLite: nothing.

Revision ID: 0110
Revises: 0005
"""

from alembic import op

revision = "0110"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsloom_simple') THEN
            CREATE TEXT SEARCH CONFIGURATION newsloom_simple (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION newsloom_simple
              ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
              WITH unaccent, simple;
          END IF;
        END $$;
        """
    )
    op.execute(
        "CREATE TABLE articles_search ("
        "article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, "
        "document TSVECTOR NOT NULL)"
    )
    op.execute("CREATE INDEX ix_articles_search_document ON articles_search USING GIN (document)")
    op.execute(
        "INSERT INTO articles_search (article_id, document) SELECT id, "
        "setweight(to_tsvector('newsloom_simple', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('newsloom_simple', coalesce(lead, '')), 'B') || "
        "setweight(to_tsvector('newsloom_simple', coalesce(body, '')), 'D') FROM articles"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS articles_search")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS newsloom_simple")
