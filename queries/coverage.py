"""The one shared index the analyses read: a chain's part of a projected graph, and what words mean.

``ChainView`` holds, for one chain (or the whole graph), the enterprises in scope with their
attributes, the products with stage and segment, who produces what, which products are inputs of
which (INPUT_TO), the SUPPLIES links among the enterprises, and the chain's 链主. It is built once
from a ``networkx.MultiDiGraph`` (``chain_view``) and every analysis accepts either the graph or a
prepared view, so several reports on one chain share one pass over the graph.

Meanings (``docs/data-model.md``):

- geography: 本地 (``local`` true), 省内 (not local, province 江西省), 国内其他 (country 中国, other or
  unknown province), 境外 (country not 中国);
- required inputs of an enterprise: the INPUT_TO predecessors of every product it produces;
- inputs of an enterprise: its required inputs and every product it is supplied with;
- suppliers of an input to an enterprise: the SUPPLIES links into it whose ``product`` is that input.

A chain's scope is the node set that ``store.project(chain_id)`` returns, so an analysis gives the
same answer on the whole graph and on the chain's projection.

>>> from queries.examples import example_graph
>>> view = chain_view(example_graph(), "chain:ev")
>>> view.enterprises
('ent:cell', 'ent:cell2', 'ent:foreign', 'ent:gd-motor', 'ent:jx-mine', 'ent:lead', 'ent:local-cathode', 'ent:pack', 'ent:sh-cathode')
>>> sorted(view.required_inputs["ent:lead"])
['product:cell', 'product:motor', 'product:pack']
>>> sorted(view.suppliers("ent:lead", "product:pack"))
['ent:pack']
>>> geography(view.attrs["ent:foreign"])
'境外'
"""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, NamedTuple, TypeVar

import networkx as nx

from graph_schema.scope import chain_members
from queries.fast import SimpleNetwork

LOCAL = "本地"
IN_PROVINCE = "省内"
REST_OF_CHINA = "国内其他"
FOREIGN = "境外"
GEOGRAPHIES = (LOCAL, IN_PROVINCE, REST_OF_CHINA, FOREIGN)
HOME_PROVINCE = "江西省"
HOME_COUNTRY = "中国"
STAGES = ("上游", "中游", "下游")


def geography(attrs: Mapping[str, Any]) -> str:
    """本地 / 省内 / 国内其他 / 境外 of an enterprise, from its ``local``, ``province`` and ``country``.

    >>> geography({"local": True, "province": "江西省"})
    '本地'
    >>> geography({"province": "江西省"}), geography({"province": "广东省"}), geography({"country": "韩国"})
    ('省内', '国内其他', '境外')
    """
    if attrs.get("local"):
        return LOCAL
    if (attrs.get("country") or HOME_COUNTRY) != HOME_COUNTRY:
        return FOREIGN
    if attrs.get("province") == HOME_PROVINCE:
        return IN_PROVINCE
    return REST_OF_CHINA


def region(attrs: Mapping[str, Any]) -> str:
    """The province of a Chinese enterprise (local ones: 江西省) or the country of a foreign one.

    >>> region({"country": "韩国"}), region({"local": True}), region({})
    ('韩国', '江西省', '未知省份')
    """
    where = geography(attrs)
    if where == FOREIGN:
        return str(attrs.get("country"))
    if where == LOCAL:
        return attrs.get("province") or HOME_PROVINCE
    return attrs.get("province") or "未知省份"


