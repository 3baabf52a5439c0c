"""The fields of a ``queries.view.ChainView`` read straight from a ``CompactGraph``'s columns: the
same index ``queries.view._build_view`` builds from a NetworkX graph, with the scope, the
production and the SUPPLIES links selected by array operations instead of a walk over edge dicts.

The enterprises' attributes stay in the columns: ``EnterpriseAttrs`` maps an id to a view of its
row (``CompactGraph.nodes[id]``), made when asked for.

>>> from queries.compact import CompactGraph, _records
>>> from queries.examples import example_batch
>>> fields = compact_view_fields(CompactGraph.from_records(*_records(example_batch())), "chain:ev", None)
>>> len(fields["links"]), fields["attrs"]["ent:lead"]["name"], sorted(fields["leaders"])
(9, '南昌汽车（示例）', ['ent:lead'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from queries.chains import chain_scope
from queries.compact import TYPE_CODE, Column, CompactGraph, NodeData
from queries.meanings import SupplyLink
from queries.observations import Calendars
from queries.sets import shared_sets


class EnterpriseAttrs(Mapping[str, Mapping[str, Any]]):
    """Enterprise id → its attributes, for the enterprises ``numbers`` (sorted node numbers) of a compact graph."""

    def __init__(self, graph: CompactGraph, numbers: np.ndarray) -> None:
        self.graph = graph
        self.numbers = numbers
        self._inside = np.zeros(len(graph.ids), dtype=bool)
        self._inside[numbers] = True
        self._inside_bytes = self._inside.tobytes()  # read one node without numpy
        self._part = graph.node_part(int(numbers[0])) if len(numbers) else None

    def __getitem__(self, node_id: str) -> NodeData:
        i = self.graph.index.get(node_id)
        if i is None or not self._inside_bytes[i]:
            raise KeyError(node_id)
        return NodeData(self.graph, i, self._part)

    def __contains__(self, node_id: object) -> bool:
        i = self.graph.index.get(node_id)  # type: ignore[call-overload]
        return i is not None and self._inside_bytes[i] == 1

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.numbers)

    def items(self) -> Iterator[tuple[str, NodeData]]:  # type: ignore[override]
        graph, part = self.graph, self._part
        return ((graph.ids[i], NodeData(graph, i, part)) for i in self.numbers.tolist())

    def values(self) -> Iterator[NodeData]:  # type: ignore[override]
        graph, part = self.graph, self._part
        return (NodeData(graph, i, part) for i in self.numbers.tolist())

    def field_values(self, field: str) -> list[Any]:
        """The attribute ``field`` of every enterprise (None where unset), in id order."""
        column = self.graph.column("Enterprise", field)
        if column is None or self._part is None:
            return [None] * len(self.numbers)
        return column.values_at(self.numbers - self._part.start)

    @cached_property
    def ids(self) -> list[str]:
        """The ids, sorted (made once: the analyses iterate over the enterprises many times)."""
        return list(map(self.graph.ids.__getitem__, self.numbers.tolist()))


def compact_view_fields(graph: CompactGraph, chain_id: str | None, as_of: str | None) -> dict[str, Any]:
    """``ChainView``'s fields (all but ``graph``) for ``chain_id``'s part of ``graph`` (None: the whole graph)."""
    nodes = chain_scope(graph, chain_id) if chain_id is not None else None
    start, stop = graph.label_range("Enterprise")
    if nodes is None:
        numbers = np.arange(start, stop, dtype=np.int64)
    else:
        numbers = np.sort(graph.numbers(nodes))
        numbers = numbers[(numbers >= start) & (numbers < stop)]
    attrs = EnterpriseAttrs(graph, numbers)
    product_info, leaders = _products_and_leaders(graph, chain_id, attrs)
    produces, inputs = _production(graph, attrs, product_info)
    return {
        "chain_id": chain_id,
        "nodes": frozenset(nodes) if nodes is not None else None,
        "attrs": attrs,
        "products": tuple(sorted(product_info)),
        "product_info": product_info,
        "produces": produces,
        "inputs": inputs,
        "links": tuple(_links(graph, attrs, as_of)),
        "leaders": leaders,
        "as_of": as_of,
    }


def _products_and_leaders(graph: CompactGraph, chain_id: str | None, attrs: EnterpriseAttrs) -> tuple[dict[str, dict[str, Any]], frozenset[str]]:
    """As ``queries.view._build_view`` reads them (few nodes: through the graph's read API)."""
    nodes = graph.nodes
    product_info: dict[str, dict[str, Any]] = {}
    if chain_id is None:
        start, stop = graph.label_range("Product")
        for i in range(start, stop):
            d = NodeData(graph, i)
            product_info[graph.ids[i]] = {"name": d.get("name", graph.ids[i]), "segment": d.get("segment"), "stage": d.get("stage")}
        chain_start, chain_stop = graph.label_range("Chain")
        chains = graph.ids[chain_start:chain_stop]
        leaders = frozenset(e for e, _, kind in graph.in_edges(chains, data="type") if kind == "LEADS" and e in attrs)
        return product_info, leaders
    for product, _, data in graph.in_edges([chain_id], data=True):
        if data.get("type") == "IN_CHAIN":
            own = nodes[product]
            product_info[product] = {
                "name": own.get("name", product),
                "segment": data.get("segment") or own.get("segment"),
                "stage": data.get("stage") or own.get("stage"),
            }
    leaders = frozenset(e for e, _, kind in graph.in_edges([chain_id], data="type") if kind == "LEADS")
    return product_info, leaders


def _production(graph: CompactGraph, attrs: EnterpriseAttrs, product_info: Mapping[str, Any]) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Enterprise → the view's products it makes (PRODUCES), product → its inputs among them (INPUT_TO)."""
    products = graph.numbers(product_info)
    edges = graph.incident_many(products, "in")
    sources = graph.src[edges]
    kinds = graph.type_codes[edges]
    inside = attrs._inside
    product_mask = graph.mask(product_info)
    made_edges = edges[(kinds == TYPE_CODE["PRODUCES"]) & inside[sources]]
    input_edges = edges[(kinds == TYPE_CODE["INPUT_TO"]) & product_mask[sources]]
    ids = graph.ids
    made: dict[str, set[str]] = defaultdict(set)
    for s, d in zip(graph.src[made_edges].tolist(), graph.dst[made_edges].tolist(), strict=True):
        made[ids[s]].add(ids[d])
    found: dict[str, set[str]] = defaultdict(set)
    for s, d in zip(graph.src[input_edges].tolist(), graph.dst[input_edges].tolist(), strict=True):
        found[ids[d]].add(ids[s])
    return (shared_sets(made), {p: frozenset(i) for p, i in found.items()})


def _links(graph: CompactGraph, attrs: EnterpriseAttrs, as_of: str | None) -> list[SupplyLink]:
    """The SUPPLIES links among the enterprises present as of ``as_of``, in canonical order
    (customer, supplier, product): ``queries.view._build_view``'s rules, on whole columns."""
    edges = graph.edges_of_type("SUPPLIES")
    if not len(edges):
        return []
    inside = attrs._inside
    edges = edges[inside[graph.src[edges]] & inside[graph.dst[edges]]]
    offset = graph.type_ranges["SUPPLIES"][0]
    rows = edges - offset
    column = {name: graph.edge_column("SUPPLIES", name) for name in ("product", "share", "amount_wan", "as_of", "confidence", "seen", "listing")}
    share, amount = column["share"], column["amount_wan"]
    if share is not None and amount is not None and share.kind == "float" and amount.kind == "float":
        s, a = share.array[rows], amount.array[rows]
        keep = np.where(np.isnan(s), a != 0, s != 0)  # records_supply: an unset amount is no zero amount
    else:
        keep = np.array([_records_supply(share, amount, row) for row in rows.tolist()], dtype=bool)
    edges, rows = edges[keep], rows[keep]
    seen = column["seen"]
    observed = seen.truthy()[rows] if seen is not None else np.zeros(len(rows), dtype=bool)
    dated = column["as_of"]
    if seen is not None and observed.any():
        calendars = Calendars.of(_observed(graph, column))
        listing = column["listing"]
        present = np.array([not is_seen or calendars.present({"seen": seen[row], "listing": listing[row] if listing is not None else None}, as_of)
                            for row, is_seen in zip(rows.tolist(), observed.tolist(), strict=True)], dtype=np.bool_)
    else:
        present = np.ones(len(rows), dtype=bool)
    if as_of is not None and dated is not None:
        later = np.array([dated[row] is not None and str(dated[row]) > as_of for row in rows.tolist()], dtype=bool)
        present = present & (observed | ~later)
    edges, rows = edges[present], rows[present]
    product = column["product"]
    product_rank = _product_ranks(product, rows)
    # both ends are enterprises, numbered in id order (stores.analysis_columns): the numbers sort as the ids do
    order = np.lexsort((product_rank, graph.src[edges], graph.dst[edges]))
    edges, rows = edges[order], rows[order]
    ids = graph.ids

    def values(name: str, convert: Callable[[Any], Any] | None = None) -> list[Any]:
        col = column[name]
        return _converted(col, rows, convert) if col is not None else [None] * len(rows)

    fields = (
        list(map(ids.__getitem__, graph.src[edges].tolist())), list(map(ids.__getitem__, graph.dst[edges].tolist())),
        values("product", lambda p: p or None), values("share"), values("amount_wan"),
        values("as_of", lambda d: None if d is None else str(d)), values("confidence"),
    )
    return list(map(SupplyLink._make, zip(*fields, strict=True)))


def _converted(col: Column, rows: np.ndarray, convert: Callable[[Any], Any] | None) -> list[Any]:
    """The values of ``rows`` of a column, each passed through ``convert`` (once per distinct value of a
    coded column).

    >>> _converted(Column(["a", "", None]), np.array([1, 0, 2]), lambda p: p or None)
    [None, 'a', None]
    """
    if convert is None:
        return col.values_at(rows)
    if col.kind == "code" and col.rows is None:
        table = np.array([*map(convert, col.table), convert(None)], dtype=object)
        return list(table[col.array[rows]].tolist())  # code -1 (unset) picks the last entry
    return [convert(value) for value in col.values_at(rows)]


def _records_supply(share: Any, amount: Any, row: int) -> bool:
    value = share[row] if share is not None else None
    return value != 0 if value is not None else (amount[row] if amount is not None else None) != 0


def _observed(graph: CompactGraph, column: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The observed SUPPLIES links of the whole graph (``seen`` set), for their lists' calendars."""
    seen, listing = column["seen"], column["listing"]
    for row in np.flatnonzero(seen.truthy()).tolist():
        yield {"seen": seen[row], "listing": listing[row] if listing is not None else None}


def _product_ranks(product: Any, rows: np.ndarray) -> np.ndarray:
    """Each row's product in string order ("" — no product — first)."""
    if product is None:
        return np.zeros(len(rows), dtype=np.int64)
    if product.kind == "code":
        order = sorted(range(len(product.table)), key=lambda code: product.table[code] or "")
        rank = np.empty(len(product.table) + 1, dtype=np.int64)
        rank[0] = 0  # code -1 (unset) lands here
        rank[np.array(order, dtype=np.int64) + 1] = np.arange(1, len(order) + 1)
        return np.asarray(rank[product.array[rows] + 1])
    values = [product[row] or "" for row in rows.tolist()]
    distinct = {value: i for i, value in enumerate(sorted(set(values)))}
    return np.array([distinct[value] for value in values], dtype=np.int64)
