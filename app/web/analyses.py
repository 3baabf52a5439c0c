"""Workspace pages for the analyses: candidates, recruit-to-de-risk, critical dependencies, disruption."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import AS_OF, CHAIN_ID
from app.readmodel import risk_list
from app.readmodel.graph_cache import GraphCache, dated
from app.readmodel.lists import Place, disruption_choices, place_choices, place_name
from app.readmodel.lookups import name_and_code, search
from app.readmodel.preparing import prepared_page
from app.readmodel.risk_list import RiskQuery
from app.readmodel.workspace import candidates, critical, holds_synthetic, ordered_chains, scoped_view
from app.security.deps import require
from app.web.as_of_selector import page_as_of, state_query
from app.web.scope_selector import SCOPE_PATTERN, scope_choice
from app.web.templating import templates
from queries.candidates import RecruitFigureRecord
from queries.formatting import percent, percent_points
from queries.labels import focus_labels

viewer = APIRouter(include_in_schema=False, dependencies=[require("viewer", page=True)])
reviewer = APIRouter(include_in_schema=False, dependencies=[require("reviewer", page=True)])


def _synthetic(graph: nx.MultiDiGraph, ids: Any) -> bool:
    return any(graph.nodes[node].get("synthetic") for node in ids if node in graph)


def _chain_with_product(cache: GraphCache, chain_id: str, product: str) -> nx.MultiDiGraph:
    """The chain's projection; a 404 when there is no such chain or the product is not on it."""
    graph = cache.graph(chain_id)
    if chain_id not in graph:
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain_id}")
    if product not in graph:
        raise HTTPException(status_code=404, detail=_product_missing(cache, chain_id, product))
    return graph


def _product_missing(cache: Any, chain_id: str, product: str) -> str:
    """Why a product is not on a chain's page: it is another chain's, or there is no such product."""
    whole = cache.graph()
    if product in whole:
        return f"产品“{whole.nodes[product].get('name', product)}”不属于产业链“{whole.nodes[chain_id].get('name', chain_id)}”"
    return f"产品不存在：{product}"


@viewer.get("/chains/{chain_id}/candidates", response_class=HTMLResponse)
def candidates_page(
    request: Request, chain_id: str = CHAIN_ID,
    product: str = Query(..., pattern=r"^product:[A-Za-z0-9_.-]{1,100}$"), as_of: str | None = AS_OF,
) -> HTMLResponse:
    cache = request.app.state.graphs
    graph = _chain_with_product(cache, chain_id, product)
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        report = candidates(cache, chain_id, product)
        rows = report.records()
        return templates.TemplateResponse(request, "candidates.html", {
            "chain": {"id": chain_id, **graph.nodes[chain_id]}, "product": {"id": product, **graph.nodes[product]},
            "rows": rows, "tables": report.record_tables(), "synthetic": _synthetic(graph, [r.enterprise for r in rows]),
            "as_of_choice": as_of_line, "state_query": state_query(None, as_of),
        })


@viewer.get("/chains/{chain_id}/recruit", response_class=HTMLResponse)
def recruit_page(
    request: Request, chain_id: str = CHAIN_ID,
    product: str = Query(..., pattern=r"^product:[A-Za-z0-9_.-]{1,100}$"),
    candidate: str = Query(..., min_length=1, max_length=200), as_of: str | None = AS_OF,
) -> HTMLResponse:
    from queries.candidates import recruit_to_derisk

    cache = request.app.state.graphs
    graph = _chain_with_product(cache, chain_id, product)
    if candidate not in cache.graph():
        raise HTTPException(status_code=404, detail=f"企业不存在：{candidate}")
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        try:
            result = recruit_to_derisk(cache.view(chain_id), chain_id, product, candidate)
        except (nx.NodeNotFound, ValueError) as exc:
            raise HTTPException(status_code=422, detail=f"无法推演：{exc}") from None
    return templates.TemplateResponse(request, "recruit.html", {
        "chain": {"id": chain_id, **graph.nodes[chain_id]}, "product": {"id": product, **graph.nodes[product]},
        "candidate": {"id": candidate, **cache.graph().nodes[candidate]},
        "tables": {**result.record_tables(), "effects": [_as_percent(record) for record in result.records()]},
        "synthetic": _synthetic(cache.graph(), [candidate]),
        "as_of_choice": as_of_line, "state_query": state_query(None, as_of),
    })


