"""JSON API routes: thin wrappers; the work is done in the store and in ``queries``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel

from app.deps import StoreDep

router = APIRouter(prefix="/api", tags=["chains"])

CHAIN_ID = Path(pattern=r"^chain:[a-z0-9-]{1,60}$", description="产业链 id，例如 chain:new-energy")


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
def get_chain(request: Request, store: StoreDep, chain_id: str = CHAIN_ID) -> dict[str, Any]:
    """One chain with its products by stage, its clusters (and where they are based) and its 链主."""
    chain = store.get_node(chain_id)
    if chain is None or chain["label"] != "Chain":
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain_id}")
    graph = request.app.state.graphs.graph(chain_id)
    nodes = graph.nodes
    products = sorted(
        ({"id": n, **{k: nodes[n].get(k) for k in ("name", "segment", "stage")}}
         for n in graph.predecessors(chain_id) if nodes[n]["label"] == "Product"),
        key=lambda p: (("上游", "中游", "下游", None).index(p["stage"]), p["segment"] or "", p["id"]),
    )
    clusters = []
    for cluster_id in sorted(n for n in graph.predecessors(chain_id) if nodes[n]["label"] == "Cluster"):
        bases = [
            {"park": park, "name": nodes[park]["name"], "role": data.get("role", "")}
            for _, park, data in graph.out_edges(cluster_id, data=True) if data["type"] == "BASED_IN"
        ]
        clusters.append({"id": cluster_id, "name": nodes[cluster_id]["name"], "bases": sorted(bases, key=lambda b: (b["role"], b["park"]))})
    leaders = [
        {"id": src, "name": nodes[src]["name"]}
        for src, _, data in graph.in_edges(chain_id, data=True) if data["type"] == "LEADS"
    ]
    counts: dict[str, int] = {}
    for _, attrs in graph.nodes(data=True):
        counts[attrs["label"]] = counts.get(attrs["label"], 0) + 1
    return {**chain, "products": products, "clusters": clusters, "leaders": sorted(leaders, key=lambda l: l["id"]), "counts": counts}
