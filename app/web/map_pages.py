"""The 招商地图 (/map) and a district's page (/districts/{name}): server-drawn SVG, no script.

Both take ``?as_of=`` (``app.web.as_of_selector``): the firms counted are those present as of the
date (``app.readmodel.workspace.present_graph``), the statuses those of that date, and every link
between the two pages keeps the date.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import AS_OF
from app.readmodel.graph_cache import dated
from app.readmodel.workspace import gaps, holds_synthetic, ordered_chains, present_graph
from app.web import district_map as dm
from app.web.as_of_selector import page_as_of, state_query
from app.web.investment_map import MAP_NOTE, chain_products, city_map, district_breakdown, local_firms, place_of
from app.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request, chain: str = Query("", max_length=80, pattern=r"^(chain:[a-z0-9-]{1,60})?$", description="产业链 id；空为全部"),
    as_of: str | None = AS_OF,
) -> HTMLResponse:
    cache = request.app.state.graphs
    chains = ordered_chains(cache)
    chosen = next((c for c in chains if c["id"] == chain), None)
    if chain and chosen is None:
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain}")
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        try:
            drawn = cache.memo(("city-map", chain), lambda: city_map(
                present_graph(cache), chain_products(cache.graph(), chain) if chain else None))
        except dm.BoundaryDataMissing:
            drawn = None
    return templates.TemplateResponse(request, "map.html", {
        "chains": chains, "chosen": chosen, "city": drawn, "note": MAP_NOTE,
        "headline": drawn.headline(chosen["name"] if chosen else None) if drawn else "边界数据未安装：请运行 scripts/setup.sh",
        "synthetic": holds_synthetic(cache), "as_of": as_of, "as_of_choice": as_of_line, "as_of_query": state_query(None, as_of),
    })


@router.get("/districts/{name}", response_class=HTMLResponse)
def district_page(request: Request, name: str = Path(min_length=1, max_length=40), as_of: str | None = AS_OF) -> HTMLResponse:
    cache = request.app.state.graphs
    try:
        known = set(dm.nanchang_districts())
    except dm.BoundaryDataMissing:
        known = set()
    if name not in known:
        raise HTTPException(status_code=404, detail=f"区县不存在：{name}")
    as_of, as_of_line = page_as_of(request, as_of)
    chains = ordered_chains(cache)
    with dated(as_of):
        graph = present_graph(cache)
        rows = cache.memo(("district", name), lambda: district_breakdown(
            graph, name, chains, {c["id"]: gaps(cache, c["id"]).products for c in chains}))
        total = cache.memo(("district-firms", name), lambda: sum(1 for firm in local_firms(graph) if place_of(graph, firm)[0] == name))
    present = [row for row in rows if row.firms]
    if present:
        top = max(present, key=lambda row: len(row.firms))
        headline = f"{name}共有本地企业{total}家，涉及{len(present)}条产业链；企业最多的是{top.chain_name}（{len(top.firms)}家）"
    else:
        headline = f"{name}暂无已定位的本地企业"
    return templates.TemplateResponse(request, "district.html", {
        "name": name, "headline": headline, "rows": rows, "note": MAP_NOTE,
        "synthetic": holds_synthetic(cache), "as_of": as_of, "as_of_choice": as_of_line, "as_of_query": state_query(None, as_of),
    })
