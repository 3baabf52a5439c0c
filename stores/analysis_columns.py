"""What the analyses read of a graph, as columns: ``GraphStore.analysis_columns(chain_id)``.

The analyses need few properties of the many nodes and relationships — of an enterprise its name,
place, revenue, tags; of a SUPPLIES link its product, share, amount, date and observations — and
nothing of the rest (its source, aliases, credit code …). So the bulk labels and types are read as
typed columns of those fields only (``COLUMNS``), and the few nodes and relationships of the plan's
reference data (chains, products, clusters, parks, facilities; IN_CHAIN, INPUT_TO …) whole.

Nodes are numbered: label by label in ``graph_schema.registry.NODE_LABELS`` order, by id within a
label; a relationship's ends are those numbers. The same part of the graph as ``store.project``
(the whole graph, or one chain's part by ``graph_schema.scope``).

>>> columns = columns_from_records(
...     [{"id": "ent:b", "label": "Enterprise", "name": "乙", "local": True, "aliases": ["B"]},
...      {"id": "ent:a", "label": "Enterprise", "name": "甲", "country": "韩国"},
...      {"id": "product:x", "label": "Product", "name": "电芯", "stage": "中游"}],
...     [{"type": "SUPPLIES", "src": "ent:a", "dst": "ent:b", "key": "product:x", "product": "product:x", "share": 0.5,
...       "source": "表1"}])
>>> columns.ids, columns.nodes["Enterprise"].fields["local"], columns.nodes["Product"].fields["props"]
(['ent:a', 'ent:b', 'product:x'], [None, True], [{'name': '电芯', 'stage': '中游'}])
>>> supplies = columns.rels["SUPPLIES"]
>>> list(supplies.src), list(supplies.dst), supplies.fields["share"], "source" in supplies.fields
([0], [1], [0.5], False)
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES

ENTERPRISE_FIELDS = ("name", "local", "country", "province", "city", "district", "revenue_yi", "tags", "synthetic",
                     "as_of", "seen", "listing")
SUPPLY_FIELDS = ("product", "share", "amount_wan", "as_of", "confidence", "seen", "listing")
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "Enterprise": ENTERPRISE_FIELDS,
    "SUPPLIES": SUPPLY_FIELDS, "PRODUCES": (), "LOCATED_IN": (), "MEMBER_OF": (), "HAS_SITE": (),
}
"""The labels and types read as columns of these fields only (no other property is read); every
other label and type is read whole, as a ``props`` column of property maps."""
WHOLE = "props"


@dataclass
class NodeColumns:
    """The nodes of one label, numbered ``start`` … ``start + len(ids) - 1``, sorted by id."""

    label: str
    start: int
    ids: list[str]
    fields: dict[str, list[Any]]  # a column per field of COLUMNS[label], or {"props": [property map, …]}


@dataclass
class RelColumns:
    """The relationships of one type: ends as node numbers, the key, and the type's columns."""

    type: str
    src: array[int] = field(default_factory=lambda: array("q"))
    dst: array[int] = field(default_factory=lambda: array("q"))
    keys: list[str] = field(default_factory=list)
    fields: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.src)