RATIO_FIGURES = ("本地配套率", "完整度", "韧性")  # shares 0–1, shown as % like on the other pages


def _as_percent(record: RecruitFigureRecord) -> RecruitFigureRecord:
    """A recruit figure with shares as percentages and their change in percentage points.

    >>> _as_percent(RecruitFigureRecord("韧性", 0.6817, 0.7, 0.0183))
    RecruitFigureRecord(figure='韧性', before_recruit='68.2%', after_recruit='70.0%', change='+1.8 个百分点')
    >>> _as_percent(RecruitFigureRecord("本地配套率", 0.0318, 0.4274, 0.3956)).change
    '+39.5 个百分点'
    """
    if record.figure not in RATIO_FIGURES:
        return record
    before, after = record.before_recruit, record.after_recruit
    shown = {field: percent(value) for field, value in (("before_recruit", before), ("after_recruit", after)) if isinstance(value, float)}
    if isinstance(before, float) and isinstance(after, float):
        # the change of the figures as shown, so 3.2% → 42.7% reads +39.5, not the exact +39.6
        shown["change"] = f"{percent_points(after) - percent_points(before):+.1f} 个百分点"
    return dataclasses.replace(record, **shown)


SEVERITIES = ("高", "中", "低")  # queries.risks.SEVERITIES, without importing the analyses at start-up
FormChain = Query(None, pattern=r"^(chain:[a-z0-9-]{1,60})?$", description="产业链 id；空为全图（表单的“全图”选项）")


@reviewer.get("/risks", response_class=HTMLResponse)
@prepared_page
def risks_page(
    request: Request,
    chain: str | None = FormChain,
    severity: str | None = Query(None, pattern="^(高|中|低)?$"),
    kind: str | None = Query(None, max_length=20),
    sort: str = Query("severity", pattern="^(severity|revenue|firms)$"),
    district: str | None = Query(None, max_length=60),
    park: str | None = Query(None, pattern=r"^(park:[A-Za-z0-9_.-]{1,100})?$"),
    page: int = Query(1, ge=1, le=100_000),
    scope: str | None = Query(None, pattern=SCOPE_PATTERN), as_of: str | None = AS_OF,
) -> HTMLResponse:
    from queries.risks import DEFAULT_RULE, KINDS

    cache = request.app.state.graphs
    query = RiskQuery(chain or None, severity or None, kind or None, sort, district or None, park or None, scope or None)
    if query.chain is not None and query.chain not in cache.graph():
        raise HTTPException(status_code=404, detail=f"产业链不存在：{query.chain}")
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        listed = risk_list.page_of(cache, query, page)
        place = Place(query.district, query.park)
        filters = {name: value for name, value in (
            ("chain", query.chain), ("district", query.district), ("park", query.park), ("severity", query.severity), ("kind", query.kind),
            ("scope", query.scope), ("as_of", as_of)) if value}
        listed_chains = [item["id"] or None for item in risk_list.chains_in(cache, query.chain)]
        views = [scoped_view(cache, chain_id, query.scope) for chain_id in listed_chains]
        notes = [critical(cache, chain_id, query.scope).choke.target_note for chain_id in listed_chains]
        focus = risk_list.focus(cache, query)
        return templates.TemplateResponse(request, "risks.html", {
            "scope_choice": scope_choice(request.url, focus, next((v.scope_note for v in views if v.scope_note), "")),
            "labels": focus_labels(focus), "as_of_choice": as_of_line, "as_of": as_of,
            "target_note": next((note for note in notes if note), ""),
            "risk_query": query, "listed": listed, "summaries": risk_list.summaries(cache, query.chain, place, query.scope),
            "place_choices": place_choices(cache), "place_name": place_name(cache, place),
            "place_query": "".join(f"&{urlencode({k: v})}" for k, v in (
                ("district", query.district), ("park", query.park), ("scope", query.scope), ("as_of", as_of)) if v),
            "chains": ordered_chains(cache), "kinds": KINDS, "severities": SEVERITIES, "sorts": risk_list.sort_names(focus),
            "rule": DEFAULT_RULE, "page_query": lambda number: urlencode(filters | {"sort": sort, "page": number}),
            "sort_query": lambda order: urlencode(filters | {"sort": order}),
            "export_query": urlencode(filters | {"scope": focus, "sort": sort, "format": "xlsx", "table": "all"}),
            "synthetic": _synthetic(cache.graph(), [r.enterprise for g in listed.groups for r in g.rows]),
        })


