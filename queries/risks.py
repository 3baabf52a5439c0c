"""Single points of failure (单点风险) of a chain's supply network, or of the whole graph.

a. Sole sources (``sole_sources``): (local enterprise, input) pairs with exactly one supplier
   (独家供应); inputs that every local buyer gets from one and the same supplier (单一供应商投入);
   required inputs with no known supplier (无已知供应商).
b. Chokepoints (``chokepoints``), respecting supply direction: for a target enterprise M (by default
   each 链主), X is a chokepoint when every supply path from some other upstream supplier into M
   passes through X — X strictly dominates that supplier in the dominator tree of the reversed
   supply network rooted at M. Ranked by how many upstream suppliers depend on X.
c. Structural cut points (``cut_points``): articulation points and bridges of the supply network
   with directions dropped and the links between two enterprises merged into one tie; each with
   the number of enterprises its removal separates.
d. Concentration (``concentration``): per input bought by local firms, the HHI of its supply by
   supplier and by region (province, or country abroad), and the shares sourced outside the
   province and abroad.

``critical_dependencies`` merges a–d into one list for reviewers, each row with a severity
高 / 中 / 低 and its evidence in Chinese. The severity follows the relative impact of the
dependency's failure — the chain's local firms and local revenue that lose a required input,
whether a 链主 is among them, whether a substitute exists in the province or the country
(``queries.impact.SeverityRule``); rows are ordered by severity, then by the share of local revenue hit.

>>> from queries.examples import example_graph
>>> report = critical_dependencies(example_graph(), "chain:ev")
>>> [(record.severity, record.kind, record.enterprise_name) for record in report.records()][:3]
[('高', '独家供应', '南昌汽车（示例）'), ('高', '独家供应', '南昌正极（示例）'), ('高', '桥', '南昌储能电芯（示例）')]

Each table is a sequence of typed records (``DependencyRecord``, ``SoleSourceRecord``, …; ``records()``,
``record_tables()``); ``rows()`` and ``tables()`` label them in Chinese for the edges
(``queries.labels``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.collector import pausing_gc
from queries.fast import Backend, Bridge, CutPoint, cut_structure, iter_upstream_dominator_trees
from queries.formatting import name_list, percent, percent_points, rounded
from queries.impact import HIGH, LOW, MEDIUM, NO_IMPACT, NOT_APPLICABLE, SEVERITIES, Impact, ImpactMeter, SeverityRule
from queries.labels import LabelledReport, Record
from queries.meanings import FOREIGN, HOME_PROVINCE, REST_OF_CHINA, UNKNOWN_PLACE
from queries.view import ChainView, chain_view

__all__ = ["HIGH", "LOW", "MEDIUM", "SEVERITIES", "SeverityRule", "critical_dependencies"]


# -- a. sole sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SoleSource:
    """A local enterprise that gets ``product`` from exactly one supplier."""

    enterprise: str
    product: str
    supplier: str
    required: bool


@dataclass(frozen=True)
class SingleSupplierInput:
    """An input that every local buyer gets from one and the same supplier."""

    product: str
    supplier: str
    buyers: tuple[str, ...]


@dataclass(frozen=True)
class Unsupplied:
    """A required input of a local enterprise with no known supplier."""

    enterprise: str
    product: str


@dataclass(frozen=True)
class SoleSourceRecord(Record):
    """独家供应: a local enterprise's input with one supplier."""

    enterprise_name: str
    enterprise: str
    input_name: str
    product: str
    sole_supplier_name: str
    sole_supplier: str
    required: bool


@dataclass(frozen=True)
class SingleSupplierRecord(Record):
    """单一供应商投入: an input every local buyer gets from the same supplier."""

    input_name: str
    product: str
    sole_supplier_name: str
    sole_supplier: str
    buyer_count: int
    buyer_names: tuple[str, ...]


@dataclass(frozen=True)
class UnsuppliedRecord(Record):
    """无已知供应商: a required input of a local enterprise without a known supplier."""

    enterprise_name: str
    enterprise: str
    required_input_name: str
    product: str


