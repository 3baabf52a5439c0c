"""Indices (指数) per chain, and per cluster and park within each chain.

For a group of local enterprises (a chain's local firms, a cluster's local members, the chain's
local firms located in a park or in a park it contains):

- completeness 完整度: the share of the chain's products that a firm of the group produces;
- resilience 韧性: the share of the group's (firm, input) pairs with two or more suppliers
  (inputs: required inputs and supplied products, as in ``coverage``);
- concentration 集中度: the mean, over those pairs with at least one supplier, of the HHI of the
  firm's supply of the input (0–10 000; 10 000 = a single supplier);
- revenue 营收: the group's ``revenue_yi``; for a chain also against its 2026 target.

>>> from queries.examples import example_graph
>>> report = indices(example_graph(), "chain:ev")
>>> [(record.level, record.name, record.completeness, record.resilience) for record in report.records()][:2]
[('产业链', '新能源汽车', 0.5714, 0.2857), ('集群', '新能源汽车产业集群', 0.2857, 0.25)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from queries.chain_map import DEFAULT_BASE_YEAR, TargetProgress, target_progress
from queries.collector import pausing_gc
from queries.formatting import rounded
from queries.labels import LabelledReport, Record
from queries.meanings import supply_weights
from queries.memberships import chain_ids
from queries.places import holding
from queries.view import ChainView, chain_view


@dataclass(frozen=True)
class GroupIndex:
    """The indices of one group of local enterprises."""

    enterprises: int
    completeness: float | None
    resilience: float | None
    concentration: float | None
    revenue_yi: float


def group_indices(view: ChainView, enterprises: Iterable[str]) -> GroupIndex:
    """Completeness, resilience, concentration and revenue of the local firms among ``enterprises``.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph(), "chain:ev")
    >>> group_indices(view, ["ent:cell", "ent:pack"])
    GroupIndex(enterprises=2, completeness=0.2857, resilience=0.5, concentration=7900.0, revenue_yi=50.0)
    """
    group = sorted({e for e in enterprises if e in view.attrs and view.is_local(e)})
    members = set(group)
    made = sum(1 for p in view.products if members & view.producers.get(p, frozenset()))
    pairs = resilient = 0
    hhis = []
    for enterprise in group:
        for product in view.inputs_of(enterprise):
            pairs += 1
            links = view.supply_links(enterprise, product)
            unnamed = view.unregistered_share(enterprise, product)  # suppliers not in the data: at least one more
            if len({link.supplier for link in links}) >= 2 or unnamed:
                resilient += 1
            if links:  # among the named suppliers: 10 000 when there is one
                weights = supply_weights(links).values()
                total = sum(weights)
                hhis.append(10000 * sum((w / total) ** 2 for w in weights))
    return GroupIndex(
        enterprises=len(group),
        completeness=rounded(made / len(view.products)) if view.products else None,
        resilience=rounded(resilient / pairs) if pairs else None,
        concentration=round(sum(hhis) / len(hhis), 1) if hhis else None,
        revenue_yi=round(sum(view.revenue(e) for e in group), 4),
    )


@dataclass(frozen=True)
class IndexRow:
    """One chain, cluster or park with its indices (``target`` only for chains)."""

    level: str
    node: str
    name: str
    chain_id: str
    index: GroupIndex
    target: TargetProgress | None


@dataclass(frozen=True)
class IndexRecord(Record):
    """指数: one chain, cluster or park with its indices and, for a chain, its 2026 target."""

    level: str
    node: str
    name: str
    chain: str
    local_enterprise_count: int
    completeness: float | None
    resilience: float | None
    concentration_hhi: float | None
    local_revenue_yi: float
    target_yi: float | None
    completion: float | None
    growth_needed: float | None


@dataclass(frozen=True)
class IndexReport(LabelledReport[IndexRecord]):
    """Indices for each chain asked for, followed by its clusters and parks."""

    items: tuple[IndexRow, ...]
    scope: str = "local"  # the firms in focus: "all" when every chain's view counts every firm

    def _build(self) -> dict[str, Sequence[Record]]:
        return {"indices": [
            IndexRecord(
                r.level, r.node, r.name, r.chain_id, r.index.enterprises, r.index.completeness, r.index.resilience,
                r.index.concentration, r.index.revenue_yi, r.target.target_yi if r.target else None,
                r.target.completion if r.target else None, r.target.growth_needed if r.target else None,
            )
            for r in self.items
        ]}


@pausing_gc
def indices(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, base_year: int = DEFAULT_BASE_YEAR
) -> IndexReport:
    """Completeness, resilience, concentration and revenue per chain, cluster and park.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str or None
        One chain; None (the default) for every chain in the graph.
    base_year : int
        The year of the revenue figures, for the growth still needed to reach the 2026 target.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> [record.node for record in indices(example_graph()).records()]
    ['chain:ev', 'cluster:ev', 'park:ev', 'park:gaoxin', 'park:xiaolan', 'chain:food']
    """
    wanted = [chain_id] if chain_id is not None else chain_ids(graph)
    rows: list[IndexRow] = []
    scopes = set()
    for chain in wanted:
        view = chain_view(graph, chain)
        scopes.add(view.scope)
        rows.append(IndexRow(
            "产业链", chain, view.name(chain), chain, group_indices(view, view.local_enterprises),
            target_progress(sum(view.revenue(e) for e in view.local_enterprises),
                            view.chain_attrs.get("target_2026_yi"), base_year),
        ))
        for cluster, members in sorted(_clusters(view).items()):
            rows.append(IndexRow("集群", cluster, view.name(cluster), chain, group_indices(view, members), None))
        for park, members in sorted(_parks(view).items()):
            rows.append(IndexRow("园区", park, view.name(park), chain, group_indices(view, members), None))
    return IndexReport(tuple(rows), "all" if scopes == {"all"} else "local")


def _clusters(view: ChainView) -> dict[str, set[str]]:
    graph = view.graph
    found: dict[str, set[str]] = {}
    for cluster, edges in graph.pred[view.chain_id].items():
        if any(d.get("type") == "CLUSTER_OF" for d in edges.values()):
            found[cluster] = {
                member
                for member, member_edges in graph.pred[cluster].items()
                if member in view.attrs and any(d.get("type") == "MEMBER_OF" for d in member_edges.values())
            }
    return found


def _parks(view: ChainView) -> dict[str, set[str]]:
    """Each park that holds a local enterprise (directly or through a park inside it) → those enterprises."""
    found: dict[str, set[str]] = defaultdict(set)
    for enterprise in view.local_enterprises:
        if enterprise in view.graph:
            for park in holding(view.graph, enterprise):
                found[park].add(enterprise)
    return dict(found)
