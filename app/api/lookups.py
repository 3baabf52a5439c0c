"""Lookups: clusters, parks, products, enterprises (search, filters), neighbourhoods and supply tiers."""

from __future__ import annotations

from typing import Any, Literal

import networkx as nx
from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from app.api.listing import FILE_RESPONSES, FormatQuery, ListFormat, PageQuery, SizeQuery, listing, page_of
from app.api.responses import json_response
from app.deps import CacheDep, StoreDep
from app.readmodel import lookups
from app.readmodel.cached_answers import answer
from app.readmodel.graph_cache import GraphCache
from app.readmodel.supply_walk import supply_tiers
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES
from stores.base import GraphStore, NeighbourhoodQuery, Subgraph

router = APIRouter(prefix="/api", tags=["lookups"])
SMALL_WALK_NODES = 500  # a neighbourhood of depth 1 and at most this many nodes takes a few ms: answered on the event loop


def node_id_path() -> Any:
    """A fresh Path() per parameter: FastAPI binds a shared Path instance to one parameter name only."""
    return Path(min_length=1, max_length=200, description="节点 id，例如 ent:…、product:…、18位统一社会信用代码")


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    size: int


def _nodes_of(graph: nx.MultiDiGraph, label: str) -> list[dict[str, Any]]:
    return [{"id": node, **attrs} for node, attrs in sorted(graph.nodes(data=True)) if attrs.get("label") == label]


def _names_along(graph: nx.MultiDiGraph, node: str, rel_type: str) -> list[str]:
    """The names of the nodes that ``node`` points to along ``rel_type``."""
    return [graph.nodes[dst]["name"] for _, dst, d in graph.out_edges(node, data=True) if d["type"] == rel_type]


def _count_into(graph: nx.MultiDiGraph, node: str, rel_type: str, *, from_label: str | None = None) -> int:
    """How many ``rel_type`` relationships point at ``node`` (only from nodes of ``from_label``, if given)."""
    return sum(1 for src, _, d in graph.in_edges(node, data=True)
               if d["type"] == rel_type and (from_label is None or graph.nodes[src]["label"] == from_label))


async def _node(cache: GraphCache, store: GraphStore, node_id: str, label: str) -> Response:
    """One node of ``label``: through the cache when it holds the projection (``GraphCache.records``), else from the store."""

    def found(node: dict[str, Any] | None) -> Response:
        if node is None or node["label"] != label:
            raise HTTPException(status_code=404, detail=f"不存在：{node_id}")
        return json_response(node)

    def from_graph() -> Response:
        return found(cache.record(node_id))  # the graph's own attributes, or the store's (every property) of an enterprise

    return await answer(cache, from_graph, lambda: found(store.get_node(node_id)))


@router.get("/search", response_model=list[dict[str, Any]], summary="按名称子串或统一社会信用代码搜索")
async def search(
    cache: CacheDep, store: StoreDep,
    q: str = Query(..., min_length=1, max_length=100, description="中文名称子串、别名、id 或统一社会信用代码"),
    label: Literal["Enterprise", "Product", "Chain", "Cluster", "Park"] | None = Query(None),
    limit: int = Query(20, ge=1, le=200),
) -> Response:
    """Nodes whose name or an alias contains ``q`` (exact name first), or whose id / credit code is ``q``."""
    labels = [label] if label else None
    return await answer(
        cache, lambda: json_response(lookups.search(cache, q, labels=labels, limit=limit)),
        lambda: json_response(lookups.search_without_waiting(cache, store, q, labels=labels, limit=limit)),
    )


@router.get("/clusters", response_model=Page, responses=FILE_RESPONSES, summary="产业集群")
def clusters(cache: CacheDep, page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery) -> Any:
    graph = cache.graph()
    rows = []
    for cluster in _nodes_of(graph, "Cluster"):
        bases = [f"{graph.nodes[dst]['name']}（{d.get('role', '')}）" for _, dst, d in graph.out_edges(cluster["id"], data=True) if d["type"] == "BASED_IN"]
        rows.append({"id": cluster["id"], "name": cluster["name"], "chains": _names_along(graph, cluster["id"], "CLUSTER_OF"),
                     "bases": bases, "members": _count_into(graph, cluster["id"], "MEMBER_OF")})
    return listing(rows, page=page, size=size, fmt=format, filename="clusters", title="产业集群")


@router.get("/clusters/{cluster_id}", summary="一个产业集群")
async def cluster(cache: CacheDep, store: StoreDep, cluster_id: str = node_id_path()) -> Response:
    return await _node(cache, store, cluster_id, "Cluster")


@router.get("/parks", response_model=Page, responses=FILE_RESPONSES, summary="区县、开发区、平台、园区")
def parks(cache: CacheDep, page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery) -> Any:
    graph = cache.graph()
    rows = []
    for park in _nodes_of(graph, "Park"):
        parents = _names_along(graph, park["id"], "LOCATED_IN")
        firms = _count_into(graph, park["id"], "LOCATED_IN", from_label="Enterprise")
        rows.append({"id": park["id"], "name": park["name"], "kind": park.get("kind"), "within": parents, "enterprises": firms})
    return listing(rows, page=page, size=size, fmt=format, filename="parks", title="区县园区")


@router.get("/parks/{park_id}", summary="一个区县/园区/平台")
async def park(cache: CacheDep, store: StoreDep, park_id: str = node_id_path()) -> Response:
    return await _node(cache, store, park_id, "Park")


