"""The enterprise network page (/chains/{chain_id}/network): a chain's, a 环节's or a product's
producers drawn by ``/static/supply_network.js`` from positions the server computed (no physics).

``?as_of=`` (``app.web.as_of_selector``) draws the network as of that date: the firms and supply
links present then (``app.readmodel.workspace.present_graph``) and the products' statuses of that
date; every link of the page and of the drawing keeps the date. The drawing's data is inside the
page (no separate request), so the date the page says is the date of what it draws.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import AS_OF, CHAIN_ID, chain_or_404
from app.readmodel.graph_cache import dated
from app.readmodel.workspace import STATUS_COLOURS, chain_map_result, gaps, present_graph
from app.web.as_of_selector import page_as_of, state_query
from app.web.panorama import Panorama, chain_panorama
from app.web.supply_network import DEFAULT_LIMIT, SupplyNetwork, choose_scope, legend, supply_network
from app.web.templating import templates

router = APIRouter(include_in_schema=False)
MAX_LIMIT = 5000


@router.get("/chains/{chain_id}/network", response_class=HTMLResponse)
def network_page(
    request: Request, chain_id: str = CHAIN_ID,
    product: str = Query("", max_length=200, description="产品 id：该产品及其直接上下游产品"),
    segment: str = Query("", max_length=60, description="环节名称"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="最多显示的企业数（按营业收入）"),
    as_of: str | None = AS_OF,
) -> HTMLResponse:
    cache = request.app.state.graphs
    chain = chain_or_404(cache, chain_id)
    as_of, as_of_line = page_as_of(request, as_of)
    as_of_query = state_query(None, as_of)

    def compute() -> tuple[SupplyNetwork | None, Panorama]:  # laid out once per revision, date, scope and limit
        panorama = chain_panorama(gaps(cache, chain_id), chain_map_result(cache, chain_id), chain.get("segments") or ())
        graph = present_graph(cache, chain_id)
        scope = choose_scope(graph, panorama, product=product or None, segment=segment or None)
        if scope is None:
            return None, panorama
        return supply_network(graph, chain_id, panorama, scope, limit=limit, status_colours=STATUS_COLOURS,
                              link_query=as_of_query), panorama

    with dated(as_of):
        network, panorama = cache.recent(("supply-network", chain_id, product, segment, limit), compute)
    if network is None:
        what = f"产品不在本链：{product}" if product else f"环节不在本链：{segment}"
        raise HTTPException(status_code=404, detail=what)
    segments = list(dict.fromkeys(box.name for column in panorama.columns for box in column.segments))
    shown = set(network.scope.products)
    return templates.TemplateResponse(request, "network.html", {
        "chain": chain, "network": network, "graph": network.payload(), "segments": segments,
        "legend": legend(STATUS_COLOURS, [tile.status for tile in panorama.tiles if tile.product in shown]),
        "synthetic": network.synthetic, "limit": limit, "default_limit": DEFAULT_LIMIT,
        "as_of": as_of, "as_of_choice": as_of_line, "as_of_query": as_of_query,
    })
