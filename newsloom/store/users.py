"""Portal accounts (administrators for now) and their sessions; passwords are stored only as argon2 hashes.

A session is a random token the browser holds (signed, in a cookie) and whose SHA-256 this store keeps: logging
out deletes the row, so the old cookie is refused at once, and deleting an account or setting a new password
ends every session of that account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
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
                conn.execute(schema.sessions.delete().where(schema.sessions.c.user_id == existing))
                return int(existing)
            created = conn.execute(table.insert().values(username=username, created_at=datetime.now(UTC), **values))
        return schema.inserted_id(created)

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

    def delete(self, username: str) -> bool:
        """Removes an account and, with it, every session it had."""
        with self.engine.begin() as conn:
            user_id = conn.execute(sa.select(schema.users.c.id).where(schema.users.c.username == username)).scalar()
            if user_id is None:
                return False
            conn.execute(schema.sessions.delete().where(schema.sessions.c.user_id == user_id))
            conn.execute(schema.users.delete().where(schema.users.c.id == user_id))
        return True

    # -- sessions ----------------------------------------------------------------------------------------------

    def open_session(self, username: str) -> str:
        """A new session token for a known account (the caller signs it into a cookie)."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            user_id = conn.execute(sa.select(schema.users.c.id).where(schema.users.c.username == username)).scalar()
            if user_id is None:
                raise ValueError(f"no account named {username!r}")
            conn.execute(schema.sessions.insert().values(token_hash=_digest(token), user_id=user_id, created_at=now))
        return token

    def session_user(self, token: str, max_age: timedelta) -> str | None:
        """The administrator a live session belongs to; None once logged out, expired, or the account is gone."""
        s, u = schema.sessions, schema.users
        query = (
            sa.select(u.c.username, s.c.created_at)
            .select_from(s.join(u, u.c.id == s.c.user_id))
            .where(s.c.token_hash == _digest(token), u.c.is_admin.is_(True))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.created_at < datetime.now(UTC) - max_age:
            return None
        return str(row.username)

    def close_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(schema.sessions.delete().where(schema.sessions.c.token_hash == _digest(token)))
            # Expired rows of anyone go too: the table holds live sessions only.
            conn.execute(schema.sessions.delete().where(schema.sessions.c.created_at < datetime.now(UTC) - _KEEP))


_KEEP = timedelta(days=2)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown names so they take as long as known ones; computed on first use."""
    return _hasher.hash("not-a-real-password-only-for-timing")