@dataclass
class AnalysisColumns:
    """A graph (or one chain's part of it) as the analyses read it (see the module)."""

    ids: list[str]
    nodes: dict[str, NodeColumns]
    rels: dict[str, RelColumns]

    def records(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The nodes and relationships as the records ``store.project`` builds a graph from, with only
        the properties read (the contract suite compares stores with it)."""
        nodes = []
        for label, part in self.nodes.items():
            for offset, node_id in enumerate(part.ids):
                nodes.append({"id": node_id, "label": label, **_row(part.fields, offset)})
        rels = []
        for rel_type, rel_part in self.rels.items():
            for offset in range(len(rel_part)):
                rels.append({"type": rel_type, "src": self.ids[rel_part.src[offset]], "dst": self.ids[rel_part.dst[offset]],
                             "key": rel_part.keys[offset], **_row(rel_part.fields, offset)})
        return nodes, rels


def _row(fields: Mapping[str, list[Any]], offset: int) -> dict[str, Any]:
    if WHOLE in fields:
        return dict(fields[WHOLE][offset])
    return {name: values[offset] for name, values in fields.items() if values[offset] is not None}


class ColumnsBuilder:
    """Collects nodes, then relationships, into ``AnalysisColumns``; what each store's reader fills.

    Strings that repeat (keys, products, places, dates) are kept once (``same``).
    """

    def __init__(self) -> None:
        self._nodes: dict[str, list[tuple[str, tuple[Any, ...]]]] = defaultdict(list)
        self._index: dict[str, int] | None = None
        self._strings: dict[Any, Any] = {}
        self.columns: AnalysisColumns | None = None

    def same(self, value: Any) -> Any:
        """One shared object per equal string (or tuple of strings)."""
        if isinstance(value, list):
            value = tuple(value)
        return self._strings.setdefault(value, value) if isinstance(value, (str, tuple)) else value

    def node(self, label: str, node_id: str, values: tuple[Any, ...]) -> None:
        """One node: ``values`` in the order of its label's fields (COLUMNS), or (property map,)."""
        self._nodes[label].append((node_id, values))

    def nodes_done(self) -> dict[str, int]:
        """Number the nodes; returns id → number (for the readers to map relationship ends)."""
        ids: list[str] = []
        nodes: dict[str, NodeColumns] = {}
        for label in NODE_LABELS:
            rows = sorted(self._nodes.pop(label, []), key=lambda row: row[0])
            if not rows:
                continue
            names = COLUMNS.get(label, (WHOLE,))
            fields = {name: [self.same(values[i]) if name != WHOLE else values[i] for _, values in rows]
                      for i, name in enumerate(names)}
            nodes[label] = NodeColumns(label, len(ids), [node_id for node_id, _ in rows], fields)
            ids += nodes[label].ids
        self.columns = AnalysisColumns(ids, nodes, {})
        self._index = {node_id: number for number, node_id in enumerate(ids)}
        return self._index

    def rel(self, rel_type: str, src: int, dst: int, key: str, values: tuple[Any, ...]) -> None:
        """One relationship between node numbers: ``values`` in the order of its type's fields, or (property map,)."""
        assert self.columns is not None, "nodes_done() first"
        part = self.columns.rels.get(rel_type)
        if part is None:
            part = self.columns.rels[rel_type] = RelColumns(rel_type, fields={name: [] for name in COLUMNS.get(rel_type, (WHOLE,))})
        part.src.append(src)
        part.dst.append(dst)
        part.keys.append(self.same(key))
        for column, value in zip(part.fields.values(), values, strict=True):
            column.append(self.same(value) if not isinstance(value, dict) else value)

    def done(self) -> AnalysisColumns:
        """The columns, relationships in ``RELATIONSHIP_TYPES`` order."""
        assert self.columns is not None, "nodes_done() first"
        self.columns.rels = {t: self.columns.rels[t] for t in RELATIONSHIP_TYPES if t in self.columns.rels}
        return self.columns


def columns_from_records(nodes: Iterable[Mapping[str, Any]], rels: Iterable[Mapping[str, Any]]) -> AnalysisColumns:
    """The columns of node and relationship records (as the stores' primitives return them): the
    reference reading every store's own must agree with."""
    builder = ColumnsBuilder()
    for node in nodes:
        names = COLUMNS.get(node["label"])
        if names is None:
            props = {k: v for k, v in node.items() if k not in ("id", "label")}
            builder.node(node["label"], node["id"], (props,))
        else:
            builder.node(node["label"], node["id"], tuple(node.get(name) for name in names))
    index = builder.nodes_done()
    for rel in rels:
        names = COLUMNS.get(rel["type"])
        if names is None:
            values: tuple[Any, ...] = ({k: v for k, v in rel.items() if k not in ("type", "src", "dst", "key")},)
        else:
            values = tuple(rel.get(name) for name in names)
        builder.rel(rel["type"], index[rel["src"]], index[rel["dst"]], rel["key"], values)
    return builder.done()