@dataclass(frozen=True)
class SoleSourceReport(LabelledReport[SoleSourceRecord]):
    """独家供应 pairs, 单一供应商投入, 无已知供应商."""

    chain_id: str | None
    pairs: tuple[SoleSource, ...]
    single_supplier_inputs: tuple[SingleSupplierInput, ...]
    unsupplied: tuple[Unsupplied, ...]
    names: Mapping[str, str]

    def _build(self) -> dict[str, Sequence[Record]]:
        """独家供应: one record per (local enterprise, input) pair with one supplier; 单一供应商投入; 无已知供应商."""
        n = self.names
        return {
            "sole_sources": [
                SoleSourceRecord(n[p.enterprise], p.enterprise, n.get(p.product, p.product), p.product,
                                 n[p.supplier], p.supplier, p.required)
                for p in self.pairs
            ],
            "single_supplier_inputs": [
                SingleSupplierRecord(n.get(s.product, s.product), s.product, n[s.supplier], s.supplier,
                                     len(s.buyers), tuple(name_list(n, s.buyers)))
                for s in self.single_supplier_inputs
            ],
            "unsupplied": [
                UnsuppliedRecord(n[u.enterprise], u.enterprise, n.get(u.product, u.product), u.product)
                for u in self.unsupplied
            ],
        }


@pausing_gc
def sole_sources(graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None) -> SoleSourceReport:
    """Sole-source dependencies of the local enterprises of a chain (or of the whole graph).

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str, optional
        None for the whole graph.

    Returns
    -------
    SoleSourceReport
        ``pairs``: (local enterprise, input) with exactly one supplier, where the inputs of an
        enterprise are its required inputs and the products it is supplied with (not a supply
        whose shares leave a part to suppliers not in the data);
        ``single_supplier_inputs``: inputs whose local buyers all buy from the same one supplier;
        ``unsupplied``: required inputs of local enterprises without any supplier.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> report = sole_sources(example_graph(), "chain:ev")
    >>> sorted((p.enterprise, p.product, p.supplier) for p in report.pairs)[:2]
    [('ent:cell2', 'product:cathode', 'ent:sh-cathode'), ('ent:lead', 'product:pack', 'ent:pack')]
    >>> [(u.enterprise, u.product) for u in report.unsupplied]
    [('ent:lead', 'product:motor')]
    """
    view = chain_view(graph, chain_id)
    pairs, unsupplied = [], []
    buyers_of: dict[str, list[str]] = defaultdict(list)
    suppliers_of: dict[str, set[str]] = defaultdict(set)
    unnamed: set[str] = set()
    empty: dict[str, Any] = {}
    supply, required_inputs, unnamed_pairs = view.supply, view.required_inputs, view.unregistered_shares
    for enterprise in view.local_enterprises:
        supplied = supply.get(enterprise, empty)
        required = required_inputs[enterprise]
        for product in sorted(required | supplied.keys()):
            links = supplied.get(product)
            if not links:
                unsupplied.append(Unsupplied(enterprise, product))
                continue
            suppliers = {links[0].supplier} if len(links) == 1 else {link.supplier for link in links}
            partly_unnamed = (enterprise, product) in unnamed_pairs  # other suppliers, not in the data (a share above 0)
            if len(suppliers) == 1 and not partly_unnamed:
                pairs.append(SoleSource(enterprise, product, links[0].supplier, product in required))
            buyers_of[product].append(enterprise)
            suppliers_of[product] |= suppliers
            if partly_unnamed:
                unnamed.add(product)
    single = [
        SingleSupplierInput(product, next(iter(suppliers_of[product])), tuple(sorted(buyers_of[product])))
        for product in sorted(buyers_of)
        if len(suppliers_of[product]) == 1 and product not in unnamed
    ]
    return SoleSourceReport(view.chain_id, tuple(pairs), tuple(single), tuple(unsupplied), _names(view))


