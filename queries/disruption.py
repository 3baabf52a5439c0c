"""Disruption impact (断供冲击): take enterprises out and follow the loss along supply relations.

The removed set is chosen by enterprise ids, parks (the enterprises located in the park or in any
park it contains), districts (the enterprises' ``district``, and those located in the district's
区县 / 开发区 node), provinces or countries (the enterprises' ``province``, ``country``); a name
that matches no enterprise is an error, not an empty selection. From there the loss spreads to a
fixed point:

- an enterprise loses an input when every known supplier of that input to it is down, unless its
  shares leave a part to suppliers the data does not name (``ChainView.unregistered_share``);
- it is disrupted (down) when it loses a required input (an INPUT_TO predecessor of a product it
  makes; for a firm whose products define none, the own output of each supplier linked to it
  without a product — ``ChainView.required_inputs``). Inputs without any known supplier are never
  lost — nothing is known to fail.

The partial mode also reports, for every enterprise still up, the share of each input's supply
that comes from enterprises that are down (``supply_weights``).

Reported: removed and disrupted enterprises by chain and cluster, revenue at risk (the sum of
their ``revenue_yi``), and the products that no longer have a local producer.

>>> from queries.examples import example_graph
>>> result = simulate_disruption(example_graph(), DisruptionScope(enterprises=("ent:cell",)), "chain:ev")
>>> sorted(result.disrupted), result.revenue_at_risk
(['ent:lead', 'ent:pack'], 350.0)
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.collector import pausing_gc
from queries.labels import LabelledReport, Record, labelled
from queries.meanings import OWN_OUTPUT
from queries.memberships import memberships
from queries.places import located_in
from queries.view import ChainView, chain_view


@dataclass(frozen=True)
class DisruptionScope:
    """What is taken out: any mix of enterprise ids, park ids, district, province and country names.

    >>> DisruptionScope(parks=("park:xiaolan",), countries=("韩国",)).describe()
    '园区 park:xiaolan；国家/地区 韩国'
    """

    enterprises: tuple[str, ...] = ()
    parks: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The selection in Chinese; enterprises and parks by name where ``names`` has them.

        >>> DisruptionScope(enterprises=("ent:a",), countries=("韩国",)).describe({"ent:a": "甲公司"})
        '企业 甲公司；国家/地区 韩国'
        """
        names = names or {}
        parts = [
            (label, [names.get(value, value) for value in values])
            for label, values in (
                ("企业", self.enterprises), ("园区", self.parks), ("区县", self.districts),
                ("省份", self.provinces), ("国家/地区", self.countries),
            )
            if values
        ]
        return "；".join(f"{label} {'、'.join(values)}" for label, values in parts) or "（空）"