class SupplyLink(NamedTuple):
    """One SUPPLIES relationship: ``supplier`` sells ``product`` to ``customer``.

    A named tuple rather than a dataclass: a chain holds tens of thousands of them.
    """

    supplier: str
    customer: str
    product: str | None
    share: float | None = None
    amount_wan: float | None = None
    as_of: str | None = None
    confidence: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(supplier, customer, product) — what tells two links apart."""
        return (self.supplier, self.customer, self.product or "")


def supply_weights(links: Sequence[SupplyLink]) -> dict[str, float]:
    """Each supplier's part of one customer's supply of one product.

    The parts are the links' ``share`` when every link has one (and they are not all zero), else
    their ``amount_wan`` under the same condition, else equal parts. They sum to 1, except when
    the shares add up to less than 1: the rest is bought from suppliers not in the data, and the
    parts are the shares themselves (``ChainView.unregistered_share``). Shares over 1 in all are
    scaled down to 1 (the importer warns of them).

    >>> a = SupplyLink("ent:a", "ent:c", "product:x", share=0.6)
    >>> b = SupplyLink("ent:b", "ent:c", "product:x", share=0.25)
    >>> supply_weights([a, b])
    {'ent:a': 0.6, 'ent:b': 0.25}
    >>> supply_weights([a, SupplyLink("ent:b", "ent:c", "product:x", share=0.8)])
    {'ent:a': 0.4285714285714286, 'ent:b': 0.5714285714285715}
    >>> supply_weights([a, SupplyLink("ent:b", "ent:c", "product:x")])
    {'ent:a': 0.5, 'ent:b': 0.5}
    >>> supply_weights([SupplyLink("ent:a", "ent:c", "product:x", amount_wan=1e308),
    ...                 SupplyLink("ent:b", "ent:c", "product:x", amount_wan=1e308)])
    {'ent:a': 0.5, 'ent:b': 0.5}
    """
    if not links:
        return {}
    values: list[float] | None = None
    by_share = False
    for field_name in ("share", "amount_wan"):
        candidate = [getattr(link, field_name) for link in links]
        if all(value is not None for value in candidate) and sum(candidate) > 0:
            values = [float(value) for value in candidate]
            by_share = field_name == "share"
            break
    if values is None:
        values = [1.0] * len(links)
    total = sum(values)
    if by_share and unnamed_part(links):  # the rest comes from suppliers the data does not name
        total = 1.0
    if total == float("inf"):  # huge amounts: scale them down rather than divide by inf
        top = max(values)
        values = [value / top for value in values]
        total = sum(values)
    weights: dict[str, float] = {}
    for link, value in zip(links, values):
        weights[link.supplier] = weights.get(link.supplier, 0.0) + value / total
    return weights


def unnamed_part(links: Sequence[SupplyLink]) -> float:
    """The part of one customer's supply of one product bought from suppliers the data does not
    name: what the shares leave of 1 when every link has one and they add up to less than 1 (as
    rounded for results), else 0. ``supply_weights`` and ``ChainView.unregistered_share`` both use it.

    >>> a, b = SupplyLink("ent:a", "ent:c", "product:x", share=0.2), SupplyLink("ent:b", "ent:c", "product:x")
    >>> unnamed_part([a]), unnamed_part([a, b]), unnamed_part([])
    (0.8, 0.0, 0.0)
    """
    total = 0.0
    for link in links:
        if link.share is None:
            return 0.0
        total += link.share
    return max(0.0, rounded(1.0 - total)) if total > 0 and rounded(total) < 1 else 0.0


def chain_scope(graph: nx.MultiDiGraph, chain_id: str) -> set[str]:
    """The ids ``store.project(chain_id)`` keeps: the rule ``graph_schema.scope.chain_members`` (which
    the stores apply too) over the graph's edges; empty when the chain is not in the graph.

    >>> from queries.examples import example_graph
    >>> sorted(n for n in chain_scope(example_graph(), "chain:ev") if not n.startswith("ent:"))[:3]
    ['chain:ev', 'cluster:ev', 'park:ev']
    """
    if chain_id not in graph:
        return set()
    return chain_members(chain_id, functools.partial(_neighbours, graph))


def _neighbours(
    graph: nx.MultiDiGraph, ids: Collection[str], rel_types: tuple[str, ...], direction: Literal["in", "out"]
) -> list[str]:
    """The accessor ``chain_members`` reads a NetworkX graph through.

    Edges are read in bulk through ``graph.in_edges(nbunch, data=...)``: one view for many nodes
    costs about as much as the plain adjacency dicts, where a view per node costs three times more.
    """
    if direction == "in":
        return [source for source, _, kind in graph.in_edges(ids, data="type") if kind in rel_types]
    return [target for _, target, kind in graph.out_edges(ids, data="type") if kind in rel_types]


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
        """The enterprises in scope whose ``local`` is true, sorted."""
        return tuple(e for e in self.enterprises if e in self._local)

    def name(self, node_id: str) -> str:
        """The node's name, or its id when it has none."""
        if node_id in self.attrs:
            return str(self.attrs[node_id].get("name") or node_id)
        if node_id in self.product_info:
            return str(self.product_info[node_id].get("name") or node_id)
        data = self.graph.nodes[node_id] if self.contains(node_id) else {}
        return str(data.get("name") or node_id)

    @cached_property
    def names(self) -> Mapping[str, str]:
        """Id → name of every enterprise and product of the view."""
        found = {e: str(self.attrs[e].get("name") or e) for e in self.attrs}
        found.update({p: str(info.get("name") or p) for p, info in self.product_info.items()})
        return found

    @cached_property
    def places(self) -> Mapping[str, str]:
        """Enterprise → 本地 / 省内 / 国内其他 / 境外."""
        return {e: geography(attrs) for e, attrs in self.attrs.items()}

    @cached_property
    def _local(self) -> frozenset[str]:
        return frozenset(e for e, attrs in self.attrs.items() if attrs.get("local"))

    def is_local(self, enterprise: str) -> bool:
        """True when the enterprise is 本地."""
        return enterprise in self._local

    def geography(self, enterprise: str) -> str:
        """本地 / 省内 / 国内其他 / 境外."""
        return self.places[enterprise]

    def revenue(self, enterprise: str) -> float:
        """营业收入 (亿元), 0 when unknown."""
        return float(self.attrs[enterprise].get("revenue_yi") or 0.0)

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
        return frozenset(e for e in self.producers.get(product, ()) if self.is_local(e))

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
        those products themselves (a firm that makes its own cathode needs no cathode supplier)."""
        empty: frozenset[str] = frozenset()
        result = {}
        for enterprise in self.attrs:
            needed: set[str] = set()
            made = self.produces.get(enterprise, empty)
            for product in made:
                needed |= self.inputs.get(product, empty)
            result[enterprise] = frozenset(needed - made)  # what it makes itself it need not buy
        return result

    @cached_property
    def supply(self) -> Mapping[str, Mapping[str, tuple[SupplyLink, ...]]]:
        """Customer → product → the SUPPLIES links of that product into it (links without a product skipped)."""
        found: dict[str, dict[str, list[SupplyLink]]] = defaultdict(lambda: defaultdict(list))
        for link in self.links:
            if link.product:
                found[link.customer][link.product].append(link)
        return {customer: {p: tuple(ls) for p, ls in by_product.items()} for customer, by_product in found.items()}

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
        return unnamed_part(self.supply_links(customer, product))

    def local_sourcing_share(self, customer: str, product: str) -> float | None:
        """The part of the customer's supply of ``product`` that comes from local suppliers (None: no supply)."""
        weights = supply_weights(self.supply_links(customer, product))
        if not weights:
            return None
        return sum(weight for supplier, weight in weights.items() if self.is_local(supplier))

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
        return SimpleNetwork(self.enterprises, ((index[link.supplier], index[link.customer]) for link in self.links))

    # -- simulation --------------------------------------------------------------------------

    def with_changes(
        self,
        *,
        enterprises: Mapping[str, Mapping[str, Any]] | None = None,
        produces: Iterable[tuple[str, str]] = (),
        links: Iterable[SupplyLink] = (),
        removed_links: Iterable[tuple[str, str, str]] = (),
    ) -> "ChainView":
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
            produces={enterprise: frozenset(products) for enterprise, products in made.items()},
            links=tuple(sorted(new_links.values(), key=_canonical_order)),
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an allocation-heavy block, then restore it.

    Building an index allocates hundreds of thousands of small containers; with a large graph in
    memory each automatic full collection rescans every object of it, which at 100k enterprises
    costs more than the work itself. Nothing built here forms reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