# -- b. chokepoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Chokepoint:
    """``enterprise`` lies on every supply path into ``target`` from ``dependents`` upstream suppliers."""

    target: str
    enterprise: str
    dependents: int
    upstream: int

    @property
    def others(self) -> int:
        """The target's upstream suppliers other than the chokepoint itself."""
        return max(self.upstream - 1, 0)

    @property
    def share(self) -> float:
        """Dependents as a share of the other upstream suppliers (all of them depending on it: 100 %)."""
        return self.dependents / self.others if self.others else 0.0


@dataclass(frozen=True)
class ChokepointRecord(Record):
    """卡点: an enterprise on every supply path into a target from some of its upstream suppliers."""

    target_name: str
    target: str
    chokepoint_name: str
    chokepoint: str
    chokepoint_place: str
    dependents: int
    other_upstream: int
    share: float | None


@dataclass(frozen=True)
class ChokepointReport(LabelledReport[ChokepointRecord]):
    """Chokepoints per target, most depended on first."""

    chain_id: str | None
    targets: tuple[str, ...]
    upstream: dict[str, int]
    chokepoints: tuple[Chokepoint, ...]
    names: Mapping[str, str]
    places: Mapping[str, str]
    final_stages: bool = False  # no 链主 in scope: the targets are the final stages

    @property
    def target_note(self) -> str:
        """What the targets are, in Chinese, for the pages (e.g. 无链主 → 最终环节)."""
        if self.final_stages:
            return (f"分析范围内没有链主，卡点以{len(self.targets)}个最终环节（网络中没有下游客户的企业）为目标，"
                    "逐个计算其上游")
        return ""

    def _build(self) -> dict[str, Sequence[Record]]:
        n = self.names
        return {"chokepoints": [
            ChokepointRecord(n[c.target], c.target, n[c.enterprise], c.enterprise, self.places[c.enterprise],
                             c.dependents, c.others, rounded(c.share))
            for c in self.chokepoints
        ]}


@pausing_gc
def chokepoints(
    graph: nx.MultiDiGraph | ChainView,
    chain_id: str | None = None,
    *,
    targets: Iterable[str] | None = None,
    backend: Backend = "igraph",
) -> ChokepointReport:
    """Enterprises that every upstream supply path into a target passes through.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str, optional
        None for the whole graph.
    targets : iterable of str, optional
        Enterprises to protect; default: the chain's 链主 (for the whole graph, every 链主), or —
        when there is none — the final stages: the firms in focus with no customer in the network
        (``final_stages`` true). Each target's dominators are computed on its own upstream.
    backend : {"igraph", "networkx"}
        Same answer; igraph is faster.

    Raises
    ------
    networkx.NodeNotFound
        When a target is not an enterprise of the chain's part of the graph.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> [(c.enterprise, c.dependents, c.upstream) for c in chokepoints(example_graph(), "chain:ev").chokepoints]
    [('ent:cell', 3, 6)]
    """
    view = chain_view(graph, chain_id)
    final = targets is None and not view.leaders
    if targets is not None:
        wanted = sorted(set(targets))
    else:
        wanted = sorted(view.leaders) or final_stages(view)
    for target in wanted:
        if target not in view.attrs:
            raise nx.NodeNotFound(f"{target!r} is not an enterprise of this part of the graph")
    found, upstream = [], {}
    for tree in iter_upstream_dominator_trees(view.network, wanted, backend=backend):
        upstream[tree.root] = len(tree.idom)
        found += [Chokepoint(tree.root, x, n, len(tree.idom)) for x, n in tree.chokepoints().items()]
    found.sort(key=lambda c: (-c.dependents, c.target, c.enterprise))
    return ChokepointReport(view.chain_id, tuple(wanted), upstream, tuple(found), _names(view), _places(view), final)


def final_stages(view: ChainView) -> list[str]:
    """The firms in focus with no customer in the view's network (a stage network's last stages), sorted.

    >>> from queries.examples import example_graph
    >>> final_stages(chain_view(example_graph(), "chain:ev", scope="all"))
    ['ent:cell2', 'ent:gd-motor', 'ent:lead']
    """
    return [e for e in view.local_enterprises if not view.customers.get(e)]


