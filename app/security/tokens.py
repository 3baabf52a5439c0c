"""Access by role with bearer tokens: viewer (招商) < reviewer (安全审查) < admin (管理员).

Tokens are random strings shown once; only their SHA-256 is kept, in ``tokens.sqlite`` in the
data directory (whatever graph store is in use). A token may expire (``expires``); its last use is
kept (to the minute). API clients send it as ``Authorization: Bearer …``.

Browsers never hold the token: a **one-time login code** (``login_code``, in the sign-in link) or the
token typed into the login form is exchanged for a **session** (``open_session``) whose random id
is the ``chainatlas_session`` cookie. Revoking a token ends its sessions; a session ends when its
token expires.

>>> registry = TokenRegistry(":memory:")
>>> token = registry.issue("reviewer", "张三")
>>> registry.role_of(token)
'reviewer'
>>> registry.role_of("wrong") is None
True
>>> code = registry.login_code(token)
>>> session = registry.open_session(code)
>>> registry.session_role(session), registry.open_session(code)  # a code signs in once
('reviewer', None)
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
COOKIE = "chainatlas_session"
SESSION_DAYS = 30
CODE_DAYS = 7
LAST_USED_EVERY = dt.timedelta(minutes=1)


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
    expires: str | None = None
    last_used: str | None = None

    @property
    def state(self) -> str:
        """有效 / 已撤销 / 已过期."""
        if self.revoked:
            return "已撤销"
        return "已过期" if self.expires and self.expires <= _now() else "有效"


class TokenRegistry:
    """Issued tokens, stored hashed in SQLite."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._used: dict[int, dt.datetime] = {}  # when each token's last use was written
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY, digest TEXT UNIQUE NOT NULL, "
            "role TEXT NOT NULL, holder TEXT NOT NULL, created TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tokens)")}
        for column in ("expires", "last_used"):  # registries made before tokens could expire
            if column not in columns:
                self._db.execute(f"ALTER TABLE tokens ADD COLUMN {column} TEXT")
        for table in ("login_codes", "sessions"):
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (digest TEXT PRIMARY KEY, token_id INTEGER NOT NULL REFERENCES tokens(id), "
                "expires TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0)"
            )

    def issue(self, role: str, holder: str, *, expires_in_days: int | None = None) -> str:
        """A new token for ``holder`` with ``role`` (valid for ``expires_in_days``, or until revoked);
        the only time the token is seen."""
        if role not in ROLES:
            raise ChainAtlasError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        if not holder.strip():
            raise ChainAtlasError("a token needs a holder (who it is for)")
        if expires_in_days is not None and expires_in_days < 1:
            raise ChainAtlasError("有效期至少 1 天 / a token must be valid for at least one day")
        token = secrets.token_urlsafe(32)
        expires = _in_days(expires_in_days) if expires_in_days else None
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens(digest, role, holder, created, expires) VALUES (?, ?, ?, ?, ?)",
                (_digest(token), role, holder.strip(), _now(), expires),
            )
        return token

    def _valid(self, digest: str) -> tuple[int, Role] | None:
        """(id, role) of the unrevoked, unexpired token with this digest; its last use noted."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, digest, role FROM tokens WHERE digest = ? AND revoked = 0 AND (expires IS NULL OR expires > ?)",
                (digest, _now()),
            ).fetchone()
        if not row or not hmac.compare_digest(row[1], digest):
            return None
        self._note_use(row[0])
        return row[0], row[2]

    def _note_use(self, token_id: int) -> None:
        now = dt.datetime.now(dt.UTC)
        if now - self._used.get(token_id, dt.datetime.min.replace(tzinfo=dt.UTC)) < LAST_USED_EVERY:
            return  # at most one write a minute per token, not one per request
        self._used[token_id] = now
        with self._lock:
            self._db.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now.isoformat(timespec="seconds"), token_id))

    def role_of(self, token: str | None) -> Role | None:
        """The role of a valid (unrevoked, unexpired) token, else None."""
        if not token:
            return None
        found = self._valid(_digest(token))
        return found[1] if found else None

    def login_code(self, token: str) -> str:
        """A one-time code that signs a browser in as ``token`` (valid ``CODE_DAYS`` days)."""
        found = self._valid(_digest(token))
        if found is None:
            raise ChainAtlasError("令牌无效、已撤销或已过期 / the token is not valid")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._db.execute("INSERT INTO login_codes(digest, token_id, expires) VALUES (?, ?, ?)",
                             (_digest(code), found[0], _in_days(CODE_DAYS)))
        return code

    def code_holder(self, code: str | None) -> tuple[str, Role] | None:
        """(holder, role) a still unused login code signs in as, for the confirmation page; None if not valid."""
        if not code:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT t.holder, t.role FROM login_codes c JOIN tokens t ON t.id = c.token_id WHERE c.digest = ? "
                "AND c.used = 0 AND c.expires > ? AND t.revoked = 0 AND (t.expires IS NULL OR t.expires > ?)",
                (_digest(code), _now(), _now()),
            ).fetchone()
        return (row[0], row[1]) if row else None

    def open_session(self, code: str | None = None, *, token: str | None = None) -> str | None:
        """A new browser session for a one-time login ``code`` (used up) or a ``token`` typed into the
        login form; None when neither is valid."""
        if code:
            with self._lock:
                row = self._db.execute(
                    "UPDATE login_codes SET used = 1 WHERE digest = ? AND used = 0 AND expires > ? RETURNING token_id",
                    (_digest(code), _now()),
                ).fetchone()
            token_id = row[0] if row else None
            with self._lock:
                valid = token_id is not None and self._db.execute(
                    "SELECT 1 FROM tokens WHERE id = ? AND revoked = 0 AND (expires IS NULL OR expires > ?)", (token_id, _now()),
                ).fetchone()
            if not valid:
                return None
        else:
            found = self._valid(_digest(token)) if token else None
            if found is None:
                return None
            token_id = found[0]
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute("INSERT INTO sessions(digest, token_id, expires) VALUES (?, ?, ?)",
                             (_digest(session), token_id, _in_days(SESSION_DAYS)))
        return session

    def session_role(self, session: str | None) -> Role | None:
        """The role of an open session whose token is still valid, else None."""
        if not session:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT t.id, t.role FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.digest = ? AND s.used = 0 "
                "AND s.expires > ? AND t.revoked = 0 AND (t.expires IS NULL OR t.expires > ?)",
                (_digest(session), _now(), _now()),
            ).fetchone()
        if not row:
            return None
        self._note_use(row[0])
        return row[1]  # type: ignore[no-any-return]

    def holder(self, *, token: str | None = None, session: str | None = None) -> tuple[str, Role] | None:
        """(holder, role) of a valid token or open session (for the audit log: who acted), else None."""
        if token:
            clause, digest = "t.digest = ?", _digest(token)
            joined = "tokens t"
        elif session:
            clause, digest = "s.digest = ? AND s.used = 0 AND s.expires > ?", _digest(session)
            joined = "sessions s JOIN tokens t ON t.id = s.token_id"
        else:
            return None
        params = (digest, _now(), _now()) if session and not token else (digest, _now())
        with self._lock:
            row = self._db.execute(
                f"SELECT t.holder, t.role FROM {joined} WHERE {clause} AND t.revoked = 0 AND (t.expires IS NULL OR t.expires > ?)",
                params,
            ).fetchone()
        return (row[0], row[1]) if row else None

    def token_holder(self, token_id: int) -> tuple[str, Role] | None:
        """(holder, role) of the token with this id, whatever its state."""
        with self._lock:
            row = self._db.execute("SELECT holder, role FROM tokens WHERE id = ?", (token_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def close_session(self, session: str | None) -> None:
        """End a session (logout)."""
        if session:
            with self._lock:
                self._db.execute("UPDATE sessions SET used = 1 WHERE digest = ?", (_digest(session),))

    def holder_of(self, token: str | None) -> str | None:
        """Who a valid, unrevoked token was issued to (its holder), else None."""
        if not token:
            return None
        with self._lock:
            row = self._db.execute("SELECT holder FROM tokens WHERE digest = ? AND revoked = 0", (_digest(token),)).fetchone()
        return str(row[0]) if row else None

    def list(self) -> list[TokenInfo]:
        with self._lock:
            rows = self._db.execute("SELECT id, role, holder, created, revoked, expires, last_used FROM tokens ORDER BY id").fetchall()
        return [TokenInfo(id, role, holder, created, bool(revoked), expires, used) for id, role, holder, created, revoked, expires, used in rows]

    def revoke(self, token_id: int) -> bool:
        """Revoke by id; False when there is no such token."""
        with self._lock:
            return self._db.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token_id,)).rowcount == 1

    def has_admin(self) -> bool:
        with self._lock:
            return self._db.execute(
                "SELECT 1 FROM tokens WHERE role = 'admin' AND revoked = 0 AND (expires IS NULL OR expires > ?)", (_now(),),
            ).fetchone() is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _in_days(days: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat(timespec="seconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
