"""JSON API routes: thin wrappers; the work is done in the store and in ``queries``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.api.responses import json_response
from app.deps import CHAIN_ID, StoreDep, chain_or_404
from app.readmodel.cached_answers import answer

router = APIRouter(prefix="/api", tags=["chains"])


class ChainSummary(BaseModel):
    id: str
    name: str
    kind: str
    target_2026_yi: float | None = None
    segments: list[str] = []
    plan_order: int | None = None
    synthetic: bool = False


class ClusterSummary(BaseModel):
    id: str
    name: str
    bases: list[dict[str, str]] = []


class ChainDetail(ChainSummary):
    products: list[dict[str, Any]]
    clusters: list[ClusterSummary]
    leaders: list[dict[str, Any]]
    counts: dict[str, int]


@router.get("/chains", response_model=list[ChainSummary], summary="全部产业链")
def list_chains(store: StoreDep) -> list[dict[str, Any]]:
    """The plan's chains in the plan's order, with kind, 2026 revenue target (亿元) and segments."""
    return sorted(store.list_nodes("Chain"), key=lambda chain: (chain.get("plan_order") or 99, chain["id"]))


@router.get("/chains/{chain_id}", response_model=ChainDetail, summary="一条产业链")
async def get_chain(request: Request, chain_id: str = CHAIN_ID) -> Response:
    """One chain with its products by stage, its clusters (and where they are based) and its 链主."""
    cache = request.app.state.graphs

    def encode() -> bytes:  # raises for a missing chain, so only real chains are kept
        return ChainDetail.model_validate(chain_or_404(cache, chain_id)).model_dump_json().encode()

    return await answer(cache, lambda: json_response(body=cache.memo(("chain-detail-json", chain_id), encode)))