# -- c. cut points --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CutPointRecord(Record):
    """割点: an enterprise whose removal splits its part of the undirected supply network."""

    enterprise_name: str
    enterprise: str
    component_size: int
    parts: int
    separated: int


@dataclass(frozen=True)
class BridgeRecord(Record):
    """桥: a tie between two enterprises whose removal splits their part of the network."""

    first_name: str
    first: str
    second_name: str
    second: str
    first_side: int
    second_side: int
    smaller_side: int


@dataclass(frozen=True)
class CutPointReport(LabelledReport[CutPointRecord]):
    """Articulation points and bridges of the undirected supply network, biggest splits first."""

    chain_id: str | None
    points: tuple[CutPoint, ...]
    bridges: tuple[Bridge, ...]
    names: Mapping[str, str]

    def _build(self) -> dict[str, Sequence[Record]]:
        """割点: one record per articulation point; 桥: one per bridge."""
        n = self.names
        return {
            "cut_points": [
                CutPointRecord(n[p.vertex], p.vertex, p.component_size, len(p.parts), p.separated) for p in self.points
            ],
            "bridges": [
                BridgeRecord(n[b.u], b.u, n[b.v], b.v, b.u_side, b.v_side, b.smaller_side) for b in self.bridges
            ],
        }


@pausing_gc
def cut_points(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, backend: Backend = "igraph"
) -> CutPointReport:
    """Articulation points and bridges of the supply network with directions dropped.

    Two enterprises linked by any SUPPLIES relationship, in either direction and for any number of
    products, are joined by one undirected tie. An articulation point is an enterprise whose
    removal splits its connected part; a bridge is a tie whose removal does.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> report = cut_points(example_graph(), "chain:ev")
    >>> [(p.vertex, p.separated) for p in report.points]
    [('ent:cell', 3), ('ent:lead', 1), ('ent:sh-cathode', 1)]
    >>> [(b.u, b.v, b.smaller_side) for b in report.bridges]
    [('ent:cell2', 'ent:sh-cathode', 1), ('ent:foreign', 'ent:lead', 1)]
    """
    view = chain_view(graph, chain_id)
    points, links = cut_structure(view.network, backend=backend)
    points = sorted(points, key=lambda p: (-p.separated, p.vertex))
    links = sorted(links, key=lambda b: (-b.smaller_side, b.u, b.v))
    return CutPointReport(view.chain_id, tuple(points), tuple(links), _names(view))


# -- d. concentration -------------------------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """How concentrated the local buyers' supply of one input is."""

    product: str
    buyers: int
    supplier_hhi: float
    region_hhi: float
    outside_province_share: float
    abroad_share: float
    top_supplier: str
    top_share: float
    suppliers: int = 1
    unregistered_share: float = 0.0
    top_region: str = ""
    top_region_share: float = 0.0
    buyers_abroad: tuple[tuple[str, float], ...] = ()  # (local buyer, its own share from abroad), largest first


@dataclass(frozen=True)
class ConcentrationRecord(Record):
    """集中度: how concentrated the local buyers' supply of one input is."""

    input_name: str
    product: str
    buyer_count: int
    supplier_hhi: float
    region_hhi: float
    outside_province_share: float
    abroad_share: float
    top_supplier_name: str
    top_supplier_share: float
    suppliers: int
    top_region: str
    top_region_share: float
    unregistered_share: float  # bought from suppliers the data does not name


@dataclass(frozen=True)
class ConcentrationReport(LabelledReport[ConcentrationRecord]):
    """Concentration per input, most concentrated first."""

    chain_id: str | None
    products: tuple[Concentration, ...]
    names: Mapping[str, str]

    def _build(self) -> dict[str, Sequence[Record]]:
        n = self.names
        return {"concentration": [
            ConcentrationRecord(
                n.get(c.product, c.product), c.product, c.buyers, c.supplier_hhi, c.region_hhi,
                c.outside_province_share, c.abroad_share, n[c.top_supplier], c.top_share, c.suppliers,
                c.top_region, c.top_region_share, c.unregistered_share,
            )
            for c in self.products
        ]}


