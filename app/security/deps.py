"""Typed dependencies for access by role: the token registry and the role checks of routes and pages.

They are ``async def`` because none of them waits on anything slow (the token check is one indexed
SQLite read): FastAPI then runs them on the event loop instead of handing each to a worker thread,
a hop that costs more than the work under concurrent load.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.security.tokens import COOKIE, ROLE_NAMES, Role, TokenRegistry, role_allows
from stores.audit import ANONYMOUS, Actor, AuditLog


class LoginRequired(Exception):
    """A browser page was asked for without a valid token: send the user to the login page."""


async def get_tokens(request: Request) -> TokenRegistry:
    tokens: TokenRegistry = request.app.state.tokens
    return tokens


def token_of(request: Request) -> str | None:
    """The bearer token of a request (``Authorization: Bearer …``), if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def role_of(request: Request) -> Role | None:
    """The role a request holds: by its bearer token, else by its browser session cookie."""
    tokens: TokenRegistry = request.app.state.tokens
    token = token_of(request)
    return tokens.role_of(token) if token is not None else tokens.session_role(request.cookies.get(COOKIE))


def actor_of(request: Request) -> Actor:
    """Who makes a request, for the audit log: the holder and role of its token or session (never the token)."""
    tokens: TokenRegistry = request.app.state.tokens
    token = token_of(request)
    found = tokens.holder(token=token) if token is not None else tokens.holder(session=request.cookies.get(COOKIE))
    return Actor(*found) if found else Actor(ANONYMOUS, "")


async def get_audit(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit
    return audit


def _role(request: Request, needed: Role, *, page: bool) -> Role:
    held = role_of(request)
    if held is None:
        if page:
            raise LoginRequired()
        raise HTTPException(status_code=401, detail="需要登录：请提供有效令牌（Authorization: Bearer …）",
                            headers={"WWW-Authenticate": "Bearer"})
    if not role_allows(held, needed):
        raise HTTPException(status_code=403, detail=f"权限不足：需要“{ROLE_NAMES[needed]}”或更高角色")
    request.state.role = held
    return held


def require(needed: Role, *, page: bool = False):  # type: ignore[no-untyped-def]
    """A dependency that lets through tokens of role ``needed`` or higher."""

    async def check(request: Request) -> Role:
        return _role(request, needed, page=page)

    check.role = needed  # type: ignore[attr-defined]  # what app.api.status_codes documents (401, 403)
    return Depends(check)


TokensDep = Annotated[TokenRegistry, Depends(get_tokens)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
