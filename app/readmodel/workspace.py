"""What the workspace pages compute: analyses run on the cached projections, memoised per revision.

Each function takes the app's GraphCache and returns plain data for a template.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.readmodel.graph_cache import GraphCache

STATUS_COLOURS = {"缺链": "#d62728", "弱链": "#ff9f1c", "延链": "#9467bd", "强链": "#2ca02c"}


def ordered_chains(cache: GraphCache) -> list[dict[str, Any]]:
    """The chains in the plan's order."""
    graph = cache.graph()
    chains = [{"id": node, **attrs} for node, attrs in graph.nodes(data=True) if attrs.get("label") == "Chain"]
    return sorted(chains, key=lambda chain: (chain.get("plan_order") or 99, chain["id"]))


def gaps(cache: GraphCache, chain_id: str) -> Any:
    from queries.gaps import gap_report

    return cache.memo(("gaps", chain_id), lambda: gap_report(cache.view(chain_id), chain_id))


def critical(cache: GraphCache, chain_id: str | None) -> Any:
    from queries.risks import critical_dependencies

    return cache.memo(("risks", chain_id), lambda: critical_dependencies(cache.view(chain_id), chain_id))


def index_rows(cache: GraphCache, chain_id: str | None = None) -> list[dict[str, Any]]:
    from queries.indices import indices

    return cache.memo(("indices", chain_id), lambda: indices(cache.view(chain_id), chain_id).rows())


def chain_map_result(cache: GraphCache, chain_id: str) -> Any:
    from queries.chain_map import chain_map

    return cache.memo(("chain_map", chain_id), lambda: chain_map(cache.view(chain_id), chain_id))


def overview(cache: GraphCache, *, with_risks: bool) -> dict[str, Any]:
    """Dashboard figures: per chain revenue vs target, indices, gap counts and (for reviewers) risks."""
    rows = []
    for chain in ordered_chains(cache):
        chain_id = chain["id"]
        index = next((row for row in index_rows(cache, chain_id) if row["层级"] == "产业链" and row["ID"] == chain_id), {})
        statuses = Counter(product.status for product in gaps(cache, chain_id).products)
        row = {"chain": chain, "index": index, "gaps": statuses}
        if with_risks:
            row["risks"] = critical(cache, chain_id).counts()
        rows.append(row)
    groups = sorted((row for row in index_rows(cache) if row["层级"] in ("集群", "园区")),
                    key=lambda row: (row["产业链"] or "", -(row["本地企业数"] or 0), row["ID"]))
    return {
        "chains": rows,
        "clusters": [row for row in groups if row["层级"] == "集群"],
        "parks": [row for row in groups if row["层级"] == "园区"],
    }


def product_statuses(cache: GraphCache, chain_id: str) -> dict[str, str]:
    """Gap status of every product of the chain."""
    return {product.product: product.status for product in gaps(cache, chain_id).products}


SEVERITY_COLOURS = {"风险高": "#d62728", "风险中": "#ff9f1c", "风险低": "#7f7f7f"}
_SEVERITY_RANK = {"高": 0, "中": 1, "低": 2}


def enterprise_risks(cache: GraphCache, enterprise_id: str) -> list[dict[str, Any]]:
    """Critical-dependency rows of every chain the enterprise is part of, where it is the subject
    or one of the related enterprises."""
    rows = []
    for chain in ordered_chains(cache):
        if enterprise_id not in cache.graph(chain["id"]):
            continue
        report = critical(cache, chain["id"])
        for item, row in zip(report.items, report.rows()):
            if item.enterprise == enterprise_id or enterprise_id in item.related:
                rows.append({"产业链": chain["name"], "角色": "主体" if item.enterprise == enterprise_id else "相关", **row})
    return sorted(rows, key=lambda row: (_SEVERITY_RANK.get(row["严重程度"], 9), row["产业链"], row["类型"]))


def risk_status(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The highest severity each enterprise of ``rows`` takes part in, for colouring a graph view."""
    status: dict[str, str] = {}
    for row in rows:
        node = row.get("企业ID")
        if node and _SEVERITY_RANK[row["严重程度"]] < _SEVERITY_RANK.get(status.get(node, ""), 9):
            status[node] = row["严重程度"]
    return {node: f"风险{level}" for node, level in status.items()}


def warm(cache: GraphCache) -> None:
    """Compute what the lookups, the dashboard and the chain pages need, so the first visitor does not
    wait for it.

    Run in a background thread at start-up by ``chainatlas serve``; a change to the store later
    simply makes the next request compute afresh.
    """
    from app.readmodel.lookups import EnterpriseFilter, enterprise_rows, name_indexes

    name_indexes(cache)
    enterprise_rows(cache, EnterpriseFilter())
    for chain in ordered_chains(cache):
        chain_map_result(cache, chain["id"])
        gaps(cache, chain["id"])
        index_rows(cache, chain["id"])
        critical(cache, chain["id"])
    index_rows(cache)