@pausing_gc
def concentration(graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None) -> ConcentrationReport:
    """HHI of each input's supply to local firms, by supplier and by province / country.

    Each local buyer's supply of the input is split among its suppliers (``supply_weights``: by
    ``share``, else ``amount_wan``, else equally) and every buyer counts once, so a supplier's
    share is the mean of its parts. HHI is on the 0–10 000 scale (10 000: one supplier). A part
    bought from suppliers the data does not name (shares under 100 %) is in ``unregistered_share``
    and in no HHI.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> [(c.product, c.supplier_hhi, c.abroad_share) for c in concentration(example_graph(), "chain:ev").products][-1]
    ('product:cell', 6250.0, 0.25)
    """
    view = chain_view(graph, chain_id)
    parts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    buyers: dict[str, int] = defaultdict(int)
    abroad_by_buyer: dict[str, list[tuple[str, float]]] = defaultdict(list)
    supply, supplier_parts, places = view.supply, view.supplier_parts, view.places
    empty: dict[str, Any] = {}
    for enterprise in view.local_enterprises:
        for product in supply.get(enterprise, empty):
            buyers[product] += 1
            abroad = 0.0
            product_parts = parts[product]
            for supplier, weight in supplier_parts(enterprise, product):
                product_parts[supplier] += weight
                if places[supplier] == FOREIGN:  # view.geography
                    abroad += weight
            if abroad > 0:
                abroad_by_buyer[product].append((enterprise, round(abroad, 4)))
    found = []
    for product in sorted(parts):
        count = buyers[product]
        shares = {supplier: weight / count for supplier, weight in parts[product].items()}
        by_region: dict[str, float] = defaultdict(float)
        outside = abroad = 0.0
        for supplier, share in shares.items():
            by_region[view.region(supplier)] += share
            where = view.geography(supplier)
            if where in (REST_OF_CHINA, FOREIGN):  # a place not known is neither inside nor outside
                outside += share
            if where == FOREIGN:
                abroad += share
        top = min(shares, key=lambda supplier: (-shares[supplier], supplier))
        top_region = min(by_region, key=lambda place: (-by_region[place], place))
        found.append(Concentration(
            product=product,
            buyers=count,
            supplier_hhi=round(10000 * sum(s * s for s in shares.values()), 1),
            region_hhi=round(10000 * sum(s * s for s in by_region.values()), 1),
            outside_province_share=round(outside, 4),
            abroad_share=round(abroad, 4),
            top_supplier=top,
            top_share=round(shares[top], 4),
            suppliers=len(shares),
            unregistered_share=max(0.0, round(1.0 - sum(shares.values()), 4)),
            top_region=top_region,
            top_region_share=round(by_region[top_region], 4),
            buyers_abroad=tuple(sorted(abroad_by_buyer[product], key=lambda item: (-item[1], item[0]))),
        ))
    found.sort(key=lambda c: (-c.supplier_hhi, -c.buyers, c.product))
    return ConcentrationReport(view.chain_id, tuple(found), _names(view))


# -- the merged list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CriticalDependency:
    """One row of the reviewers' list."""

    severity: str
    kind: str
    enterprise: str | None
    product: str | None
    related: tuple[str, ...]
    measure: float  # the kind's own figure (dependents of a 卡点, firms a 割点 separates, HHI…), in the evidence
    evidence: str
    impact: Impact = NO_IMPACT
    substitute: str = NOT_APPLICABLE


KINDS = ("独家供应", "单一供应商投入", "卡点", "割点", "桥", "集中度", "无已知供应商")


@dataclass(frozen=True)
class DependencyRecord(Record):
    """关键依赖: one row of the reviewers' list, with the names of the enterprises and input it names."""

    chain_name: str  # the chain whose list it is on (全图: the whole graph's)
    severity: str
    kind: str
    enterprise_name: str | None
    enterprise: str | None
    input_name: str | None
    product: str | None
    related_names: tuple[str, ...]
    local_firms_hit: int
    local_firm_share: float
    local_revenue_hit_yi: float
    local_revenue_share: float
    leaders_hit_names: tuple[str, ...]
    substitute: str
    evidence: str


