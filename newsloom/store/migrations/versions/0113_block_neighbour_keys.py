"""Stored article pages no longer name their tags', section's and authors' newest (``web.article_blocks`` splices
those lists in per request): the triggers that logged ``t:``, ``s:`` and ``au:`` keys go, and with them their cost
on every article stored (the tag and author link rows were a trigger run each). An article's own write still logs
``a:``, ``f:`` and ``st:`` (its page, its family's, its story's).

Revision ID: 0113
Revises: 0112
"""

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = "0113"
down_revision = "0112"
branch_labels = None
depends_on = None

ARTICLE_KEYS = ["'a:' || {r}.id", "'f:' || coalesce({r}.translated_from, {r}.id)", "'st:' || {r}.story_id"]
DROPPED = ("article_tags", "article_authors")


def _previous() -> ModuleType:
    """Migration 0112, whose trigger makers (and, going down, trigger set) this one reuses."""
    spec = importlib.util.spec_from_file_location("_migration_0112", Path(__file__).with_name("0112_article_blocks.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _drop(table: str, postgres: bool) -> None:
    if postgres:
        op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_write ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_update ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS block_changes_{table}()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS block_changes_{table}_{event}")


def _make(previous: ModuleType, table: str, keys: list[str], extra: list[str], shown: object, postgres: bool) -> None:
    if postgres:
        previous._postgres_triggers(table, keys, extra, shown)
    else:
        previous._sqlite_triggers(table, keys, extra, shown)


def upgrade() -> None:
    previous = _previous()
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("articles", *DROPPED):
        _drop(table, postgres)
    _make(previous, "articles", ARTICLE_KEYS, [], previous.ARTICLE_SHOWN, postgres)
    op.execute("DELETE FROM block_changes WHERE key LIKE 't:%' OR key LIKE 's:%' OR key LIKE 'au:%'")


def downgrade() -> None:
    previous = _previous()
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop("articles", postgres)
    for table in ("articles", *DROPPED):
        keys, extra, shown = previous.TRIGGERS[table]
        _make(previous, table, keys, extra, shown, postgres)