def select_enterprises(graph: nx.MultiDiGraph | ChainView, scope: DisruptionScope, chain_id: str | None = None) -> frozenset[str]:
    """The enterprises of the chain's part of the graph (or of the whole graph) that ``scope`` names.

    A district takes the enterprises whose ``district`` it is and those located in its 区县 or
    开发区 node, with every park inside it (南昌县 takes 小蓝经开区's enterprises too).

    Raises
    ------
    networkx.NodeNotFound
        When an enterprise or park id is not in the chain's part of the graph (or in the graph),
        or names a node of another kind; when a district, province or country name matches no
        enterprise there (the message gives the closest known names, e.g. 广东省 for 广东).

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> sorted(select_enterprises(example_graph(), DisruptionScope(parks=("park:xiaolan",))))
    ['ent:cell', 'ent:lead', 'ent:pack']
    >>> sorted(select_enterprises(example_graph(), DisruptionScope(districts=("青山湖区",), countries=("韩国",))))
    ['ent:foreign', 'ent:local-cathode']
    >>> select_enterprises(example_graph(), DisruptionScope(provinces=("上海",)))
    Traceback (most recent call last):
    networkx.exception.NodeNotFound: 图谱中没有所在省份为“上海”的企业；相近的有：上海市
    """
    view = chain_view(graph, chain_id)
    where = f"产业链“{view.name(view.chain_id)}”" if view.chain_id else "图谱"
    chosen: set[str] = set()
    for enterprise in scope.enterprises:  # only the view's own: the same answer on a chain's projection
        if enterprise not in view.attrs:
            raise nx.NodeNotFound(f"企业“{_name_in(view, enterprise)}”不在{where}中")
        chosen.add(enterprise)
    for park in scope.parks:
        if not view.contains(park) or view.graph.nodes[park].get("label") != "Park":
            raise nx.NodeNotFound(f"园区“{_name_in(view, park)}”不在{where}中")
        chosen |= located_in(view.graph, park)
    district_nodes = _district_nodes(view) if scope.districts else {}
    for field_name, label, values in (
        ("district", "区县", scope.districts), ("province", "省份", scope.provinces), ("country", "国家/地区", scope.countries),
    ):
        if not values:
            continue
        known: dict[str, set[str]] = defaultdict(set)
        for enterprise, attrs in view.attrs.items():
            known[attrs.get(field_name) or ("中国" if field_name == "country" else "")].add(enterprise)
        known.pop("", None)
        for value in values:
            nodes = district_nodes.get(value, ()) if field_name == "district" else ()
            if value not in known and not nodes:
                close = difflib.get_close_matches(value, sorted({*known, *district_nodes}), n=3, cutoff=0.3)
                raise nx.NodeNotFound(
                    f"{where}中没有所在{label}为“{value}”的企业"
                    + (f"；相近的有：{'、'.join(close)}" if close else "")
                )
            chosen |= known.get(value, set())
            for node in nodes:  # the district's 区县 / 开发区 node and every park inside it
                chosen |= located_in(view.graph, node)
    return frozenset(e for e in chosen if e in view.attrs)


def _name_in(view: ChainView, node: str) -> str:
    """The node's name where the graph has it (e.g. a firm outside the chain), else its id."""
    attrs = view.graph.nodes[node] if node in view.graph else {}
    return f"{attrs['name']}（{node}）" if attrs.get("name") else node


def _district_nodes(view: ChainView) -> dict[str, list[str]]:
    """District and development-zone names → their Park nodes in the view's graph."""
    found: dict[str, list[str]] = defaultdict(list)
    for node, attrs in view.graph.nodes(data=True):
        if attrs.get("label") == "Park" and attrs.get("kind") in ("区县", "开发区") and view.contains(node):
            found[str(attrs.get("name", node))].append(node)
    return found


def propagate(view: ChainView, removed: Iterable[str]) -> dict[str, frozenset[str]]:
    """The fixed point of the loss: every enterprise that ends up down, with the required inputs it lost.

    Removed enterprises map to an empty set. Runs in time linear in the number of links out of
    the enterprises that go down: each (customer, input) pair reached counts its links still up.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph(), "chain:ev")
    >>> down = propagate(view, ["ent:cell"])
    >>> down
    {'ent:cell': frozenset(), 'ent:lead': frozenset({'product:pack'}), 'ent:pack': frozenset({'product:cell'})}
    >>> sorted(propagate(view, ["ent:jx-mine"])) == sorted(naive_propagate(view, ["ent:jx-mine"]))
    True
    """
    removed = set(removed)
    lost: dict[str, set[str]] = {e: set() for e in removed}
    return {e: frozenset(lost[e]) for e in sorted(_fall(view, removed, lost))}


def firms_down(view: ChainView, removed: Iterable[str]) -> tuple[str, ...]:
    """The enterprises that end up down once ``removed`` are (``propagate``'s keys, sorted), without
    what each lost.

    >>> from queries.examples import example_graph
    >>> firms_down(chain_view(example_graph(), "chain:ev"), ["ent:cell"])
    ('ent:cell', 'ent:lead', 'ent:pack')
    """
    return tuple(sorted(_fall(view, set(removed), None)))