@dataclass(frozen=True)
class SeverityCountRecord(Record):
    """按产业链和类型汇总: how many dependencies of one type a chain has, by severity."""

    chain_name: str
    kind: str
    high_count: int
    medium_count: int
    low_count: int


@dataclass(frozen=True)
class UnknownPlaceRecord(Record):
    """地点未知: an enterprise whose country (or any place) the data does not know — a data gap,
    counted neither as 境外 nor as 省内."""

    enterprise_name: str
    enterprise: str
    recorded_place: str


@dataclass(frozen=True)
class CriticalReport(LabelledReport[DependencyRecord]):
    """The merged critical-dependency list and the four reports it was built from."""

    chain_id: str | None
    items: tuple[CriticalDependency, ...]
    sole: SoleSourceReport
    choke: ChokepointReport
    cuts: CutPointReport
    concentration: ConcentrationReport
    names: Mapping[str, str]
    chain_name: str = "全图"
    unknown_places: tuple[tuple[str, str], ...] = ()  # (enterprise, the place as recorded)
    scope: str = "local"
    scope_note: str = ""

    def counts(self) -> dict[str, int]:
        """Number of rows per severity."""
        return {severity: sum(1 for item in self.items if item.severity == severity) for severity in SEVERITIES}

    def _build(self) -> dict[str, Sequence[Record]]:
        """关键依赖 (高 first, in the order of ``items``), then the tables of the four reports it was built from."""
        n = self.names
        return {
            "dependencies": [
                DependencyRecord(
                    self.chain_name, item.severity, item.kind, n.get(item.enterprise, item.enterprise) if item.enterprise else None,
                    item.enterprise, n.get(item.product, item.product) if item.product else None, item.product,
                    tuple(n.get(e, e) for e in item.related), len(item.impact.firms), round(item.impact.firm_share, 4),
                    item.impact.revenue_yi, round(item.impact.revenue_share, 4), tuple(n.get(e, e) for e in item.impact.leaders),
                    item.substitute, item.evidence,
                )
                for item in self.items
            ],
            **self.sole.record_tables(),
            **self.choke.record_tables(),
            **self.cuts.record_tables(),
            **self.concentration.record_tables(),
            **({"unknown_places": [
                UnknownPlaceRecord(n.get(e, e), e, place) for e, place in self.unknown_places
            ]} if self.unknown_places else {}),
        }


@dataclass(frozen=True)
class DependencyList(LabelledReport[DependencyRecord]):
    """关键依赖 of several chains as one list (each row names its chain), with 按产业链和类型汇总."""

    chain_id: str | None
    dependencies: tuple[DependencyRecord, ...]
    scope: str = "local"  # the firms in focus the impact columns count

    def _build(self) -> dict[str, Sequence[Record]]:
        """dependencies (main, in the order given), severity_counts: per chain and type, by severity."""
        counts: dict[tuple[str, str], list[int]] = {}
        for record in self.dependencies:
            counts.setdefault((record.chain_name, record.kind), [0, 0, 0])[SEVERITIES.index(record.severity)] += 1
        return {
            "dependencies": self.dependencies,
            "severity_counts": [SeverityCountRecord(chain, kind, *by) for (chain, kind), by in counts.items()],
        }


DEFAULT_RULE = SeverityRule()


