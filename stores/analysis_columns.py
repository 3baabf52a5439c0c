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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
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
    """Collects rows of nodes, then of relationships, into ``AnalysisColumns``; what each store's
    reader fills, a batch of rows at a time. A node row is ``(id, *values)`` — the values of its
    label's fields (``COLUMNS``), or its property map — and a relationship row ``(src number, dst
    number, key, *values)`` likewise. Equal strings and lists are kept once (as one str / tuple).
    """

    def __init__(self, convert: Mapping[str, Callable[[Any], Any]] | None = None) -> None:
        self._convert = convert or {}  # field → how a store's value becomes the property's (applied to set values)
        self._nodes: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self._rels: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self._strings: dict[Any, Any] = {}
        self._ids: list[str] | None = None
        self._node_columns: dict[str, NodeColumns] = {}

    def shared(self, values: Iterable[Any], name: str = "") -> list[Any]:
        """``values`` of the field ``name`` with one object per equal string, and lists as tuples kept once."""
        if (convert := self._convert.get(name)) is not None:
            values = [None if v is None else convert(v) for v in values]
        strings = self._strings
        return [strings.setdefault(v, v) if type(v) is str else
                (strings.setdefault(tuple(v), tuple(v)) if type(v) in (list, tuple) else v) for v in values]

    def add_nodes(self, label: str, rows: Iterable[tuple[Any, ...]]) -> None:
        self._nodes[label].extend(rows)

    def nodes_done(self) -> dict[str, int]:
        """Number the nodes; returns id → number (for the readers to map relationship ends)."""
        ids: list[str] = []
        for label in NODE_LABELS:
            rows = sorted(self._nodes.pop(label, []), key=itemgetter(0))
            if not rows:
                continue
            names = COLUMNS.get(label)
            if names is None:
                fields = {WHOLE: [row[1] for row in rows]}
            else:
                fields = {name: self.shared((row[i] for row in rows), name) for i, name in enumerate(names, start=1)}
            self._node_columns[label] = NodeColumns(label, len(ids), [row[0] for row in rows], fields)
            ids += self._node_columns[label].ids
        self._ids = ids
        return {node_id: number for number, node_id in enumerate(ids)}

    def add_rels(self, rel_type: str, rows: Iterable[tuple[Any, ...]]) -> None:
        assert self._ids is not None, "nodes_done() first"
        self._rels[rel_type].extend(rows)

    def done(self) -> AnalysisColumns:
        """The columns, relationships in ``RELATIONSHIP_TYPES`` order."""
        assert self._ids is not None, "nodes_done() first"
        rels = {}
        for rel_type in RELATIONSHIP_TYPES:
            rows = self._rels.pop(rel_type, [])
            if not rows:
                continue
            names = COLUMNS.get(rel_type)
            if names is None:
                fields = {WHOLE: [row[3] for row in rows]}
            else:
                fields = {name: self.shared((row[i] for row in rows), name) for i, name in enumerate(names, start=3)}
            rels[rel_type] = RelColumns(rel_type, array("q", [row[0] for row in rows]), array("q", [row[1] for row in rows]),
                                        self.shared(row[2] for row in rows), fields)
        return AnalysisColumns(self._ids, self._node_columns, rels)


def columns_from_records(nodes: Iterable[Mapping[str, Any]], rels: Iterable[Mapping[str, Any]]) -> AnalysisColumns:
    """The columns of node and relationship records (as the stores' primitives return them): the
    reference reading every store's own must agree with."""
    builder = ColumnsBuilder()
    for node in nodes:
        names = COLUMNS.get(node["label"])
        if names is None:
            builder.add_nodes(node["label"], [(node["id"], {k: v for k, v in node.items() if k not in ("id", "label")})])
        else:
            builder.add_nodes(node["label"], [(node["id"], *(node.get(name) for name in names))])
    index = builder.nodes_done()
    for rel in rels:
        names = COLUMNS.get(rel["type"])
        ends = (index[rel["src"]], index[rel["dst"]], rel["key"])
        if names is None:
            builder.add_rels(rel["type"], [(*ends, {k: v for k, v in rel.items() if k not in ("type", "src", "dst", "key")})])
        else:
            builder.add_rels(rel["type"], [(*ends, *(rel.get(name) for name in names))])
    return builder.done()