def _fall(view: ChainView, removed: set[str], lost: dict[str, set[str]] | None) -> set[str]:
    """``propagate``'s fixed point: the firms down, ``removed`` included; with ``lost`` (removed → an
    empty set), each other firm's lost required inputs added to it. The fixed point does not depend on
    the order the firms are taken in (a pair's count of links still up ends the same)."""
    down = set(removed)
    up_links: dict[tuple[str, str], int] = {}  # links still up, per (customer, input) reached so far
    supply, customers, required, no_required = view.supply, view.customers, view.required_inputs, frozenset[str]()
    unnamed, get_left = view.unregistered_shares, up_links.get
    queue = list(removed)
    while queue:
        for link in customers.get(queue.pop(), ()):
            customer = link.customer
            product = link.product or OWN_OUTPUT + link.supplier  # input_key
            pair = (customer, product)
            left = get_left(pair)
            left = up_links[pair] = (len(supply[customer][product]) if left is None else left) - 1
            if left or product not in required.get(customer, no_required):
                continue
            if pair in unnamed:  # unregistered_share above 0: suppliers not in the data go on
                continue
            if customer not in down:
                down.add(customer)
                queue.append(customer)
                if lost is not None:
                    lost[customer] = {product}
            elif lost is not None and customer not in removed:
                lost[customer].add(product)
    return down


@dataclass(frozen=True)
class PartialLoss:
    """The share of ``enterprise``'s supply of ``product`` that comes from enterprises that are down."""

    enterprise: str
    product: str
    lost_share: float
    required: bool


@dataclass(frozen=True)
class AffectedRecord(Record):
    """受影响企业: an enterprise that is down, removed or disrupted, with what it lost."""

    enterprise_name: str
    enterprise: str
    geography: str | None
    status: str
    lost_required_names: tuple[str, ...]
    revenue_yi: float
    chain_names: tuple[str, ...]
    cluster_names: tuple[str, ...]


@dataclass(frozen=True)
class DisruptionSummaryRecord(Record):
    """概要: the impact on Nanchang first — local firms down and their revenue, 链主 hit, products no
    longer made locally — then what was taken out, its own revenue reported apart."""

    scope: str
    chain: str | None
    local_firms_hit: int  # local firms removed or disrupted
    local_revenue_at_risk: float
    share_of_local_revenue: float  # of the scope's local revenue
    leaders_hit_names: tuple[str, ...]
    lost_product_names: tuple[str, ...]  # the products whose every local producer is down
    local_disrupted_count: int
    outside_disrupted_count: int
    removed_count: int
    removed_revenue: float  # the removed firms' own revenue, local or not: not an impact on Nanchang


@dataclass(frozen=True)
class ChainImpactRecord(Record):
    """按产业链: the local firms down in one chain and their revenue, then everything taken out or down."""

    chain_name: str
    chain_id: str
    local_firms_hit: int
    local_revenue_at_risk: float
    removed_count: int
    disrupted_count: int


@dataclass(frozen=True)
class LeaderImpactRecord(Record):
    """按链主: how each 链主 in scope fares — 移除, 连锁中断, 失去部分投入品 or 未受影响."""

    leader_name: str
    enterprise: str
    chain_names: tuple[str, ...]
    status: str
    lost_required_names: tuple[str, ...]
    lost_input_names: tuple[str, ...]
    revenue_yi: float


@dataclass(frozen=True)
class ClusterImpactRecord(Record):
    """按集群: the enterprises down in one cluster and their revenue."""

    cluster_name: str
    cluster_id: str
    removed_count: int
    disrupted_count: int
    revenue_at_risk: float


@dataclass(frozen=True)
class LostProductRecord(Record):
    """本地断供产品: a product whose every local producer is down."""

    product: str
    product_name: str


@dataclass(frozen=True)
class LostInputsRecord(Record):
    """失去的其他投入品: an enterprise still up that lost inputs it does not require."""

    enterprise_name: str
    enterprise: str
    lost_input_names: tuple[str, ...]  # every known supplier of each is down


