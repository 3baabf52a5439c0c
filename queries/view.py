"""The one shared index the analyses read: a chain's part of a projected graph.

``ChainView`` holds, for one chain (or the whole graph), the enterprises in scope with their
attributes, the products with stage and segment, who produces what, which products are inputs of
which (INPUT_TO), the SUPPLIES links among the enterprises, and the chain's 链主. It is built once
from a ``networkx.MultiDiGraph`` (``chain_view``) and every analysis accepts either the graph or a
prepared view, so several reports on one chain share one pass over the graph.

What it reads (``docs/data-model.md``; the words themselves in ``queries.meanings``):

- a chain's scope is the node set that ``store.project(chain_id)`` returns (``queries.chains``), so
  an analysis gives the same answer on the whole graph and on the chain's projection;
- required inputs of an enterprise: the INPUT_TO predecessors of every product it produces;
- inputs of an enterprise: its required inputs and every product it is supplied with;
- suppliers of an input to an enterprise: the SUPPLIES links into it whose ``product`` is that input;
- a SUPPLIES link without a product supplies the supplier's own output: an input of its own, keyed
  ``own_output(supplier)`` (one input per supplier-output, so it has that one supplier), required
  by the customer unless the customer's products already define its required inputs through
  INPUT_TO (then it is an input it is supplied with, not a required one);
- the firms in focus (``scope``): 本地 firms (``"local"``, the plan's view) or every firm in the
  network (``"all"``); a view whose part of the graph has no local firm defaults to ``"all"``
  (``scope_defaulted``). ``local_enterprises`` / ``is_local`` answer for the firms in focus, so every
  analysis that counts "local" firms counts the firms in focus; ``geography`` still tells 本地 apart.

>>> from queries.examples import example_graph
>>> view = chain_view(example_graph(), "chain:ev")
>>> view.enterprises
('ent:cell', 'ent:cell2', 'ent:foreign', 'ent:gd-motor', 'ent:jx-mine', 'ent:lead', 'ent:local-cathode',
 'ent:pack', 'ent:sh-cathode')
>>> sorted(view.required_inputs["ent:lead"])
['product:cell', 'product:motor', 'product:pack']
>>> sorted(view.suppliers("ent:lead", "product:pack"))
['ent:pack']
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

import networkx as nx
import numpy as np

from queries.chains import chain_scope
from queries.collector import gc_paused
from queries.compact import CompactGraph
from queries.compact_view import compact_view_fields
from queries.fast import SimpleNetwork
from queries.meanings import (
    OWN_OUTPUT,
    SupplyLink,
    canonical_order,
    geography,
    input_key,
    one_link_weight,
    own_output_supplier,
    records_supply,
    region,
    supply_weights,
    unnamed_part,
)
from queries.observations import Calendars, is_present
from queries.sets import shared_set, shared_sets
from stores.base import OUTSIDE_NAMES

SCOPES = ("local", "all")
SCOPE_NAMES = {"local": "南昌本地企业", "all": "网络中全部企业"}
_NO_SUPPLY: Mapping[str, tuple[SupplyLink, ...]] = {}


@dataclass(frozen=True, eq=False)
class ChainView:
    """One chain's part of a projected graph (``chain_id`` None: the whole graph), indexed.

    Build it with ``chain_view``. ``nodes`` is the scope (None for the whole graph); the other
    fields hold only what lies inside it. Derived indexes are computed on first use.
    """

    graph: nx.MultiDiGraph
    chain_id: str | None
    nodes: frozenset[str] | None
    attrs: Mapping[str, Mapping[str, Any]]
    products: tuple[str, ...]
    product_info: Mapping[str, Mapping[str, Any]]
    produces: Mapping[str, frozenset[str]]
    inputs: Mapping[str, frozenset[str]]
    links: tuple[SupplyLink, ...]
    leaders: frozenset[str]
    as_of: str | None = None
    scope: str = "local"
    scope_defaulted: bool = False  # no scope asked for and no local firm: ``all`` was chosen

    # -- nodes -------------------------------------------------------------------------------

    def contains(self, node_id: str) -> bool:
        """True when ``node_id`` is in the graph and in this view's scope."""
        return node_id in self.graph and (self.nodes is None or node_id in self.nodes) or node_id in self.attrs

    @cached_property
    def enterprises(self) -> tuple[str, ...]:
        """Every enterprise in scope, sorted."""
        return tuple(sorted(self.attrs))

    @cached_property
    def local_enterprises(self) -> tuple[str, ...]:
        """The firms in focus, sorted: those whose ``local`` is true (scope ``local``), or every
        enterprise (scope ``all``)."""
        return tuple(e for e in self.enterprises if e in self._local)

    @property
    def scope_name(self) -> str:
        """南昌本地企业 / 网络中全部企业."""
        return SCOPE_NAMES[self.scope]

    @property
    def scope_note(self) -> str:
        """A sentence for the pages when the scope was chosen for the user, else ""."""
        if not self.scope_defaulted:
            return ""
        return "该网络中没有南昌本地企业，分析范围自动设为网络中全部企业"

    def name(self, node_id: str) -> str:
        """The node's name — of a node in the view's part of the graph, or of a product its links
        name that only another chain makes (``outside_names``) — or its id when it has none: the same
        answer on the whole graph as on the chain's own projection.

        >>> from queries.examples import example_graph
        >>> chain_view(example_graph(), "chain:ev").name("product:cell"), chain_view(example_graph(), "chain:ev").name("product:rice")
        ('电芯', 'product:rice')
        """
        found = self._enterprise_names.get(node_id)  # an enterprise of the view
        if found is not None:
            return found
        if node_id in self.product_info:
            return str(self.product_info[node_id].get("name") or node_id)
        supplier = own_output_supplier(node_id)
        if supplier is not None:
            return f"{self.name(supplier)}的产出"
        if node_id in self.outside_names:
            return self.outside_names[node_id]
        data = self.graph.nodes[node_id] if self.contains(node_id) else {}
        return str(data.get("name") or node_id)

    @cached_property
    def outside_names(self) -> Mapping[str, str]:
        """Id → name of the products the view's links name that are not the chain's (an input only
        another chain makes): from the whole graph, or from what a chain's projection carries of them
        (``stores.base.OUTSIDE_NAMES``), so both give the same names.

        >>> from queries.examples import example_graph
        >>> chain_view(example_graph()).outside_names  # the whole graph: every product is its own
        {}
        """
        carried = self.graph.graph.get(OUTSIDE_NAMES) or {}
        found = {}
        for link in self.links:
            product = link.product
            if product and product not in self.product_info and product not in found:
                if product in self.graph:
                    found[product] = str(self.graph.nodes[product].get("name") or product)
                elif product in carried:
                    found[product] = str(carried[product])
        return found

    @cached_property
    def names(self) -> Mapping[str, str]:
        """Id → name of every enterprise and product of the view (and of the products its links name
        that only another chain makes)."""
        found = dict(self._enterprise_names)
        found.update(self.outside_names)
        found.update({p: str(info.get("name") or p) for p, info in self.product_info.items()})
        for link in self.links:
            if not link.product:
                found[input_key(link)] = f"{found.get(link.supplier, link.supplier)}的产出"
        return found

    def _column(self, field: str) -> list[Any]:
        """The attribute ``field`` of every enterprise (None where unset), in the order of ``attrs``; read
        straight from the columns of a compact graph (``queries.compact_view.EnterpriseAttrs``)."""
        field_values = getattr(self.attrs, "field_values", None)
        if field_values is not None:
            return list(field_values(field))
        return [attrs.get(field) for attrs in self.attrs.values()]

    @cached_property
    def _enterprise_names(self) -> Mapping[str, str]:
        return {e: str(name or e) for e, name in zip(self.attrs, self._column("name"), strict=True)}

    @cached_property
    def _revenues(self) -> Mapping[str, float]:
        return {e: float(revenue or 0.0) for e, revenue in zip(self.attrs, self._column("revenue_yi"), strict=True)}

    @cached_property
    def places(self) -> Mapping[str, str]:
        """Enterprise → 本地 / 省内 / 国内其他 / 境外 / 未知 (``queries.meanings.geography``)."""
        return self._places_and_regions[0]

    @cached_property
    def regions(self) -> Mapping[str, str]:
        """Enterprise → its province, or its country abroad (``queries.meanings.region``)."""
        return self._places_and_regions[1]

    @cached_property
    def _places_and_regions(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        keys = list(zip(self._column("local"), self._column("country"), self._column("province"), strict=True))
        known: dict[tuple[Any, Any, Any], tuple[str, str]] = {}
        for key in dict.fromkeys(keys):  # few distinct places: each classified once
            attrs = dict(zip(("local", "country", "province"), key, strict=True))
            known[key] = (geography(attrs), region(attrs))
        found = list(map(known.__getitem__, keys))
        ids = list(self.attrs)
        return dict(zip(ids, map(itemgetter(0), found), strict=True)), dict(zip(ids, map(itemgetter(1), found), strict=True))

    def region(self, enterprise: str) -> str:
        """The enterprise's province, or its country abroad (未知 for a node that is no enterprise of the view)."""
        found = self.regions.get(enterprise)
        return found if found is not None else region({})

    def weights(self, customer: str, product: str) -> Mapping[str, float]:
        """Each supplier's part of the customer's supply of ``product`` (``queries.meanings.supply_weights``),
        computed once per view; read-only."""
        links = self.supply.get(customer, _NO_SUPPLY).get(product, ())
        if len(links) < 2:  # one supplier or none (most pairs): cheaper to compute again than to keep
            weight = one_link_weight(links[0]) if links else None
            return {links[0].supplier: weight} if weight is not None else supply_weights(links)
        key = (customer, product)
        found = self._weights.get(key)
        if found is None:
            found = self._weights[key] = supply_weights(links)
        return found

    def supplier_parts(self, customer: str, product: str) -> Iterable[tuple[str, float]]:
        """``weights(customer, product).items()``, without a dict for a pair with one link (most pairs)."""
        links = self.supply.get(customer, _NO_SUPPLY).get(product, ())
        if len(links) == 1 and (weight := one_link_weight(links[0])) is not None:
            return ((links[0].supplier, weight),)
        return self.weights(customer, product).items()

    @cached_property
    def _weights(self) -> dict[tuple[str, str], Mapping[str, float]]:
        return {}

    @cached_property
    def _local(self) -> frozenset[str]:
        if self.scope == "all":
            return frozenset(self.attrs)
        return frozenset(e for e, local in zip(self.attrs, self._column("local"), strict=True) if local)

    def is_local(self, enterprise: str) -> bool:
        """True when the enterprise is in focus: 本地 (scope ``local``), any (scope ``all``)."""
        return enterprise in self._local

    def geography(self, enterprise: str) -> str:
        """本地 / 省内 / 国内其他 / 境外."""
        return self.places[enterprise]

    def revenue(self, enterprise: str) -> float:
        """营业收入 (亿元), 0 when unknown."""
        return self._revenues[enterprise]

    def tags(self, enterprise: str) -> tuple[str, ...]:
        """The enterprise's tags (专精特新, 上市, …)."""
        return tuple(self.attrs[enterprise].get("tags") or ())

    @cached_property
    def chain_attrs(self) -> Mapping[str, Any]:
        """The chain node's attributes ({} for the whole graph)."""
        return dict(self.graph.nodes[self.chain_id]) if self.chain_id and self.chain_id in self.graph else {}

    # -- products ----------------------------------------------------------------------------

    @cached_property
    def producers(self) -> Mapping[str, frozenset[str]]:
        """Product → the enterprises in scope that produce it (every product of the view has a key)."""
        found: dict[str, set[str]] = {product: set() for product in self.product_info}
        for enterprise, products in self.produces.items():
            for product in products:
                found.setdefault(product, set()).add(enterprise)
        return {product: frozenset(makers) for product, makers in found.items()}

    def local_producers(self, product: str) -> frozenset[str]:
        """The local enterprises that produce ``product``."""
        return self.producers.get(product, frozenset()) & self._local

    @cached_property
    def outputs(self) -> Mapping[str, frozenset[str]]:
        """Product → the products it is an input of (INPUT_TO successors in scope)."""
        found: dict[str, set[str]] = defaultdict(set)
        for product, inputs in self.inputs.items():
            for item in inputs:
                found[item].add(product)
        return {product: frozenset(items) for product, items in found.items()}

    # -- enterprises' inputs -----------------------------------------------------------------

    @cached_property
    def required_inputs(self) -> Mapping[str, frozenset[str]]:
        """Enterprise → its required inputs: INPUT_TO predecessors of the products it makes, less
        those products themselves (a firm that makes its own cathode needs no cathode supplier).

        A firm whose products define no required input requires instead the own outputs of the
        suppliers that sell to it without naming a product (a stage network's arcs).
        """
        empty: frozenset[str] = frozenset()
        by_made: dict[frozenset[str], frozenset[str]] = {}  # few distinct product sets: one answer each
        shared: dict[frozenset[str], frozenset[str]] = {}  # equal sets kept once (a frozenset per firm is ~200 B)
        result = {}
        for enterprise in self.attrs:
            made = self.produces.get(enterprise, empty)
            needed = by_made.get(made)
            if needed is None:
                found: set[str] = set()
                for product in made:
                    found |= self.inputs.get(product, empty)
                found -= made  # what it makes itself it need not buy
                needed = by_made[made] = shared_set(shared, found)
            if not needed:
                needed = shared_set(shared, self._own_output_inputs.get(enterprise, ()))
            result[enterprise] = needed
        return result

    @cached_property
    def _own_output_inputs(self) -> Mapping[str, tuple[str, ...]]:
        found: dict[str, list[str]] = defaultdict(list)
        for link in self.links:
            if not link.product:
                found[link.customer].append(input_key(link))
        return {customer: tuple(keys) for customer, keys in found.items()}

    @cached_property
    def supply(self) -> Mapping[str, Mapping[str, tuple[SupplyLink, ...]]]:
        """Customer → input → the SUPPLIES links of that input into it: a product, or for a link
        without a product the supplier's own output (``input_key``)."""
        found: dict[str, dict[str, tuple[SupplyLink, ...]]] = {}
        # the links are in canonical order, so each customer's links are together; a customer's links of
        # one input are few (tuples grown one link at a time), in the order of the links
        for customer, links in groupby(self.links, attrgetter("customer")):
            by_input: dict[str, tuple[SupplyLink, ...]] = {}
            get = by_input.get
            for link in links:
                key = link.product or OWN_OUTPUT + link.supplier  # input_key
                before = get(key)
                by_input[key] = (link,) if before is None else (*before, link)
            if customer in found:  # links not in canonical order (a view made by hand)
                for key, more in by_input.items():
                    found[customer][key] = found[customer].get(key, ()) + more
            else:
                found[customer] = by_input
        return found

    @cached_property
    def customers(self) -> Mapping[str, tuple[SupplyLink, ...]]:
        """Supplier → its outgoing SUPPLIES links."""
        found: dict[str, list[SupplyLink]] = defaultdict(list)
        for link in self.links:
            found[link.supplier].append(link)
        return {supplier: tuple(links) for supplier, links in found.items()}

    def supply_links(self, customer: str, product: str) -> tuple[SupplyLink, ...]:
        """The links that supply ``product`` to ``customer``."""
        return self.supply.get(customer, {}).get(product, ())

    def suppliers(self, customer: str, product: str) -> frozenset[str]:
        """The suppliers of ``product`` to ``customer``."""
        return frozenset(link.supplier for link in self.supply_links(customer, product))

    def inputs_of(self, enterprise: str) -> frozenset[str]:
        """Required inputs of the enterprise and every product it is supplied with."""
        return self.required_inputs.get(enterprise, frozenset()) | frozenset(self.supply.get(enterprise, {}))

    @cached_property
    def input_pairs(self) -> tuple[tuple[str, str], ...]:
        """Every (local enterprise, input) pair, sorted — the pairs resilience and sole-source count."""
        return tuple(
            (enterprise, product)
            for enterprise in self.local_enterprises
            for product in sorted(self.inputs_of(enterprise))
        )

    def unregistered_share(self, customer: str, product: str) -> float:
        """The part of the customer's supply of ``product`` bought from suppliers the data does not
        name: above 0 only when every link has a ``share`` and they add up to less than 1.

        Such a supply is never sole-sourced, and never lost whole when its known suppliers fail.
        """
        return self._unnamed.get((customer, product), 0.0)

    @property
    def unregistered_shares(self) -> Mapping[tuple[str, str], float]:
        """(customer, input) → ``unregistered_share``, for the pairs where it is above 0 only (read-only)."""
        return self._unnamed

    @cached_property
    def _unnamed(self) -> dict[tuple[str, str], float]:
        """(customer, input) → ``unnamed_part`` of its links, for the few pairs where it is above 0 (a
        pair whose first link has no share has none): one pass, no entry per pair."""
        found = {}
        for customer, by_input in self.supply.items():
            for product, links in by_input.items():
                if links[0].share is not None and (part := unnamed_part(links)):
                    found[(customer, product)] = part
        return found

    def local_sourcing_share(self, customer: str, product: str) -> float | None:
        """The part of the customer's supply of ``product`` that comes from local suppliers (None: no supply)."""
        parts = self.supplier_parts(customer, product)
        if not parts:
            return None
        local = self._local
        return sum(weight for supplier, weight in parts if supplier in local)  # is_local

    @cached_property
    def _buyers_and_needers(self) -> tuple[Mapping[str, tuple[str, ...]], Mapping[str, tuple[str, ...]]]:
        buyers: dict[str, list[str]] = defaultdict(list)
        needers: dict[str, list[str]] = defaultdict(list)
        for enterprise in self.local_enterprises:  # sorted, so the lists come out sorted
            for product in self.supply.get(enterprise, ()):
                buyers[product].append(enterprise)
            for product in self.required_inputs[enterprise]:
                needers[product].append(enterprise)
        return ({p: tuple(es) for p, es in buyers.items()}, {p: tuple(es) for p, es in needers.items()})

    def local_buyers(self, product: str) -> tuple[str, ...]:
        """Local enterprises supplied with ``product``, sorted."""
        return self._buyers_and_needers[0].get(product, ())

    def local_needers(self, product: str) -> tuple[str, ...]:
        """Local enterprises for which ``product`` is a required input, sorted."""
        return self._buyers_and_needers[1].get(product, ())

    def product_local_sourcing(self, product: str) -> float | None:
        """Mean, over the local enterprises supplied with ``product``, of their local sourcing share."""
        shares = [self.local_sourcing_share(e, product) for e in self.local_buyers(product)]
        known = [share for share in shares if share is not None]
        return sum(known) / len(known) if known else None

    @cached_property
    def network(self) -> SimpleNetwork:
        """The supply network: every enterprise in scope, an edge supplier → customer per trading pair."""
        index = {enterprise: i for i, enterprise in enumerate(self.enterprises)}
        ends = [np.fromiter(map(index.__getitem__, map(attrgetter(end), self.links)), dtype=np.int64, count=len(self.links))
                for end in ("supplier", "customer")]
        return SimpleNetwork(self.enterprises, np.stack(ends, axis=1))

    # -- simulation --------------------------------------------------------------------------

    def with_changes(
        self,
        *,
        enterprises: Mapping[str, Mapping[str, Any]] | None = None,
        produces: Iterable[tuple[str, str]] = (),
        links: Iterable[SupplyLink] = (),
        removed_links: Iterable[tuple[str, str, str]] = (),
    ) -> ChainView:
        """A new view with enterprises added (or their attributes replaced), production and links added.

        The graph itself is not touched; the new view only differs in its indexes.

        >>> from queries.examples import example_graph
        >>> view = chain_view(example_graph(), "chain:ev")
        >>> new = view.with_changes(enterprises={"ent:x": {"name": "新厂", "local": True}},
        ...                         produces=[("ent:x", "product:cathode")])
        >>> sorted(new.local_producers("product:cathode"))
        ['ent:local-cathode', 'ent:x']
        """
        attrs = {**self.attrs, **(enterprises or {})}
        made = {enterprise: set(products) for enterprise, products in self.produces.items()}
        for enterprise, product in produces:
            made.setdefault(enterprise, set()).add(product)
        dropped = set(removed_links)
        kept = [link for link in self.links if link.key not in dropped]
        new_links = {link.key: link for link in [*kept, *links]}
        return dataclasses.replace(
            self,
            attrs=attrs,
            produces=shared_sets(made),
            links=tuple(sorted(new_links.values(), key=canonical_order)),
        )


def chain_view(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, as_of: str | None = None, scope: str | None = None,
) -> ChainView:
    """Index one chain's part of ``graph`` (or the whole graph when ``chain_id`` is None).

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
        A graph as ``store.project()`` returns it (whole, or already one chain's projection). A
        view is returned as it is when ``chain_id`` and ``as_of`` are None or its own.
    chain_id : str, optional
        The chain, e.g. ``"chain:new-energy"``; None for the whole graph (or the view's chain).
    as_of : str, optional
        ISO date: keep only the SUPPLIES links present as of it — a link observed in lists (``seen``)
        when the list that holds as of the date shows it (``queries.observations``; no date: the
        latest list), any other link when its ``as_of`` is on or before the date (or it has none).
    scope : {"local", "all"}, optional
        The firms in focus: 本地 firms or every firm. Default: ``local``, or ``all`` (with
        ``scope_defaulted``) when the view holds no local firm; a view keeps its own.

    Raises
    ------
    networkx.NodeNotFound
        When ``chain_id`` is not a node of the graph.
    ValueError
        When ``scope`` is not ``local`` or ``all``.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph(), "chain:ev")
    >>> view.products
    ('product:cathode', 'product:cell', 'product:lithium', 'product:motor', 'product:pack', 'product:storage', 'product:vehicle')
    >>> len(view.links), len(chain_view(example_graph(), "chain:ev", as_of="2024-01-01").links)
    (9, 8)
    """
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"scope 可选 local（南昌本地企业）或 all（网络中全部企业），收到 {scope!r}")
    if isinstance(graph, ChainView):
        if chain_id in (None, graph.chain_id) and as_of in (None, graph.as_of):
            return graph if scope in (None, graph.scope) else with_scope(graph, scope)
        as_of = graph.as_of if as_of is None else as_of
        scope = graph.scope if scope is None and not graph.scope_defaulted else scope
        graph = graph.graph
    if chain_id is not None and chain_id not in graph:
        raise nx.NodeNotFound(f"chain {chain_id!r} is not in the graph")
    with gc_paused():
        return with_scope(_build_view(graph, chain_id, as_of), scope)