F = TypeVar("F", bound=Callable[..., Any])


def pausing_gc(function: F) -> F:
    """Decorator: run ``function`` inside ``gc_paused()`` (the analyses' entry points use it)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def chain_view(graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, as_of: str | None = None) -> ChainView:
    """Index one chain's part of ``graph`` (or the whole graph when ``chain_id`` is None).

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
        A graph as ``store.project()`` returns it (whole, or already one chain's projection). A
        view is returned as it is when ``chain_id`` and ``as_of`` are None or its own.
    chain_id : str, optional
        The chain, e.g. ``"chain:new-energy"``; None for the whole graph (or the view's chain).
    as_of : str, optional
        ISO date: keep only SUPPLIES links with ``as_of`` on or before it (links without a date
        are always kept).

    Raises
    ------
    networkx.NodeNotFound
        When ``chain_id`` is not a node of the graph.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph(), "chain:ev")
    >>> view.products
    ('product:cathode', 'product:cell', 'product:lithium', 'product:motor', 'product:pack', 'product:storage', 'product:vehicle')
    >>> len(view.links), len(chain_view(example_graph(), "chain:ev", as_of="2024-01-01").links)
    (9, 8)
    """
    if isinstance(graph, ChainView):
        if chain_id in (None, graph.chain_id) and as_of in (None, graph.as_of):
            return graph
        as_of = graph.as_of if as_of is None else as_of
        graph = graph.graph
    if chain_id is not None and chain_id not in graph:
        raise nx.NodeNotFound(f"chain {chain_id!r} is not in the graph")
    with gc_paused():
        return _build_view(graph, chain_id, as_of)


def records_supply(data: Mapping[str, Any]) -> bool:
    """False for a SUPPLIES relationship whose ``share`` is 0 (or, with no share, whose
    ``amount_wan`` is 0): it names a supplier that delivers nothing, so the analyses leave it out.

    >>> records_supply({"share": 0.0}), records_supply({"amount_wan": 0}), records_supply({})
    (False, False, True)
    """
    share = data.get("share")
    return share != 0 if share is not None else data.get("amount_wan") != 0


def _canonical_order(link: SupplyLink) -> tuple[str, str, str]:
    """The canonical order of links: customer, supplier, product."""
    return (link.customer, link.supplier, link.product or "")


def _build_view(graph: nx.MultiDiGraph, chain_id: str | None, as_of: str | None) -> ChainView:
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
    produces = {enterprise: frozenset(products) for enterprise, products in made.items()}
    inputs = {product: frozenset(items) for product, items in found.items()}
    # Links in a canonical order (customer, supplier, product) whatever order the store returned
    # the graph in, so that every sum over them comes out the same.
    links: list[SupplyLink] = []
    append = links.append
    for supplier, customer, data in graph.in_edges(sorted(attrs), data=True):
        if data.get("type") != "SUPPLIES" or supplier not in attrs or not records_supply(data):
            continue
        dated = data.get("as_of")
        if dated is not None:
            dated = str(dated)
            if as_of is not None and dated > as_of:
                continue
        append(SupplyLink(
            supplier, customer, data.get("product") or None, data.get("share"), data.get("amount_wan"),
            dated, data.get("confidence"),
        ))
    links.sort(key=_canonical_order)
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


def chain_ids(graph: nx.MultiDiGraph | ChainView) -> list[str]:
    """Every chain in the graph (or in the view's scope), sorted.

    >>> from queries.examples import example_graph
    >>> chain_ids(example_graph())
    ['chain:ev', 'chain:food']
    """
    if isinstance(graph, ChainView):
        return [graph.chain_id] if graph.chain_id else chain_ids(graph.graph)
    return sorted(n for n, d in graph.nodes(data=True) if d.get("label") == "Chain")


def memberships(
    view: ChainView, enterprises: Iterable[str] | None = None
) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Enterprise → (the chains it belongs to, the clusters it is a member of), inside the view's scope.

    An enterprise belongs to a chain when it produces one of the chain's products, leads the chain
    or is a member of one of the chain's clusters (the clusters reported are those of a chain).
    ``enterprises`` limits the answer to those.

    >>> from queries.examples import example_graph
    >>> memberships(chain_view(example_graph()), ["ent:pack"])
    {'ent:pack': (frozenset({'chain:ev'}), frozenset({'cluster:ev'}))}
    """
    graph = view.graph
    product_chains: dict[str, set[str]] = defaultdict(set)
    lead_chains: dict[str, set[str]] = defaultdict(set)
    cluster_chains: dict[str, set[str]] = defaultdict(set)
    chains = [chain for chain in chain_ids(view) if view.contains(chain)]
    for source, chain, kind in graph.in_edges(chains, data="type"):
        if kind == "IN_CHAIN":
            product_chains[source].add(chain)
        elif kind == "LEADS":
            lead_chains[source].add(chain)
        elif kind == "CLUSTER_OF" and view.contains(source):
            cluster_chains[source].add(chain)
    member_clusters: dict[str, set[str]] = defaultdict(set)
    for member, cluster, kind in graph.in_edges(list(cluster_chains), data="type"):
        if kind == "MEMBER_OF":
            member_clusters[member].add(cluster)
    empty: frozenset[str] = frozenset()
    result = {}
    for enterprise in view.enterprises if enterprises is None else sorted(enterprises):
        chains = set(lead_chains.get(enterprise, empty))
        for product in view.produces.get(enterprise, empty):
            chains |= product_chains.get(product, empty)
        clusters = member_clusters.get(enterprise, empty)
        for cluster in clusters:
            chains |= cluster_chains[cluster]
        result[enterprise] = (frozenset(chains), frozenset(clusters))
    return result


def name_list(names: Mapping[str, str], ids: Sequence[str]) -> list[str]:
    """The names of ``ids`` for a result cell, all of them (exports and the API keep every name;
    screens shorten long lists with ``shortened``).

    >>> name_list({"a": "甲", "b": "乙"}, ["a", "b", "c"])
    ['甲', '乙', 'c']
    """
    return [names.get(i, i) for i in ids]


def shortened(items: Sequence[Any], limit: int = 10) -> list[Any]:
    """The first ``limit`` items of a long list, then "…等N家" — for screens, not for exports.

    >>> shortened(["甲", "乙", "丙"], limit=2)
    ['甲', '乙', '…等3家']
    """
    items = list(items)
    return items[:limit] + [f"…等{len(items)}家"] if len(items) > limit else items


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage string; '—' for None.

    >>> percent(0.4567), percent(None)
    ('45.7%', '—')
    """
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def percent_points(value: float) -> float:
    """The share as the number ``percent`` shows it: thresholds compare this, so a figure and the
    verdict beside it never disagree (0.29996 shows as 30.0% and is not below 30%).

    >>> percent_points(0.29996), percent_points(0.2996), percent_points(0.3)
    (30.0, 30.0, 30.0)
    """
    return float(f"{value * 100:.1f}")


def rounded(value: float | None, digits: int = 4) -> float | None:
    """``value`` rounded for result rows (None stays None)."""
    return None if value is None else round(float(value), digits)
