"""Admin-only API: access tokens. (Imports through the upload endpoint live in ``app.api.imports``.)"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from app.security.deps import TokensDep
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
def issue_token(request: TokenRequest, tokens: TokensDep) -> dict[str, Any]:
    """Issue a token; the response is the only time it is shown."""
    return {"token": tokens.issue(request.role, request.holder), "role": request.role, "holder": request.holder.strip()}


@router.get("", summary="已发放的令牌（不含令牌本身）")
def list_tokens(tokens: TokensDep) -> list[dict[str, Any]]:
    return [asdict(info) for info in tokens.list()]


@router.delete("/{token_id}", status_code=204, summary="撤销令牌")
def revoke_token(tokens: TokensDep, token_id: int = Path(ge=1, le=2**31)) -> None:
    if not tokens.revoke(token_id):
        raise HTTPException(status_code=404, detail=f"令牌不存在：{token_id}")
