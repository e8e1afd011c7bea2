"""Migrations produce exactly the schema in newsloom/store/schema.py, and re-running them is harmless."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from newsloom.settings import Settings
from newsloom.store import open_store
from newsloom.store.engine import head_revision
from newsloom.store.schema import metadata


def test_migrated_schema_matches_metadata(settings: Settings) -> None:
    store = open_store(settings)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = [d for d in compare_metadata(context, metadata) if "articles_fts" not in str(d)]
    assert differences == []
    assert store.is_current()
    store.close()


def test_migrating_twice_is_a_no_op(settings: Settings) -> None:
    open_store(settings).close()
    store = open_store(settings)
    assert store.is_current()
    versions = Path(__file__).resolve().parents[2] / "newsloom/store/migrations/versions"
    assert head_revision() is not None
    assert any(path.name.startswith(f"{head_revision()}_") for path in versions.glob("*.py"))
    store.close()