@dataclass(frozen=True)
class PartialLossRecord(Record):
    """部分损失: the share of an enterprise's supply of an input that comes from enterprises down."""

    enterprise_name: str
    enterprise: str
    input_name: str
    product: str
    lost_share: float
    required: bool


@dataclass(frozen=True)
class DisruptionResult(LabelledReport[DisruptionSummaryRecord]):
    """What a disruption takes down, where, and what it costs — locally first."""

    chain_id: str | None
    scope: DisruptionScope
    removed: tuple[str, ...]
    disrupted: dict[str, tuple[str, ...]]
    lost_inputs: dict[str, tuple[str, ...]]
    revenue_at_risk: float  # every firm down, removed ones included
    local_revenue_at_risk: float  # the local firms down
    local_revenue_total: float  # every local firm in scope
    removed_revenue: float  # the removed firms' own revenue
    by_chain: tuple[tuple[str, int, float, int, int], ...]  # chain, local down, local revenue, removed, disrupted
    by_cluster: tuple[tuple[str, int, int, float], ...]
    leaders: tuple[tuple[str, tuple[str, ...]], ...]  # every 链主 in scope, with its chains
    products_lost_locally: tuple[str, ...]
    partial: tuple[PartialLoss, ...] | None
    names: dict[str, str]
    places: dict[str, str]
    revenue: dict[str, float]
    members: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    local: frozenset[str] = frozenset()  # the local firms among those down
    focus: str = "local"  # the firms in focus (queries.view scope): local / all
    focus_note: str = ""  # why ``all`` was chosen, when it was chosen for the user

    @property
    def down(self) -> tuple[str, ...]:
        """Removed and disrupted enterprises, sorted."""
        return tuple(sorted({*self.removed, *self.disrupted}))

    def _affected(self) -> list[AffectedRecord]:
        """受影响企业: one record per enterprise that is down, local ones first, then by revenue."""
        n = self.names
        found = []
        ordered = sorted(self.down, key=lambda e: (e not in self.local, e in self.removed, -self.revenue.get(e, 0.0), e))
        for enterprise in ordered:
            chains, clusters = self.members.get(enterprise, ((), ()))
            found.append(AffectedRecord(
                n.get(enterprise, enterprise), enterprise, self.places.get(enterprise),
                "移除" if enterprise in self.removed else "连锁中断",
                tuple(n.get(p, p) for p in self.disrupted.get(enterprise, ())), self.revenue.get(enterprise, 0.0),
                tuple(n.get(c, c) for c in chains), tuple(n.get(k, k) for k in clusters),
            ))
        return found

    def leader_records(self) -> list[LeaderImpactRecord]:
        """按链主: every 链主 in scope, the ones hit first."""
        n, removed = self.names, set(self.removed)
        found = []
        for leader, chains in self.leaders:
            status = (
                "移除" if leader in removed else "连锁中断" if leader in self.disrupted
                else "失去部分投入品" if leader in self.lost_inputs else "未受影响"
            )
            found.append(LeaderImpactRecord(
                n.get(leader, leader), leader, tuple(n.get(c, c) for c in chains), status,
                tuple(n.get(p, p) for p in self.disrupted.get(leader, ())),
                tuple(n.get(p, p) for p in self.lost_inputs.get(leader, ())), self.revenue.get(leader, 0.0),
            ))
        order = ("移除", "连锁中断", "失去部分投入品", "未受影响")
        return sorted(found, key=lambda r: (order.index(r.status), -r.revenue_yi, r.enterprise))

    def summary_records(self) -> list[DisruptionSummaryRecord]:
        n = self.names
        local_removed = sum(1 for e in self.removed if e in self.local)
        local_disrupted = len(self.local) - local_removed
        return [DisruptionSummaryRecord(
            self.scope.describe(n), n.get(self.chain_id, self.chain_id) if self.chain_id else None,
            len(self.local), self.local_revenue_at_risk,
            round(self.local_revenue_at_risk / self.local_revenue_total, 4) if self.local_revenue_total else 0.0,
            tuple(r.leader_name for r in self.leader_records() if r.status in ("移除", "连锁中断")),
            tuple(n.get(p, p) for p in self.products_lost_locally), local_disrupted,
            len(self.disrupted) - local_disrupted, len(self.removed), self.removed_revenue,
        )]

    def summary_rows(self) -> list[dict[str, Any]]:
        """``summary_records()`` labelled."""
        return labelled(self.summary_records())

    def _build(self) -> dict[str, Sequence[Record]]:
        """summary (main: the impact on Nanchang), by_chain, by_leader, lost_products, lost_inputs, affected,
        by_cluster, partial_losses (partial) — the order of the page, the API, the CLI and Excel."""
        n = self.names
        tables: dict[str, Sequence[Record]] = {
            "summary": self.summary_records(),
            "by_chain": [ChainImpactRecord(n.get(c, c), c, local, revenue, r, d) for c, local, revenue, r, d in self.by_chain],
            "by_leader": self.leader_records(),
            "lost_products": [LostProductRecord(p, n.get(p, p)) for p in self.products_lost_locally],
            "lost_inputs": [
                LostInputsRecord(n.get(e, e), e, tuple(n.get(p, p) for p in products))
                for e, products in self.lost_inputs.items()
            ],
            "affected": self._affected(),
            "by_cluster": [ClusterImpactRecord(n.get(k, k), k, r, d, v) for k, r, d, v in self.by_cluster],
        }
        if self.partial is not None:
            tables["partial_losses"] = [
                PartialLossRecord(n.get(p.enterprise, p.enterprise), p.enterprise, n.get(p.product, p.product),
                                  p.product, p.lost_share, p.required)
                for p in self.partial
            ]
        return tables


