"""Access by role with bearer tokens: viewer (招商) < reviewer (安全审查) < admin (管理员).

Tokens are random strings shown once; only their SHA-256 is kept, in ``tokens.sqlite`` in the
data directory (whatever graph store is in use). A request carries its token as
``Authorization: Bearer …`` or in the ``chainatlas_token`` cookie set by the login page.

>>> registry = TokenRegistry(":memory:")
>>> token = registry.issue("reviewer", "张三")
>>> registry.role_of(token)
'reviewer'
>>> registry.role_of("wrong") is None
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph_schema.errors import ChainAtlasError

Role = Literal["viewer", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "reviewer", "admin")
ROLE_NAMES = {"viewer": "招商（查看）", "reviewer": "安全审查", "admin": "管理员"}
COOKIE = "chainatlas_token"


def role_allows(held: Role, needed: Role) -> bool:
    """True when a token of role ``held`` may use what needs ``needed``.

    >>> role_allows("admin", "reviewer"), role_allows("viewer", "reviewer")
    (True, False)
    """
    return ROLES.index(held) >= ROLES.index(needed)


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed to admins: never the token itself."""

    id: int
    role: Role
    holder: str
    created: str
    revoked: bool


class TokenRegistry:
    """Issued tokens, stored hashed in SQLite."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY, digest TEXT UNIQUE NOT NULL, "
            "role TEXT NOT NULL, holder TEXT NOT NULL, created TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)"
        )

    def issue(self, role: str, holder: str) -> str:
        """A new token for ``holder`` with ``role``; the only time the token is seen."""
        if role not in ROLES:
            raise ChainAtlasError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        if not holder.strip():
            raise ChainAtlasError("a token needs a holder (who it is for)")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens(digest, role, holder, created) VALUES (?, ?, ?, ?)",
                (_digest(token), role, holder.strip(), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
        return token

    def role_of(self, token: str | None) -> Role | None:
        """The role of a valid, unrevoked token, else None."""
        if not token:
            return None
        digest = _digest(token)
        with self._lock:
            row = self._db.execute("SELECT digest, role FROM tokens WHERE digest = ? AND revoked = 0", (digest,)).fetchone()
        return row[1] if row and hmac.compare_digest(row[0], digest) else None

    def holder_of(self, token: str | None) -> str | None:
        """Who a valid, unrevoked token was issued to (its holder), else None."""
        if not token:
            return None
        with self._lock:
            row = self._db.execute("SELECT holder FROM tokens WHERE digest = ? AND revoked = 0", (_digest(token),)).fetchone()
        return str(row[0]) if row else None

    def list(self) -> list[TokenInfo]:
        with self._lock:
            rows = self._db.execute("SELECT id, role, holder, created, revoked FROM tokens ORDER BY id").fetchall()
        return [TokenInfo(id, role, holder, created, bool(revoked)) for id, role, holder, created, revoked in rows]

    def revoke(self, token_id: int) -> bool:
        """Revoke by id; False when there is no such token."""
        with self._lock:
            return self._db.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token_id,)).rowcount == 1

    def has_admin(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM tokens WHERE role = 'admin' AND revoked = 0").fetchone() is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
