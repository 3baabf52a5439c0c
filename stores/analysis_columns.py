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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import ge, is_not
from types import MappingProxyType
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
    index: dict[str, int] | None = field(default=None, compare=False, repr=False)  # id → number, when the reader made it

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
    number, key, *values)`` likewise (``add_store_rels``: ``(src id, dst id, key, *values)``). Equal
    strings and lists are kept once (as one str / tuple). The rows are turned into columns at once,
    so every per-value step runs in C (``map``, ``zip``), not in a Python loop.

    >>> builder = ColumnsBuilder()
    >>> builder.add_nodes("Enterprise", [("ent:b", "乙", *[None] * 11), ("ent:a", "甲", *[None] * 11)])
    >>> dict(builder.nodes_done())
    {'ent:a': 0, 'ent:b': 1}
    >>> builder.add_store_rels("SUPPLIES", [("ent:a", "ent:b", "k", "product:x", 0.5, *[None] * 5),
    ...                                      ("ent:b", "ent:elsewhere", "k", "product:x", None, *[None] * 5)])
    >>> supplies = builder.done().rels["SUPPLIES"]
    >>> list(supplies.src), list(supplies.dst), supplies.fields["share"]
    ([0], [1], [0.5])
    """

    def __init__(self, convert: Mapping[str, Callable[[Any], Any]] | None = None) -> None:
        self._convert = convert or {}  # field → how a store's value becomes the property's (applied to set values)
        self._nodes: dict[str, list[list[list[Any]]]] = defaultdict(list)  # per label: chunks of columns, values shared
        self._rels: dict[str, list[list[Any]]] = defaultdict(list)  # per type: chunks of columns (ends as arrays), values shared
        self._strings: dict[Any, Any] = {}
        self._ids: list[str] | None = None
        self._index: dict[str, int] = {}
        self._node_columns: dict[str, NodeColumns] = {}

    def shared(self, values: Iterable[Any], name: str = "") -> list[Any]:
        """``values`` of the field ``name`` with one object per equal string, and lists as tuples kept once."""
        values = values if isinstance(values, list) else list(values)
        if (convert := self._convert.get(name)) is not None:
            values = [None if v is None else convert(v) for v in values]
        kinds = set(map(type, values))
        strings = self._strings
        if kinds <= _NONE:  # unset everywhere (a field the data does not use)
            return values
        if kinds <= _TEXT:  # strings (and None, kept as None): one object per equal string, in C
            return list(map(strings.setdefault, values, values))
        if not kinds & _SHARED:  # numbers, booleans: as they are
            return values
        return [strings.setdefault(v, v) if type(v) is str else
                (strings.setdefault(tuple(v), tuple(v)) if type(v) in (list, tuple) else v) for v in values]

    def add_nodes(self, label: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """A batch of node rows of ``label``, turned into columns at once (equal values kept once), so
        that a reader's batches do not pile up as rows."""
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            self.add_node_columns(label, list(zip(*rows, strict=True)))

    def add_node_columns(self, label: str, columns: Sequence[Sequence[Any]]) -> None:
        """A batch of nodes of ``label`` given as columns ``[ids, *values]`` (``add_nodes``'s rows,
        transposed), equal values kept once."""
        kept = [list(column) for column in columns]
        if not kept or not kept[0]:
            return
        names = COLUMNS.get(label)
        if names is not None:
            kept[1:] = [self.shared(kept[i], name) for i, name in enumerate(names, start=1)]
        self._nodes[label].append(kept)

    def nodes_done(self) -> Mapping[str, int]:
        """Number the nodes; returns id → number (for the readers to map relationship ends; read-only)."""
        ids: list[str] = []
        for label in NODE_LABELS:
            columns = _sorted_columns(_joined(self._nodes.pop(label, [])))
            if not columns or not columns[0]:
                continue
            names = COLUMNS.get(label)
            if names is None:
                fields = {WHOLE: columns[1]}
            else:
                fields = dict(zip(names, columns[1:], strict=True))
            self._node_columns[label] = NodeColumns(label, len(ids), columns[0], fields)
            ids += self._node_columns[label].ids
        self._ids = ids
        self._index = {node_id: number for number, node_id in enumerate(ids)}
        return MappingProxyType(self._index)

    def add_rels(self, rel_type: str, rows: Iterable[tuple[Any, ...]]) -> None:
        assert self._ids is not None, "nodes_done() first"
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            self._add_rel_columns(rel_type, [list(column) for column in zip(*rows, strict=True)])

    def add_store_rels(self, rel_type: str, rows: Sequence[Sequence[Any]]) -> None:
        """Relationship rows ``(src id, dst id, key, *values)`` as a store reads them: their ends
        numbered, the rows whose target is not a numbered node (outside the chain's part) left out;
        their source must be one."""
        if rows:
            self.add_store_rel_columns(rel_type, list(zip(*rows, strict=True)))

    def add_store_rel_columns(self, rel_type: str, columns: Sequence[Sequence[Any]]) -> None:
        """``add_store_rels`` of rows given as columns ``[src ids, dst ids, keys, *values]``."""
        assert self._ids is not None, "nodes_done() first"
        if not columns or not columns[0]:
            return
        columns = list(columns)
        targets = list(map(self._index.get, columns[1]))
        if None in targets:
            keep = list(map(is_not, targets, repeat(None)))
            columns = [list(compress(column, keep)) for column in columns]
            targets = list(compress(targets, keep))
        if targets:
            self._add_rel_columns(rel_type, [list(map(self._index.__getitem__, columns[0])), targets, *columns[2:]])

    def _add_rel_columns(self, rel_type: str, columns: list[Any]) -> None:
        """Keep a batch of numbered relationship columns: the ends as arrays, the keys and values
        shared at once (a batch's repeated strings are freed before the next is read)."""
        names = COLUMNS.get(rel_type)
        fields = [columns[3]] if names is None else [self.shared(columns[i], name) for i, name in enumerate(names, start=3)]
        self._rels[rel_type].append([array("q", columns[0]), array("q", columns[1]), self.shared(columns[2]), *fields])

    def done(self) -> AnalysisColumns:
        """The columns, relationships in ``RELATIONSHIP_TYPES`` order."""
        assert self._ids is not None, "nodes_done() first"
        rels = {}
        for rel_type in RELATIONSHIP_TYPES:
            chunks = self._rels.pop(rel_type, [])
            if not chunks:
                continue
            src, dst = array("q"), array("q")
            for chunk in chunks:
                src.extend(chunk[0])
                dst.extend(chunk[1])
            columns = _joined([chunk[2:] for chunk in chunks])
            names = COLUMNS.get(rel_type)
            fields = {WHOLE: columns[1]} if names is None else dict(zip(names, columns[1:], strict=True))
            rels[rel_type] = RelColumns(rel_type, src, dst, columns[0], fields)
        return AnalysisColumns(self._ids, self._node_columns, rels, self._index)


