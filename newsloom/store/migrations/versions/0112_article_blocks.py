"""Article pages' precomputed parts (``article_blocks``) and the change log that invalidates them
(``block_changes``), appended by triggers on every table a page is made of: whatever writes (ingest, the bulk path,
the admin, the stories, media or translation stages, another process), the blocks it affects go stale and no other.

The triggers only append (no counter row is updated), so concurrent writers never wait on each other for them. An
update of an article logs its keys only when a column a page shows changed (not for ``story_checked_at``,
``enriched_at``, ``media_checked_at`` and the like, which the stages set on thousands of rows).

Revision ID: 0112
Revises: 0111
"""

import sqlalchemy as sa
from alembic import op

revision = "0112"
down_revision = "0111"
branch_labels = None
depends_on = None

# Per table: the keys a row names ({r} is NEW or OLD), statements naming more keys, and for an update the columns
# whose change matters (None: any update).
ARTICLE_SHOWN = (
    "url", "canonical_url", "title", "lead", "blocks", "images", "attribution", "authors", "tags", "published_at",
    "modified_at", "language", "site_name", "section_slug", "source_id", "story_id", "translated_from", "hidden",
    "listed_at",
)  # fmt: skip
JSON_COLUMNS = {"blocks", "images", "attribution", "authors", "tags"}
TRIGGERS: dict[str, tuple[list[str], list[str], tuple[str, ...] | None]] = {
    "articles": (
        [
            "'a:' || {r}.id",
            "'f:' || coalesce({r}.translated_from, {r}.id)",
            "'s:' || {r}.section_slug",
            "'st:' || {r}.story_id",
        ],
        [
            "SELECT 't:' || tag_slug FROM article_tags WHERE article_id = {r}.id",
            "SELECT 'au:' || author_slug FROM article_authors WHERE article_id = {r}.id",
        ],
        ARTICLE_SHOWN,
    ),
    "article_tags": (["'t:' || {r}.tag_slug"], [], None),
    "article_authors": (["'au:' || {r}.author_slug"], [], None),
    "media": (["'m:' || {r}.url"], [], None),
    "sources": (["'outlets'"], [], ("slug", "name", "homepage", "language", "country", "logo_url")),
    "sections": (["'sections'"], [], ("slug", "name")),
    "stories": (["'st:' || {r}.id"], [], ("title", "first_published_at", "last_published_at")),
    "comments": (["'c:' || {r}.article_id"], [], None),
    "translation_jobs": (["'tj:' || {r}.article_id"], [], None),
    "translation_flags": (["'fl:' || {r}.article_id"], [], None),
}


def _inserts(row: str, keys: list[str], extra: list[str]) -> list[str]:
    union = " UNION ALL ".join(f"SELECT {key.format(r=row)} AS k" for key in keys)
    statements = [f"INSERT INTO block_changes (key) SELECT k FROM ({union}) AS named WHERE k IS NOT NULL"]
    return statements + [f"INSERT INTO block_changes (key) {query.format(r=row)}" for query in extra]


def _changed(columns: tuple[str, ...], postgres: bool) -> str:
    def differs(column: str) -> str:
        if postgres and column in JSON_COLUMNS:  # json has no equality in PostgreSQL
            return f"OLD.{column}::text IS DISTINCT FROM NEW.{column}::text"
        return f"OLD.{column} IS DISTINCT FROM NEW.{column}" if postgres else f"OLD.{column} IS NOT NEW.{column}"

    return " OR ".join(differs(column) for column in columns)


def upgrade() -> None:
    op.create_table(
        "article_blocks",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("variant", sa.String(60), primary_key=True),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("stamp", sa.BigInteger, nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("keys", sa.JSON, nullable=False),
        sa.Column("page", sa.Text, nullable=False),
    )
    op.create_table(
        "block_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
    )
    op.create_index("ix_block_changes_key", "block_changes", ["key", "id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (keys, extra, shown) in TRIGGERS.items():
        if postgres:
            _postgres_triggers(table, keys, extra, shown)
        else:
            _sqlite_triggers(table, keys, extra, shown)
    # The media stage marks an article when its pictures are stored: its cover in other pages' lists may have
    # changed (the article's own key only: its neighbours' lists did not).
    if postgres:
        op.execute(
            """CREATE OR REPLACE FUNCTION block_changes_article_media() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO block_changes (key) VALUES ('a:' || NEW.id); RETURN NULL; END $$"""
        )
        op.execute(
            "CREATE TRIGGER block_changes_articles_media AFTER UPDATE ON articles FOR EACH ROW "
            "WHEN (OLD.media_checked_at IS DISTINCT FROM NEW.media_checked_at) "
            "EXECUTE FUNCTION block_changes_article_media()"
        )
    else:
        op.execute(
            "CREATE TRIGGER block_changes_articles_media AFTER UPDATE ON articles FOR EACH ROW "
            "WHEN OLD.media_checked_at IS NOT NEW.media_checked_at "
            "BEGIN INSERT INTO block_changes (key) VALUES ('a:' || NEW.id); END"
        )


def _sqlite_triggers(table: str, keys: list[str], extra: list[str], shown: tuple[str, ...] | None) -> None:
    for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
        when = f" WHEN {_changed(shown, False)}" if event == "UPDATE" and shown else ""
        body = "; ".join(statement for row in rows for statement in _inserts(row, keys, extra))
        op.execute(
            f"CREATE TRIGGER block_changes_{table}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW{when} "
            f"BEGIN {body}; END"
        )


def _postgres_triggers(table: str, keys: list[str], extra: list[str], shown: tuple[str, ...] | None) -> None:
    old = "; ".join(_inserts("OLD", keys, extra))
    new = "; ".join(_inserts("NEW", keys, extra))
    op.execute(
        f"""CREATE OR REPLACE FUNCTION block_changes_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF;
          IF TG_OP IN ('UPDATE', 'INSERT') THEN {new}; END IF;
          RETURN NULL;
        END $$"""
    )
    op.execute(
        f"CREATE TRIGGER block_changes_{table}_write AFTER INSERT OR DELETE ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION block_changes_{table}()"
    )
    when = f" WHEN ({_changed(shown, True)})" if shown else ""
    op.execute(
        f"CREATE TRIGGER block_changes_{table}_update AFTER UPDATE ON {table} FOR EACH ROW{when} "
        f"EXECUTE FUNCTION block_changes_{table}()"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS block_changes_articles_media ON articles")
        op.execute("DROP FUNCTION IF EXISTS block_changes_article_media()")
    else:
        op.execute("DROP TRIGGER IF EXISTS block_changes_articles_media")
    for table in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_write ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_update ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS block_changes_{table}()")
        else:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_{event}")
    op.drop_index("ix_block_changes_key", table_name="block_changes")
    op.drop_table("block_changes")
    op.drop_table("article_blocks")