def with_scope(view: ChainView, scope: str | None) -> ChainView:
    """The view with the firms in focus ``scope`` (None: local, or all when it has no local firm).

    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph(), "chain:ev")
    >>> view.scope, len(view.local_enterprises), len(with_scope(view, "all").local_enterprises)
    ('local', 5, 9)
    """
    defaulted = False
    if scope is None:
        has_local = any(attrs.get("local") for attrs in view.attrs.values())
        scope, defaulted = ("local", False) if has_local else ("all", True)
    if scope == view.scope and defaulted == view.scope_defaulted:
        return view
    return dataclasses.replace(view, scope=scope, scope_defaulted=defaulted)


def supplies_as_of(graph: nx.MultiDiGraph, as_of: str | None, calendars: Calendars | None = None) -> nx.MultiDiGraph:
    """A read-only view of ``graph`` whose SUPPLIES links are those present as of ``as_of`` (the rule of
    ``chain_view``: by their observations, else by their ``as_of``); every other relationship stays.

    >>> from queries.examples import example_graph
    >>> graph = example_graph()
    >>> "ent:pack" in supplies_as_of(graph, "2024-01-01").pred["ent:lead"], "ent:pack" in supplies_as_of(graph, None).pred["ent:lead"]
    (False, True)
    """
    calendars = calendars if calendars is not None else supply_calendars(graph)

    def present(source: str, target: str, key: str) -> bool:
        data = graph.edges[source, target, key]
        return data.get("type") != "SUPPLIES" or is_present(data, as_of, calendars)

    return nx.subgraph_view(graph, filter_edge=present)


