"""Browser pages in Chinese, server-rendered with Jinja2; graphs drawn with pyvis + vis-network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import AS_OF, CHAIN_ID, StoreDep, chain_or_404
from app.readmodel import workspace
from app.readmodel.graph_cache import dated
from app.readmodel.lookups import neighbourhood_without_waiting, search_without_waiting, supply_records
from app.readmodel.preparing import prepared_page
from app.readmodel.workspace import SEVERITY_COLOURS, STATUS_COLOURS, chain_map_result, enterprise_risks, gaps, overview, risk_status
from app.security.tokens import role_allows
from app.web.as_of_selector import page_as_of, state_query
from app.web.charts import dashboard_charts
from app.web.enterprise_view import memberships, shared_source, supply_relations, supply_tiers, tier_graph
from app.web.graph_view import KIND_STYLE, graph_payload
from app.web.panorama import chain_panorama
from app.web.scope_selector import SCOPE_PATTERN, scope_choice
from app.web.templating import templates
from queries.chain_map import DEFAULT_BASE_YEAR
from queries.labels import focus_labels
from queries.observations import is_present
from queries.sites import sites_of, year_summary, years_of
from stores.base import NeighbourhoodQuery, build_graph

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, store: StoreDep, as_of: str | None = AS_OF) -> HTMLResponse:
    with_risks = role_allows(request.state.role, "reviewer")
    cache = request.app.state.graphs
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        data = {**overview(cache, with_risks=with_risks), "with_risks": with_risks}
        chain_names = {row["chain"]["id"]: row["chain"]["name"] for row in data["chains"]}
        synthetic = workspace.holds_synthetic(cache)
        charts = dashboard_charts(data["chains"], base_year=DEFAULT_BASE_YEAR, colours=STATUS_COLOURS, trend=workspace.resilience_trend(cache))
        return templates.TemplateResponse(request, "index.html", {
            "overview": data, "chain_names": chain_names, "counts": store.counts(), "synthetic": synthetic, "charts": charts,
            "base_year": DEFAULT_BASE_YEAR, "as_of_choice": as_of_line, "state_query": state_query(None, as_of),
        })


@router.get("/chains/{chain_id}", response_class=HTMLResponse)
@prepared_page
def chain_page(
    request: Request, chain_id: str = CHAIN_ID, scope: str | None = Query(None, pattern=SCOPE_PATTERN),
    as_of: str | None = AS_OF,
) -> HTMLResponse:
    cache = request.app.state.graphs
    chain = chain_or_404(cache, chain_id)
    as_of, as_of_line = page_as_of(request, as_of)
    synthetic = cache.memo(("chain-synthetic", chain_id),
                           lambda: any(attrs.get("synthetic") for _, attrs in cache.graph(chain_id).nodes(data=True)))
    scope = scope or None
    with dated(as_of):
        report = gaps(cache, chain_id, scope)
        view = workspace.scoped_view(cache, chain_id, scope)
        chain_map = chain_map_result(cache, chain_id, scope)
        summary = chain_map.record_tables().get("summary") or (None,)
        return templates.TemplateResponse(
            request, "chain.html",
            {"chain": chain, "synthetic": synthetic, "gaps": report.records(), "rule": report.rule, "summary": summary[0],
             "scope_choice": scope_choice(request.url, view.scope, view.scope_note), "labels": focus_labels(view.scope),
             "as_of_choice": as_of_line, "state_query": state_query(view.scope, as_of),
             "as_of_query": state_query(None, as_of),
             "panorama": chain_panorama(report, chain_map, chain.get("segments") or ())},
        )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, store: StoreDep, q: str = Query("", max_length=100)) -> HTMLResponse:
    results = search_without_waiting(request.app.state.graphs, store, q, limit=100) if q.strip() else []
    return templates.TemplateResponse(
        request, "search.html",
        {"query": q, "results": results, "kinds": KIND_STYLE, "synthetic": any(r.get("synthetic") for r in results)},
    )


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(
    request: Request, enterprise_id: str = Path(min_length=1, max_length=200),
    depth: int = Query(2, ge=1, le=4, description="上下游层级"), as_of: str | None = AS_OF,
) -> HTMLResponse:
    cache = request.app.state.graphs
    graph = cache.graph()
    if graph.label_of(enterprise_id) != "Enterprise":
        raise HTTPException(status_code=404, detail=f"企业不存在：{enterprise_id}")
    as_of, as_of_line = page_as_of(request, as_of)
    calendars = workspace.supply_calendars(cache)

    def present(link: Mapping[str, Any]) -> bool:  # the links present as of the date (the latest list)
        return is_present(link, as_of, calendars)

    node = cache.record(enterprise_id) or {"id": enterprise_id, **graph.nodes[enterprise_id]}  # every property, from the store
    view = tier_graph(graph, enterprise_id, depth, present)
    with dated(as_of):
        risks = enterprise_risks(cache, enterprise_id) if role_allows(request.state.role, "reviewer") else None
    payload = graph_payload(view, physics_limit=0, status=risk_status(risks or []), status_colours=SEVERITY_COLOURS)
    relations = supply_relations(graph, enterprise_id, present, supply_records(cache, enterprise_id))
    sites = sites_of(graph, enterprise_id, as_of=as_of)
    return templates.TemplateResponse(
        request, "enterprise.html",
        {"node": node, "graph": payload, "kinds": KIND_STYLE, "depth": depth, "risks": risks,
         "relations": relations, "shared_source": shared_source(relations), "member": memberships(graph, enterprise_id),
         "sites": sites, "site_years": year_summary(sites), "as_of": as_of,
         "listed_years": years_of(node), "as_of_choice": as_of_line, "state_query": state_query(None, as_of),
         "upstream": supply_tiers(graph, enterprise_id, "upstream", depth, present),
         "downstream": supply_tiers(graph, enterprise_id, "downstream", depth, present),
         "synthetic": bool(node.get("synthetic")) or any(view.nodes[n].get("synthetic") for n in view)},
    )


@router.get("/nodes/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, store: StoreDep, node_id: str = Path(max_length=200)) -> HTMLResponse:
    around = neighbourhood_without_waiting(request.app.state.graphs, store, NeighbourhoodQuery([node_id], 1, max_nodes=300))
    if around is None:
        raise HTTPException(status_code=404, detail=f"节点不存在：{node_id}")
    node = next(found for found in around.nodes if found["id"] == node_id)
    graph = build_graph(around.nodes, around.relationships)
    return templates.TemplateResponse(
        request, "node.html",
        {"node": node, "graph": graph_payload(graph), "kinds": KIND_STYLE,
         "synthetic": bool(node.get("synthetic")) or any(n.get("synthetic") for n in around.nodes),
         "neighbours": sorted(around.nodes, key=lambda n: (n["label"], n["id"]))},
    )