@reviewer.get("/disruption", response_class=HTMLResponse)
def disruption_page(
    request: Request,
    chain: str | None = FormChain,
    enterprise: list[str] = Query([], max_length=50), park: list[str] = Query([], max_length=20),
    district: list[str] = Query([], max_length=20), province: list[str] = Query([], max_length=20),
    country: list[str] = Query([], max_length=20), partial: bool = False,
    focus: str | None = Query(None, alias="scope", pattern=SCOPE_PATTERN), as_of: str | None = AS_OF,
) -> HTMLResponse:
    from queries.disruption import DisruptionScope, simulate_disruption

    chain = chain or None
    focus = focus or None
    selected = {"enterprise": enterprise, "park": park, "district": district, "province": province, "country": country}
    cache = request.app.state.graphs
    choices = disruption_choices(cache)
    enterprises = tuple(enterprise_by_name_or_id(cache, e.strip()) for e in enterprise if e.strip())
    scope = DisruptionScope(enterprises=enterprises, parks=tuple(p for p in park if p),
                            districts=tuple(d for d in district if d), provinces=tuple(p for p in province if p),
                            countries=tuple(c for c in country if c))
    as_of, as_of_line = page_as_of(request, as_of)
    result = None
    with dated(as_of):
        view = scoped_view(cache, chain, focus)
        if scope.describe() != "（空）":
            try:
                result = simulate_disruption(view, scope, chain, partial=partial)
            except nx.NodeNotFound as exc:  # its message names what is not there, in Chinese
                raise HTTPException(status_code=422, detail=f"无法推演：{exc}") from None
            except ValueError as exc:
                raise HTTPException(status_code=422, detail=f"无法推演：{exc}") from None
    return templates.TemplateResponse(request, "disruption.html", {
        "scope_choice": scope_choice(request.url, view.scope, view.scope_note), "focus": focus,
        "labels": focus_labels(view.scope), "as_of_choice": as_of_line, "as_of": as_of,
        "choices": choices, "chains": ordered_chains(cache), "chain": chain, "partial": partial,
        "selected": selected,
        "scope": scope.describe(), "result": result, "tables": result.record_tables() if result else {},
        "export_query": urlencode(
            [("chain", chain)] * bool(chain) + [(name, value) for name, values in selected.items() for value in values if value]
            + [("partial", "true")] * partial + [("scope", view.scope), *[("as_of", as_of)] * bool(as_of), ("format", "xlsx"), ("table", "all")]
        ),
        "synthetic": holds_synthetic(cache),
    })


def enterprise_by_name_or_id(cache: GraphCache, text: str) -> str:
    """The enterprise ``text`` names: its id or credit code, its full name, or the one name containing it.

    Looked up in the cache's name index (the search box's). Raises HTTPException 422 (in Chinese)
    when no enterprise or several match.
    """
    graph = cache.graph()
    if graph.label_of(text) == "Enterprise":
        return text
    found = search(cache, text, labels=["Enterprise"], limit=len(graph), records=name_and_code(cache))
    named = [node for node in found if text in str(node.get("name") or "") or node.get("credit_code") == text]
    exact = [node for node in named if node.get("name") == text or node.get("credit_code") == text]
    if len(exact) == 1:
        return str(exact[0]["id"])
    if not exact and len(named) == 1:
        return str(named[0]["id"])
    if not named:
        raise HTTPException(status_code=422, detail=f"找不到企业“{text}”：请输入企业全称、部分名称或统一社会信用代码")
    names = sorted(str(node.get("name") or node["id"]) for node in exact or named)
    raise HTTPException(status_code=422, detail=(
        f"“{text}”对应 {len(names)} 家企业：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}；"
        "请写得更完整，或使用统一社会信用代码"))