def supply_calendars(graph: nx.MultiDiGraph | CompactGraph) -> Calendars:
    """The calendars of the lists the graph's SUPPLIES links were observed in (``queries.observations``)."""
    if isinstance(graph, CompactGraph):  # read from the columns, without an attribute dict per link
        from queries.compact_view import _observed

        column = {name: graph.edge_column("SUPPLIES", name) for name in ("seen", "listing")}
        return Calendars.of(_observed(graph, column) if column["seen"] is not None else ())
    return Calendars.of(data for _, _, data in graph.edges(data=True) if data.get("seen") and data.get("type") == "SUPPLIES")


def _build_view(graph: nx.MultiDiGraph | CompactGraph, chain_id: str | None, as_of: str | None) -> ChainView:
    if isinstance(graph, CompactGraph):
        return ChainView(graph=graph, **compact_view_fields(graph, chain_id, as_of))
    # Edges are read in bulk (``in_edges(nbunch, data=...)`` over many nodes at once): one view
    # costs about as much as NetworkX's plain adjacency dicts, a view per node three times more.
    nodes = chain_scope(graph, chain_id) if chain_id is not None else None
    node_data = graph.nodes
    if nodes is None:
        attrs = {n: d for n, d in node_data(data=True) if d.get("label") == "Enterprise"}
        product_info = {
            n: {"name": d.get("name", n), "segment": d.get("segment"), "stage": d.get("stage")}
            for n, d in node_data(data=True)
            if d.get("label") == "Product"
        }
        chains = [n for n, d in node_data(data=True) if d.get("label") == "Chain"]
        leaders = frozenset(e for e, _, kind in graph.in_edges(chains, data="type") if kind == "LEADS" and e in attrs)
    else:
        attrs = {n: node_data[n] for n in nodes if node_data[n].get("label") == "Enterprise"}
        product_info = {}
        for product, _, data in graph.in_edges([chain_id], data=True):
            if data.get("type") == "IN_CHAIN":
                own = node_data[product]
                product_info[product] = {
                    "name": own.get("name", product),
                    "segment": data.get("segment") or own.get("segment"),
                    "stage": data.get("stage") or own.get("stage"),
                }
        leaders = frozenset(e for e, _, kind in graph.in_edges([chain_id], data="type") if kind == "LEADS")
    made: dict[str, set[str]] = defaultdict(set)
    found: dict[str, set[str]] = defaultdict(set)
    for source, product, kind in graph.in_edges(product_info, data="type"):
        if kind == "PRODUCES" and source in attrs:
            made[source].add(product)
        elif kind == "INPUT_TO" and source in product_info:
            found[product].add(source)
    produces = shared_sets(made)
    inputs = {product: frozenset(items) for product, items in found.items()}
    # Links in a canonical order (customer, supplier, product) whatever order the store returned
    # the graph in, so that every sum over them comes out the same.
    links: list[SupplyLink] = []
    append = links.append
    calendars = supply_calendars(graph)
    for supplier, customer, data in graph.in_edges(sorted(attrs), data=True):
        if data.get("type") != "SUPPLIES" or supplier not in attrs or not records_supply(data):
            continue
        if not is_present(data, as_of, calendars):  # observed in lists: by the list that holds as of the date
            continue
        dated = data.get("as_of")
        if dated is not None:
            dated = str(dated)
        append(SupplyLink(
            supplier, customer, data.get("product") or None, data.get("share"), data.get("amount_wan"),
            dated, data.get("confidence"),
        ))
    links.sort(key=canonical_order)
    return ChainView(
        graph=graph,
        chain_id=chain_id,
        nodes=frozenset(nodes) if nodes is not None else None,
        attrs=attrs,
        products=tuple(sorted(product_info)),
        product_info=product_info,
        produces=produces,
        inputs=inputs,
        links=tuple(links),
        leaders=leaders,
        as_of=as_of,
    )
