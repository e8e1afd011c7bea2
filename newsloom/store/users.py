"""Portal accounts (administrators for now); passwords are stored only as argon2 hashes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newsloom.store import schema

_hasher = PasswordHasher()


class UserStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create(self, username: str, password: str, *, is_admin: bool = True) -> int:
        if len(password) < 10:
            raise ValueError("password must be at least 10 characters")
        table = schema.users
        values = {"password_hash": _hasher.hash(password), "is_admin": is_admin}
        with self.engine.begin() as conn:
            existing = conn.execute(sa.select(table.c.id).where(table.c.username == username)).scalar()
            if existing is not None:
                conn.execute(table.update().where(table.c.id == existing).values(**values))
                return int(existing)
            created = conn.execute(table.insert().values(username=username, created_at=datetime.now(UTC), **values))
        return int(created.inserted_primary_key[0])

    def authenticate(self, username: str, password: str) -> bool:
        """True for a known admin with this password. Runs a hash check even for unknown names (timing)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(schema.users.c.password_hash, schema.users.c.is_admin).where(
                    schema.users.c.username == username
                )
            ).first()
        stored = row.password_hash if row is not None else _dummy_hash()
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return row is not None and bool(row.is_admin)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown names so they take as long as known ones; computed on first use."""
    return _hasher.hash("not-a-real-password-only-for-timing")
