"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored in UTC.

    SQLite has no timezone type and hands back naive values; this makes every value read aware (UTC), so dates
    compare and serialise the same whatever the backend. Naive values written are taken as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        stamp = stamp.astimezone(UTC)
        return stamp.replace(tzinfo=None) if dialect.name == "sqlite" else stamp

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