@pausing_gc
def simulate_disruption(
    graph: nx.MultiDiGraph | ChainView,
    scope: DisruptionScope,
    chain_id: str | None = None,
    *,
    partial: bool = False,
) -> DisruptionResult:
    """Remove the enterprises ``scope`` names and propagate the loss to a fixed point.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    scope : DisruptionScope
    chain_id : str, optional
        Restrict the simulation to one chain's part of the graph; None for the whole graph.
    partial : bool
        Also report the share of supply lost for enterprises that stay up.

    Returns
    -------
    DisruptionResult
        ``records()``: the enterprises that are down; ``record_tables()``: also summary 概要, by_chain
        按产业链, by_cluster 按集群, lost_products 本地断供产品, lost_inputs 失去的其他投入品 and (partial)
        partial_losses 部分损失.

    Raises
    ------
    networkx.NodeNotFound
        When an enterprise or park id is not in the chain's part of the graph (or in the graph),
        or names a node of another kind.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> result = simulate_disruption(example_graph(), DisruptionScope(countries=("韩国",)), "chain:ev", partial=True)
    >>> result.disrupted, [(p.enterprise, p.lost_share) for p in result.partial]
    ({}, [('ent:lead', 0.5)])
    """
    view = chain_view(graph, chain_id)
    removed = select_enterprises(view, scope)
    down = propagate(view, removed)
    disrupted = {
        e: tuple(sorted(lost)) for e, lost in down.items() if e not in removed
    }
    lost_inputs: dict[str, tuple[str, ...]] = {}
    partial_losses: list[PartialLoss] = []
    touched = {link.customer for supplier in down for link in view.customers.get(supplier, ())}
    for customer in sorted(touched - down.keys()):
        by_product = view.supply.get(customer, {})
        lost_here = []
        for product, links in sorted(by_product.items()):
            if not any(link.supplier in down for link in links):
                continue
            weights = view.weights(customer, product)
            lost_share = sum(w for supplier, w in weights.items() if supplier in down)
            if all(supplier in down for supplier in weights) and not view.unregistered_share(customer, product):
                lost_here.append(product)
            if partial and lost_share > 0:
                partial_losses.append(PartialLoss(
                    customer, product, round(lost_share, 4), product in view.required_inputs.get(customer, ())
                ))
        if lost_here:
            lost_inputs[customer] = tuple(lost_here)
    member = memberships(view, down)
    by_chain: dict[str, list[Any]] = defaultdict(lambda: [0, 0.0, 0, 0])  # local down, local revenue, removed, disrupted
    by_cluster: dict[str, list[Any]] = defaultdict(lambda: [0, 0, 0.0])  # removed, disrupted, revenue
    for enterprise in down:
        chains, clusters = member.get(enterprise, ((), ()))
        local = view.is_local(enterprise)
        for key in chains:
            slot = by_chain[key]
            slot[2 if enterprise in removed else 3] += 1
            if local:
                slot[0] += 1
                slot[1] += view.revenue(enterprise)
        for key in clusters:
            by_cluster[key][0 if enterprise in removed else 1] += 1
            by_cluster[key][2] += view.revenue(enterprise)
    products_lost = tuple(
        product
        for product in view.products
        if view.local_producers(product) and all(e in down for e in view.local_producers(product))
    )
    revenue = {e: view.revenue(e) for e in down}
    local_down = frozenset(e for e in down if view.is_local(e))
    leaders = tuple(sorted(view.leaders))
    leader_chains = memberships(view, leaders)
    partial_losses.sort(key=lambda p: (-p.lost_share, p.enterprise, p.product))
    return DisruptionResult(
        chain_id=view.chain_id,
        scope=scope,
        removed=tuple(sorted(removed)),
        disrupted=disrupted,
        lost_inputs=lost_inputs,
        revenue_at_risk=round(sum(revenue.values()), 4),
        local_revenue_at_risk=round(sum(revenue[e] for e in local_down), 4),
        local_revenue_total=round(sum(view.revenue(e) for e in view.local_enterprises), 4),
        removed_revenue=round(sum(revenue[e] for e in removed), 4),
        by_chain=tuple(sorted(
            ((k, v[0], round(v[1], 4), v[2], v[3]) for k, v in by_chain.items()), key=lambda r: (-r[2], -r[1], r[0]),
        )),
        by_cluster=tuple(sorted(((k, v[0], v[1], round(v[2], 4)) for k, v in by_cluster.items()), key=lambda r: (-r[3], r[0]))),
        leaders=tuple((leader, tuple(sorted(leader_chains.get(leader, ((), ()))[0]))) for leader in leaders),
        products_lost_locally=products_lost,
        partial=tuple(partial_losses) if partial else None,
        names=_all_names(view, {**member, **leader_chains}, (
            *touched, *leaders, *scope.parks, *filter(None, [view.chain_id]),
            *{p for lost in (*down.values(), *lost_inputs.values()) for p in lost}, *(p.product for p in partial_losses),
        )),
        places={e: view.geography(e) for e in down},
        revenue={**revenue, **{leader: view.revenue(leader) for leader in leaders}},
        members={e: (tuple(sorted(c)), tuple(sorted(k))) for e, (c, k) in member.items() if e in down},
        local=local_down,
        focus=view.scope,
        focus_note=view.scope_note,
    )


def naive_propagate(view: ChainView, removed: Iterable[str]) -> set[str]:
    """The same fixed point by repeated sweeps until nothing changes (the tests' brute force)."""
    down = set(removed)
    changed = True
    while changed:
        changed = False
        for enterprise in view.enterprises:
            if enterprise in down:
                continue
            for product in view.required_inputs.get(enterprise, ()):
                suppliers = view.suppliers(enterprise, product)
                if suppliers and suppliers <= down and not view.unregistered_share(enterprise, product):
                    down.add(enterprise)
                    changed = True
                    break
    return down


def _all_names(
    view: ChainView, member: Mapping[str, tuple[frozenset[str], frozenset[str]]], others: Iterable[str]
) -> dict[str, str]:
    names = {e: view.name(e) for e in (*member, *others)}
    names.update({p: view.name(p) for p in view.product_info})
    for chains, clusters in member.values():
        names.update({node: view.name(node) for node in (*chains, *clusters)})
    return names

