"""Admin-only API: access tokens. (Imports through the upload endpoint live in ``app.api.imports``.)"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, Field

from app.security.deps import AuditDep, TokensDep, actor_of
from app.security.tokens import Role

router = APIRouter(prefix="/api/tokens", tags=["admin"])


class TokenRequest(BaseModel):
    role: Role
    holder: str = Field(min_length=1, max_length=100, description="令牌持有人，例如 招商局 张三")


class IssuedToken(BaseModel):
    token: str = Field(description="令牌本身：只在此时返回一次")
    role: Role
    holder: str


@router.post("", response_model=IssuedToken, status_code=201, summary="发放令牌")
def issue_token(request: TokenRequest, http: Request, tokens: TokensDep, audit: AuditDep) -> dict[str, Any]:
    """Issue a token; the response is the only time it is shown."""
    token = tokens.issue(request.role, request.holder)
    audit.add(actor_of(http), "token.issue", {"holder": request.holder.strip(), "role": request.role, "via": "API"})
    return {"token": token, "role": request.role, "holder": request.holder.strip()}


@router.get("", summary="已发放的令牌（不含令牌本身）")
def list_tokens(tokens: TokensDep) -> list[dict[str, Any]]:
    return [asdict(info) for info in tokens.list()]


@router.delete("/{token_id}", status_code=204, summary="撤销令牌")
def revoke_token(http: Request, tokens: TokensDep, audit: AuditDep, token_id: int = Path(ge=1, le=2**31)) -> None:
    if not tokens.revoke(token_id):
        raise HTTPException(status_code=404, detail=f"令牌不存在：{token_id}")
    holder, role = tokens.token_holder(token_id) or ("", "")
    audit.add(actor_of(http), "token.revoke", {"token_id": token_id, "holder": holder, "role": role, "via": "API"})
