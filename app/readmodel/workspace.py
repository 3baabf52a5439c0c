"""What the workspace pages compute: analyses run on the cached projections, memoised per revision.

Each function takes the app's GraphCache and returns data for a template: the analyses' typed
records (``queries.labels``), labelled only where a page or a download shows them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.readmodel.graph_cache import GraphCache, current_as_of, dated

if TYPE_CHECKING:
    from queries.indices import IndexRecord
    from queries.risks import DependencyRecord

STATUS_COLOURS = {"缺链": "#d62728", "弱链": "#ff9f1c", "延链": "#9467bd", "强链": "#2ca02c"}


def ordered_chains(cache: GraphCache) -> list[dict[str, Any]]:
    """The chains in the plan's order, read from the graph's chain nodes alone (its ``Chain`` range),
    not a walk over every node: pages call it several times a request.

    >>> from queries.compact import CompactGraph
    >>> graph = CompactGraph.from_records([{"id": "chain:b", "label": "Chain", "name": "乙", "plan_order": 2},
    ...     {"id": "ent:x", "label": "Enterprise", "name": "某企业"},
    ...     {"id": "chain:a", "label": "Chain", "name": "甲", "plan_order": 1}], [])
    >>> [chain["name"] for chain in ordered_chains(type("Cache", (), {"graph": lambda self: graph})())]
    ['甲', '乙']
    """
    graph = cache.graph()
    start, stop = graph.label_range("Chain")
    chains = [{"id": node, **graph.nodes[node]} for node in graph.ids[start:stop]]
    return sorted(chains, key=lambda chain: (chain.get("plan_order") or 99, chain["id"]))


def scoped_view(cache: GraphCache, chain_id: str | None, scope: str | None = None) -> Any:
    """The cached view of the chain with the firms in focus ``scope`` (None: local, or all when the
    chain has no local firm — ``queries.view.with_scope``)."""
    from queries.view import with_scope

    return cache.memo(("view", chain_id, scope), lambda: with_scope(cache.view(chain_id), scope))


def present_graph(cache: GraphCache, chain_id: str | None = None) -> Any:
    """The projection of the chain (None: the whole graph) with only what is present as of the date
    ``dated`` set (``queries.present``: enterprises, facilities and supply links of the lists that
    hold then); made once per revision and date (a graph of its own when anything is absent)."""
    from queries.present import absent_as_of, present_as_of

    graph = cache.graph(chain_id)
    as_of = current_as_of()
    return cache.memo(("present", chain_id), lambda: present_as_of(graph, as_of, absent_as_of(graph, as_of)))


def gaps(cache: GraphCache, chain_id: str | None, scope: str | None = None) -> Any:
    from queries.gaps import gap_report

    return cache.memo(("gaps", chain_id, scope), lambda: gap_report(scoped_view(cache, chain_id, scope), chain_id))


def critical(cache: GraphCache, chain_id: str | None, scope: str | None = None) -> Any:
    from queries.risks import critical_dependencies

    return cache.memo(("risks", chain_id, scope), lambda: critical_dependencies(scoped_view(cache, chain_id, scope), chain_id))


def candidates(cache: GraphCache, chain_id: str, product: str) -> Any:
    """Recruitment candidates for one product of a chain (the candidates page's memo, shared)."""
    from queries.candidates import recruitment_candidates

    return cache.memo(("candidates", chain_id, product), lambda: recruitment_candidates(cache.view(chain_id), chain_id, product))


def index_records(cache: GraphCache, chain_id: str | None = None) -> tuple[IndexRecord, ...]:
    from queries.indices import indices

    return cache.memo(("indices", chain_id), lambda: indices(cache.view(chain_id), chain_id).records())


def chain_map_result(cache: GraphCache, chain_id: str, scope: str | None = None) -> Any:
    from queries.chain_map import chain_map

    return cache.memo(("chain_map", chain_id, scope), lambda: chain_map(scoped_view(cache, chain_id, scope), chain_id))


@dataclass(frozen=True)
class DataDates:
    """The dates the data knows: ``observed``, every date a record was seen in a list (``seen`` on
    supply links, enterprises and facilities: the yearly lists), and ``latest``, the latest of those
    and of the dates supply links carry (``as_of``), or None when nothing is dated."""

    observed: tuple[str, ...]
    latest: str | None


def data_dates(cache: GraphCache) -> DataDates:
    """``DataDates`` of the store, once per revision (the same whatever date a page asks for)."""

    def compute() -> DataDates:
        graph = cache.graph()
        seen: set[str] = set()
        dated: set[str] = set()
        for _, attrs in graph.nodes(data=True):
            seen.update(str(date)[:10] for date in attrs.get("seen") or ())
        for _, _, attrs in graph.edges(data=True):
            seen.update(str(date)[:10] for date in attrs.get("seen") or ())
            if attrs.get("type") == "SUPPLIES" and attrs.get("as_of"):
                dated.add(str(attrs["as_of"])[:10])
        observed = tuple(sorted(seen))
        return DataDates(observed, max(seen | dated, default=None))

    with dated(None):
        return cache.memo(("data-dates",), compute)


def supply_calendars(cache: GraphCache) -> Any:
    """The calendars of the lists the whole graph's supply links were seen in (``queries.observations``)."""
    from queries.view import supply_calendars as calendars

    with dated(None):
        return cache.memo(("supply-calendars",), lambda: calendars(cache.graph()))


def overview(cache: GraphCache, *, with_risks: bool) -> dict[str, Any]:
    """Dashboard figures: per chain revenue vs target, indices, gap counts and (for reviewers) risks."""
    rows = []
    for chain in ordered_chains(cache):
        chain_id = chain["id"]
        index = next((record for record in index_records(cache, chain_id) if record.level == "产业链" and record.node == chain_id), None)
        statuses = Counter(product.status for product in gaps(cache, chain_id).products)
        row = {"chain": chain, "index": index, "gaps": statuses}
        if with_risks:
            row["risks"] = critical(cache, chain_id).counts()
        rows.append(row)
    groups = sorted((record for record in index_records(cache) if record.level in ("集群", "园区")),
                    key=lambda record: (record.chain or "", -(record.local_enterprise_count or 0), record.node))
    return {
        "chains": rows,
        "clusters": [record for record in groups if record.level == "集群"],
        "parks": [record for record in groups if record.level == "园区"],
    }


TREND_POINTS = 8


def resilience_trend(cache: GraphCache) -> list[tuple[str, list[tuple[str, float | None]]]]:
    """Each chain's resilience (韧性) as of each date its SUPPLIES links carry (the last ``TREND_POINTS``;
    inside ``graph_cache.dated(D)`` the dates up to D).

    The graph as of a date keeps the links dated on or before it (``queries.view.chain_view``); the
    enterprises and their revenue stay as they are now. Empty when the data has fewer than two dates.
    """
    from queries.indices import group_indices
    from queries.view import chain_view

    until = current_as_of()

    def compute() -> list[tuple[str, list[tuple[str, float | None]]]]:
        graph = cache.graph()
        dates = sorted({str(d["as_of"])[:10] for _, _, d in graph.edges(data=True) if d.get("type") == "SUPPLIES" and d.get("as_of")})
        dates = [date for date in dates if until is None or date <= until]  # as of a date: the trend up to it
        if len(dates) < 2:
            return []
        dates = dates[-TREND_POINTS:]
        series = []
        for chain in ordered_chains(cache):
            whole = cache.view(chain["id"])
            points = []
            for date in dates:
                view = chain_view(whole, chain["id"], as_of=date)
                points.append((date, group_indices(view, view.local_enterprises).resilience))
            series.append((str(chain.get("name") or ""), points))
        return series

    return cache.memo(("resilience-trend",), compute)


def holds_synthetic(cache: GraphCache) -> bool:
    """Whether the graph holds synthetic demo data (the pages then say 示例数据（虚构）); once per revision."""
    return cache.memo(("holds-synthetic",), lambda: any(attrs.get("synthetic") for _, attrs in cache.graph().nodes(data=True)))


def product_statuses(cache: GraphCache, chain_id: str) -> dict[str, str]:
    """Gap status of every product of the chain."""
    return {product.product: product.status for product in gaps(cache, chain_id).products}


SEVERITY_COLOURS = {"风险高": "#d62728", "风险中": "#ff9f1c", "风险低": "#7f7f7f"}
_SEVERITY_RANK = {"高": 0, "中": 1, "低": 2}


@dataclass(frozen=True)
class EnterpriseRisk:
    """A critical dependency an enterprise takes part in: in which chain, as 主体 or 相关."""

    chain_name: str
    role: str
    dependency: DependencyRecord


def enterprise_risks(cache: GraphCache, enterprise_id: str) -> list[EnterpriseRisk]:
    """Critical dependencies of every chain the enterprise is part of, where it is the subject
    or one of the related enterprises."""
    risks = []
    for chain in ordered_chains(cache):
        if enterprise_id not in cache.graph(chain["id"]):
            continue
        report = critical(cache, chain["id"])
        for item, record in zip(report.items, report.records(), strict=True):
            if item.enterprise == enterprise_id or enterprise_id in item.related:
                risks.append(EnterpriseRisk(chain["name"], "主体" if item.enterprise == enterprise_id else "相关", record))
    return sorted(risks, key=lambda risk: (_SEVERITY_RANK.get(risk.dependency.severity, 9), risk.chain_name, risk.dependency.kind))


def risk_status(risks: list[EnterpriseRisk]) -> dict[str, str]:
    """The highest severity each enterprise of ``risks`` is the subject of, for colouring a graph view."""
    status: dict[str, str] = {}
    for risk in risks:
        node, severity = risk.dependency.enterprise, risk.dependency.severity
        if node and _SEVERITY_RANK[severity] < _SEVERITY_RANK.get(status.get(node, ""), 9):
            status[node] = severity
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
        index_records(cache, chain["id"])
        critical(cache, chain["id"])
    index_records(cache)