def _joined(chunks: list[list[list[Any]]]) -> list[list[Any]]:
    """Chunks of columns joined into columns (each chunk's lists are emptied as they are copied).

    >>> _joined([[["a"], [1]], [["b", "c"], [2, 3]]])
    [['a', 'b', 'c'], [1, 2, 3]]
    """
    if not chunks:
        return []
    if len(chunks) == 1:
        return chunks[0]
    columns: list[list[Any]] = [[] for _ in chunks[0]]
    for chunk in chunks:
        for column, part in zip(columns, chunk, strict=True):
            column.extend(part)
            part.clear()
    return columns


def _sorted_columns(columns: list[list[Any]]) -> list[list[Any]]:
    """The node columns (ids first), sorted by id; not sorted again when a store read them in id order.

    >>> _sorted_columns([["b", "c", "a"], [2, 3, 1]])
    [['a', 'b', 'c'], [1, 2, 3]]
    """
    if not columns:
        return []
    ids = columns[0]
    if any(map(ge, ids, ids[1:])):  # not already in id order
        order = sorted(range(len(ids)), key=ids.__getitem__)
        columns = [list(map(column.__getitem__, order)) for column in columns]
    return columns


_NONE = frozenset({type(None)})
_TEXT = frozenset({str, type(None)})
_SHARED = frozenset({str, list, tuple})


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