@router.get("/products", response_model=Page, responses=FILE_RESPONSES, summary="产品")
def products(
    cache: CacheDep,
    chain: str | None = Query(None, max_length=80, description="产业链 id"),
    page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    graph = cache.graph(chain) if chain else cache.graph()
    rows = [
        {"id": p["id"], "name": p["name"], "segment": p.get("segment"), "stage": p.get("stage"),
         "producers": _count_into(graph, p["id"], "PRODUCES")}
        for p in _nodes_of(graph, "Product")
    ]
    return listing(rows, page=page, size=size, fmt=format, filename="products", title="产品")


@router.get("/products/{product_id}", summary="一个产品")
async def product(cache: CacheDep, store: StoreDep, product_id: str = node_id_path()) -> Response:
    return await _node(cache, store, product_id, "Product")


@router.get("/enterprises", response_model=Page, responses=FILE_RESPONSES, summary="企业（搜索与筛选）")
async def enterprises(
    cache: CacheDep,
    q: str | None = Query(None, max_length=100, description="名称子串或统一社会信用代码"),
    chain: str | None = Query(None, max_length=80), cluster: str | None = Query(None, max_length=80),
    park: str | None = Query(None, max_length=80), district: str | None = Query(None, max_length=40),
    tag: str | None = Query(None, max_length=20, description="企业标签，如 链主、专精特新"),
    local: bool | None = Query(None, description="只看本地（true）或外地（false）企业"),
    country: str | None = Query(None, max_length=40, description="企业所在国家/地区，如 日本"),
    province: str | None = Query(None, max_length=40, description="企业所在省份"),
    year: int | None = Query(None, ge=1900, le=2100, description="该年在名单中（企业或其设施有该年的观测）"),
    site_country: str | None = Query(None, max_length=40, description="有设施（生产基地）位于此国家/地区（给出 year 时为该年的设施）"),
    site_province: str | None = Query(None, max_length=60, description="有设施位于此省份/州"),
    page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    """Enterprises filtered by chain, cluster, park (and the parks inside it), district, tag, locality,
    own country and province, the year listed and the places of their facilities."""
    where = lookups.EnterpriseFilter(q=q, chain=chain, cluster=cluster, park=park, district=district, tag=tag, local=local,
                                     country=country, province=province, year=year, site_country=site_country,
                                     site_province=site_province)
    if format == "json":
        return await answer(cache, lambda: json_response(page_of(lookups.enterprise_rows(cache, where), page=page, size=size)))
    return await run_in_threadpool(  # a whole-list download takes long: never on the event loop
        lambda: listing(lookups.enterprise_rows(cache, where), page=page, size=size, fmt=format, filename="enterprises", title="企业"),
    )


@router.get("/enterprises/{enterprise_id}", summary="一家企业")
async def enterprise(cache: CacheDep, store: StoreDep, enterprise_id: str = node_id_path()) -> Response:
    return await _node(cache, store, enterprise_id, "Enterprise")


@router.get("/nodes/{node_id}/neighbourhood", summary="节点的 k 跳邻域")
async def neighbourhood(
    cache: CacheDep, store: StoreDep, node_id: str = node_id_path(),
    depth: int = Query(1, ge=0, le=4),
    rel_type: list[Literal[tuple(RELATIONSHIP_TYPES)]] | None = Query(None),  # type: ignore[valid-type]
    label: list[Literal[tuple(NODE_LABELS)]] | None = Query(None),  # type: ignore[valid-type]
    direction: Literal["out", "in", "both"] = "both",
    max_nodes: int = Query(500, ge=1, le=5000),
) -> Response:
    """Nodes within ``depth`` hops and the relationships among them."""
    query = NeighbourhoodQuery([node_id], depth, rel_types=rel_type, labels=label, direction=direction, max_nodes=max_nodes)

    def respond(around: Subgraph | None) -> Response:
        if around is None:
            raise HTTPException(status_code=404, detail=f"不存在：{node_id}")
        return json_response({"nodes": around.nodes, "relationships": around.relationships, "truncated": around.truncated})

    def from_graph() -> Response:
        return respond(lookups.neighbourhood_from_graph(cache, query))

    def anyhow() -> Response:
        return respond(lookups.neighbourhood_without_waiting(cache, store, query))

    if depth <= 1 and max_nodes <= SMALL_WALK_NODES:
        return await answer(cache, from_graph, anyhow)
    return await run_in_threadpool(anyhow)  # a deep or wide walk takes long: never on the event loop


@router.get("/enterprises/{enterprise_id}/tiers", summary="上游供应商 / 下游客户分层")
def tiers(
    cache: CacheDep, enterprise_id: str = node_id_path(),
    direction: Literal["upstream", "downstream"] = "upstream",
    depth: int = Query(3, ge=1, le=6),
) -> dict[str, Any]:
    """Suppliers (upstream) or customers (downstream) by tier: tier 1 trades with the firm directly."""
    graph = cache.graph()
    if graph.label_of(enterprise_id) != "Enterprise":
        raise HTTPException(status_code=404, detail=f"企业不存在：{enterprise_id}")
    distance = supply_tiers(graph, enterprise_id, direction, depth)
    by_tier: dict[int, list[dict[str, Any]]] = {}
    for node, tier in sorted(distance.items(), key=lambda item: (item[1], item[0])):
        attrs = graph.nodes[node]
        by_tier.setdefault(tier, []).append({"id": node, "name": attrs.get("name"), "local": attrs.get("local", False)})
    return {"enterprise": enterprise_id, "direction": direction, "tiers": [{"tier": t, "enterprises": by_tier[t]} for t in sorted(by_tier)]}