@pausing_gc
def critical_dependencies(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, targets: Iterable[str] | None = None,
    backend: Backend = "igraph", severity: SeverityRule = DEFAULT_RULE,
) -> CriticalReport:
    """One list of the chain's critical dependencies (a–d), each with a severity and its evidence.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str, optional
        None for the whole graph.
    targets, backend
        As for ``chokepoints``: the enterprises whose chokepoints to find (default every 链主 in
        scope) and the dominator implementation.
    severity : SeverityRule

    Returns
    -------
    CriticalReport
        ``records()``: severity 严重程度, kind 类型, enterprise 企业, product 产品, related 相关企业,
        the impact of its failure (local firms hit and their share of the chain's local firms, their
        revenue and its share, 链主 hit), 替代来源 and evidence 证据 — 高 first, then by the share of
        local revenue hit; ``record_tables()`` adds the underlying reports.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> critical_dependencies(example_graph(), "chain:ev").counts()
    {'高': 3, '中': 8, '低': 2}
    """
    view = chain_view(graph, chain_id)
    sole = sole_sources(view, chain_id)
    choke = chokepoints(view, chain_id, targets=targets, backend=backend)
    cuts = cut_points(view, chain_id, backend=backend)
    conc = concentration(view, chain_id)
    name, product_name = view.name, view.name
    meter = ImpactMeter(view)
    items: list[CriticalDependency] = []

    focus = "本地" if view.scope == "local" else ""

    def where(enterprise: str) -> str:
        return f"{name(enterprise)}（{view.geography(enterprise)}）"

    def add(kind: str, enterprise: str | None, product: str | None, related: tuple[str, ...], measure: float,
            evidence: str, impact: Impact, substitute: str, *, level: str | None = None, at_least: str = LOW) -> None:
        level = level or severity.level(impact, substitute)
        level = min(level, at_least, key=SEVERITIES.index)
        items.append(CriticalDependency(level, kind, enterprise, product, related, measure, evidence, impact, substitute))

    for pair in sole.pairs:
        needed = "必需投入品" if pair.required else "投入品"
        add("独家供应", pair.enterprise, pair.product, (pair.supplier,), 1,
            f"{name(pair.enterprise)}{'（链主）' if pair.enterprise in view.leaders else ''}的{needed}"
            f"{product_name(pair.product)}仅由{where(pair.supplier)}一家供应",
            meter.buyers_lose((pair.enterprise,), pair.product), meter.substitute(pair.product, excluding=(pair.supplier,)))
    for single in sole.single_supplier_inputs:
        if len(single.buyers) < 2:
            continue
        add("单一供应商投入", single.supplier, single.product, single.buyers, len(single.buyers),
            f"{focus}{len(single.buyers)}家采购企业的{product_name(single.product)}全部来自{where(single.supplier)}",
            meter.buyers_lose(single.buyers, single.product), meter.substitute(single.product, excluding=(single.supplier,)))
    for missing in sole.unsupplied:
        leader = missing.enterprise in view.leaders
        add("无已知供应商", missing.enterprise, missing.product, (), 0,
            f"{name(missing.enterprise)}{'（链主）' if leader else ''}的必需投入品{product_name(missing.product)}"
            "无已知供应商（数据缺失或外购来源不明）",
            NO_IMPACT, meter.substitute(missing.product, excluding=()), level=MEDIUM if leader else LOW)
    for point in choke.chokepoints:
        add("卡点", point.enterprise, None, (point.target,), point.dependents,
            f"{name(point.target)}的其他{point.others}家上游供应商中有{point.dependents}家"
            f"（{percent(point.share)}）的全部供应路径都经过{where(point.enterprise)}",
            meter.supplier_fails(point.enterprise), meter.firm_substitute(point.enterprise))
    for cut in cuts.points:
        add("割点", cut.vertex, None, (), cut.separated,
            f"移除{where(cut.vertex)}后，所在{cut.component_size}家企业的供应网络分成{len(cut.parts)}部分，"
            f"{cut.separated}家企业与主体分离",
            meter.supplier_fails(cut.vertex), meter.firm_substitute(cut.vertex))
    for bridge in cuts.bridges:
        impact = max(meter.link_fails(bridge.u, bridge.v), meter.link_fails(bridge.v, bridge.u),
                     key=lambda found: (found.revenue_share, found.firm_share))
        add("桥", bridge.u, None, (bridge.v,), bridge.smaller_side,
            f"{name(bridge.u)}与{name(bridge.v)}之间的供应联系是唯一通道，断开后{bridge.u_side}家与{bridge.v_side}家企业分离",
            impact, NOT_APPLICABLE)
    for item in conc.products:
        if item.suppliers == 1 and not item.unregistered_share:
            continue
        # one buyer's own dependence on abroad, which the mean over all buyers can hide
        mostly_abroad = [
            buyer for buyer, share in item.buyers_abroad
            if percent_points(share) >= percent_points(severity.abroad_high)
        ]
        abroad = percent_points(item.abroad_share) >= percent_points(severity.abroad_high)  # as shown
        unnamed = f"；另有{percent(item.unregistered_share)}来自未登记的供应商" if item.unregistered_share else ""
        if mostly_abroad:
            shares = dict(item.buyers_abroad)
            unnamed += (
                f"；{len(mostly_abroad)}家{focus}企业的该投入品{percent(severity.abroad_high)}以上来自境外（"
                + "、".join(f"{name(b)}{'（链主）' if b in view.leaders else ''}{percent(shares[b])}" for b in mostly_abroad[:5])
                + ("等" if len(mostly_abroad) > 5 else "") + "）"
            )
        add("集中度", item.top_supplier, item.product, (), item.supplier_hhi,
            f"{product_name(item.product)}供应商HHI {item.supplier_hhi:g}，最大供应商{name(item.top_supplier)}占"
            f"{percent(item.top_share)}；省外采购{percent(item.outside_province_share)}，境外{percent(item.abroad_share)}；"
            f"最大来源地{item.top_region}占{percent(item.top_region_share)}{unnamed}",
            *concentration_failure(meter, item),
            at_least=MEDIUM if abroad or any(b in view.leaders for b in mostly_abroad) else LOW)
    items.sort(key=lambda item: (
        SEVERITIES.index(item.severity), -round(item.impact.revenue_share, 4), -round(item.impact.firm_share, 4),
        KINDS.index(item.kind), -item.measure, item.enterprise or "", item.product or "", item.related,
    ))
    chain_name = view.name(view.chain_id) if view.chain_id else "全图"
    unknown = tuple(
        (e, "、".join(str(v) for v in (view.attrs[e].get("country"), view.attrs[e].get("province")) if v) or "（空）")
        for e in view.enterprises if view.geography(e) == UNKNOWN_PLACE
    )
    return CriticalReport(view.chain_id, tuple(items), sole, choke, cuts, conc, _names(view), chain_name, unknown,
                          view.scope, view.scope_note)


