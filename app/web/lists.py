"""The 清单 pages: an index of the four lists and the 重点企业清单, 缺链补链清单 and 招商目标清单
(the 关键依赖清单 is /risks). Filters live in the URL, 50 rows a page, an Excel link per list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import AS_OF
from app.readmodel import lists
from app.readmodel.graph_cache import GraphCache, dated
from app.readmodel.workspace import holds_synthetic, ordered_chains
from app.security.deps import require
from app.web.as_of_selector import page_as_of, state_query
from app.web.templating import templates
from queries.lists import EFFECT_TOP, KEY_KINDS, KIND_RULES, LIST_STATUSES, TARGET_SORTS

router = APIRouter(include_in_schema=False, dependencies=[require("viewer", page=True)])

FormChain = Query(None, pattern=r"^(chain:[a-z0-9-]{1,60})?$")
FormDistrict = Query(None, max_length=60)
FormPark = Query(None, pattern=r"^(park:[A-Za-z0-9_.-]{1,100})?$")
PageNumber = Query(1, ge=1, le=100_000)
STATUSES = LIST_STATUSES


def _context(request: Request, chain: str | None, district: str | None, park: str | None, as_of: str | None,
             **own: Any) -> dict[str, Any]:
    """What every list page shows around its table: the filters, the place and chain by name, the
    date the data is as of, links (pages and the Excel download keep the filters and the date)."""
    cache: GraphCache = request.app.state.graphs
    chain, district, park = chain or None, district or None, park or None
    if chain is not None and chain not in cache.graph():
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain}")
    as_of, as_of_line = page_as_of(request, as_of)
    place = lists.Place(district, park)
    chains = ordered_chains(cache)
    filters = [(name, value) for name, value in (("chain", chain), ("district", district), ("park", park), ("as_of", as_of)) if value]
    for name, value in own.items():
        filters += [(name, item) for item in value] if isinstance(value, (list, tuple)) else [(name, value)] if value else []
    return {
        "as_of": as_of, "as_of_choice": as_of_line,
        "chain": chain, "district": district, "park": park, "place": place, "chains": chains,
        "chain_name": next((str(c.get("name")) for c in chains if c["id"] == chain), None),
        "place_name": lists.place_name(cache, place), "choices": lists.place_choices(cache),
        "page_query": lambda number: urlencode([*filters, ("page", number)]),
        "export_query": urlencode([*filters, ("format", "xlsx"), ("table", "all")]),
        "synthetic": holds_synthetic(cache), "cache": cache,
    }


@router.get("/lists", response_class=HTMLResponse)
def lists_index(request: Request, as_of: str | None = AS_OF) -> HTMLResponse:
    cache: GraphCache = request.app.state.graphs
    place = lists.Place()
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        gap_list = lists.gap_list(cache, None, place, tuple(STATUSES[:3]))
        return templates.TemplateResponse(request, "lists_index.html", {
            "key_count": len(lists.key_enterprises(cache, None, place, None).records()),
            "missing": gap_list.total("缺链"), "weak": gap_list.total("弱链"), "extension": gap_list.total("延链"),
            "chain_count": len(ordered_chains(cache)), "synthetic": holds_synthetic(cache),
            "as_of_choice": as_of_line, "as_of_query": state_query(None, as_of),
        })


@router.get("/lists/key-enterprises", response_class=HTMLResponse)
def key_enterprises_page(
    request: Request, chain: str | None = FormChain, district: str | None = FormDistrict, park: str | None = FormPark,
    kind: str | None = Query(None, pattern="^(链主|专精特新|小巨人|单项冠军|上市|规上)?$"), page: int = PageNumber,
    as_of: str | None = AS_OF,
) -> HTMLResponse:
    context = _context(request, chain, district, park, as_of, kind=kind)
    with dated(context["as_of"]):
        result = lists.key_enterprises(context["cache"], context["chain"], context["place"], kind or None)
    return templates.TemplateResponse(request, "list_key_enterprises.html", {
        **context, "kind": kind or None, "kinds": KEY_KINDS, "counts": dict(result.kind_totals),
        "listed": lists.page_of(result.records(), page), "kind_rules": KIND_RULES,
    })


@router.get("/lists/gaps", response_class=HTMLResponse)
def gap_list_page(
    request: Request, chain: str | None = FormChain, district: str | None = FormDistrict, park: str | None = FormPark,
    status: list[str] = Query([], max_length=4), page: int = PageNumber, as_of: str | None = AS_OF,
) -> HTMLResponse:
    chosen = tuple(s for s in STATUSES if s in status) or STATUSES[:3]
    context = _context(request, chain, district, park, as_of, status=[s for s in chosen] if status else [])
    with dated(context["as_of"]):
        result = lists.gap_list(context["cache"], context["chain"], context["place"], chosen)
    return templates.TemplateResponse(request, "list_gaps.html", {
        **context, "statuses": STATUSES, "chosen": chosen, "counts": result.chain_totals,
        "totals": {s: result.total(s) for s in STATUSES}, "listed": lists.page_of(result.records(), page),
        "chain_ids": {str(c.get("name")): c["id"] for c in context["chains"]},
    })


@router.get("/lists/targets", response_class=HTMLResponse)
def target_list_page(
    request: Request, chain: str | None = FormChain, district: str | None = FormDistrict, park: str | None = FormPark,
    sort: str = Query("score", pattern="^(score|gap)$"), page: int = PageNumber, as_of: str | None = AS_OF,
) -> HTMLResponse:
    context = _context(request, chain, district, park, as_of, sort=sort if sort != "score" else None)
    with dated(context["as_of"]):
        result = lists.target_list(context["cache"], context["chain"], context["place"], sort)
    records = result.records()
    return templates.TemplateResponse(request, "list_targets.html", {
        **context, "sort": sort, "sorts": TARGET_SORTS, "summary": result.summary,
        "product_count": len({(r.chain_name, r.product) for r in records}),
        "firm_count": len({r.enterprise for r in records}),
        "listed": lists.page_of(records, page), "effect_top": EFFECT_TOP,
    })
