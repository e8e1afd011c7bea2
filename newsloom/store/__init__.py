"""Storage stage: every SQL statement of newsloom lives in this package.

``base.ArticleStore`` is the seam the rest of the code talks to; ``sql.SQLStore`` implements it on SQLAlchemy Core
for SQLite (default, WAL) and PostgreSQL. ``search`` is the only module that knows FTS5 from tsvector.
``open_store(settings)`` is the usual way in.
"""

from newsloom.store.base import ArticleStore, UpsertOutcome
from newsloom.store.sql import SQLStore, open_store

__all__ = ["ArticleStore", "SQLStore", "UpsertOutcome", "open_store"]