def concentration_failure(meter: ImpactMeter, item: Concentration) -> tuple[Impact, str]:
    """The failure a 集中度 row stands for, with its substitute class: the input's largest source
    region cut off — or, when that region is 江西省 itself (local supply is what the plan wants), its
    largest supplier stopping."""
    if item.top_region == HOME_PROVINCE:
        return meter.supplier_fails(item.top_supplier), meter.substitute(item.product, excluding=(item.top_supplier,))
    region_producers = meter.region_producers(item.product, item.top_region)
    return meter.region_fails(item.product, item.top_region), meter.substitute(item.product, excluding=region_producers)


def _names(view: ChainView) -> Mapping[str, str]:
    return NamesInGraph(view)


class NamesInGraph(Mapping[str, str]):
    """Id → name of the view's enterprises and products, of the products its links name that only
    another chain makes (``ChainView.outside_names``) and of any other node in the chain's part of the
    graph: the same on the whole graph as on the chain's projection.

    >>> from queries.examples import example_graph
    >>> names = NamesInGraph(chain_view(example_graph(), "chain:ev"))
    >>> names.get("product:cell", "product:cell"), "product:rice" in names, "product:nothing" in names
    ('电芯', False, False)
    """

    def __init__(self, view: ChainView) -> None:
        self._view = view

    def __getitem__(self, node_id: str) -> str:
        found = self._view.names.get(node_id)
        if found is not None:
            return found
        if self._view.contains(node_id):  # the chain's part only: a chain's projection names nothing beyond it
            return self._view.name(node_id)
        raise KeyError(node_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._view.names)

    def __len__(self) -> int:
        return len(self._view.names)


def _places(view: ChainView) -> Mapping[str, str]:
    return view.places
