"""A compact analysis graph: the nodes and relationships the analyses read, held as integer-indexed
numpy columns instead of a Python dict per node and per edge.

``CompactGraph(store.analysis_columns(chain_id))`` holds what ``store.project(chain_id)`` holds,
restricted to the fields the analyses use (``stores.analysis_columns.COLUMNS``): node ``i`` is
``ids[i]``; relationships are arrays of source and target numbers with a type code, indexed both
ways (CSR: the relationships leaving and entering each node are contiguous in ``out_order`` /
``in_order``); a field is a typed column (booleans as int8, numbers as float64 with NaN for unset,
strings and tuples as int32 codes into a table of their distinct values). A node's or an edge's
attributes are built only when asked for.

It answers the part of ``networkx.MultiDiGraph``'s read API the analyses use (``in``, ``nodes``,
``in_edges`` / ``out_edges`` / ``edges`` with ``data``, ``pred`` / ``succ``, ``predecessors``), so
every analysis runs on it unchanged, and ``queries.view`` builds its index straight from the
columns. NetworkX stays the reference: the answers are the same (``tests/queries/test_compact.py``,
``tests/queries/test_answer_digest.py``).

>>> from queries.examples import example_batch
>>> graph = CompactGraph.from_records(*_records(example_batch()))
>>> "ent:lead" in graph, graph.nodes["ent:lead"]["name"], graph.nodes["ent:lead"].get("aliases")
(True, '南昌汽车（示例）', None)
>>> sorted(graph.predecessors("product:cell"))
['ent:cell', 'ent:cell2', 'ent:foreign', 'product:cathode']
>>> [(u, data["share"]) for u, _, data in graph.in_edges("ent:cell", data=True) if data["type"] == "SUPPLIES"]
[('ent:local-cathode', 0.3), ('ent:sh-cathode', 0.7)]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES
from stores.analysis_columns import WHOLE, AnalysisColumns, columns_from_records
from stores.base import OUTSIDE_NAMES, GraphStore, NodesById, outside_names

LABELS = tuple(NODE_LABELS)
TYPES = tuple(RELATIONSHIP_TYPES)
TYPE_CODE = {name: code for code, name in enumerate(TYPES)}
_BOOL_CODES = {None: -1, False: 0, True: 1}


class Column:
    """One field of a run of rows, typed by its values: ``bool`` (int8, -1 unset), ``float`` (float64,
    NaN unset), ``code`` (int32 index into ``table``, -1 unset; strings and tuples), else ``object``.

    >>> [Column([True, None]).kind, Column([1.5, None]).kind, Column(["a", None, "a"]).kind, Column([1, None]).kind]
    ['bool', 'float', 'code', 'object']
    >>> Column(["a", None, "a"])[2], Column([1.5, None])[1]
    ('a', None)
    """

    def __init__(self, values: Sequence[Any], *, keep_rows: bool = False) -> None:
        values = values if isinstance(values, list) else list(values)
        self.rows: list[Any] | None = list(values) if keep_rows else None  # kept for quick reads of one row
        kinds = set(map(type, values)) - {type(None)}  # every per-value step below runs in C
        self.table: list[Any] = []
        self.array: np.ndarray = np.zeros(0, dtype=np.int8)
        self.values: list[Any] = []
        if kinds == {bool}:
            self.kind = "bool"
            self.array = np.fromiter(map(_BOOL_CODES.__getitem__, values), dtype=np.int8, count=len(values))
        elif kinds == {float}:
            self.kind = "float"
            self.array = np.array(values, dtype=np.float64)  # None becomes NaN
        elif not kinds:  # unset everywhere
            self.kind = "code"
            self.array = np.full(len(values), -1, dtype=np.int32)
        elif kinds <= {str, tuple}:
            self.kind = "code"
            distinct = dict.fromkeys(values)  # in order of first appearance
            distinct.pop(None, None)
            self.table = list(distinct)
            codes = {value: code for code, value in enumerate(self.table)}
            codes[None] = -1
            self.array = np.fromiter(map(codes.__getitem__, values), dtype=np.int32, count=len(values))
        else:
            self.kind = "object"
            self.values = list(values)

    def __getitem__(self, row: int) -> Any:
        if self.rows is not None:
            return self.rows[row]
        if self.kind == "object":
            return self.values[row]
        value = self.array[row]
        if self.kind == "float":
            return None if value != value else float(value)
        if value < 0:
            return None
        return bool(value) if self.kind == "bool" else self.table[value]

    def values_at(self, rows: np.ndarray) -> list[Any]:
        """The values of many rows at once (None where unset).

        >>> Column(["a", None, "b"]).values_at(np.array([2, 1])), Column([0.5, None]).values_at(np.array([1, 0]))
        (['b', None], [None, 0.5])
        """
        if self.rows is not None or self.kind == "object":
            source = self.rows if self.rows is not None else self.values
            return [source[row] for row in rows.tolist()]
        if self.kind == "float":  # one float object per distinct value (by its bits: 0.0 and -0.0 stay apart)
            distinct, inverse = np.unique(self.array[rows].view(np.int64), return_inverse=True)
            floats = np.empty(len(distinct) + 1, dtype=object)  # an extra slot keeps numpy from making a 2-d array
            floats[:-1] = [None if value != value else value for value in distinct.view(np.float64).tolist()]
            return list(floats[inverse.reshape(-1)].tolist())
        table = np.array([*(self.table if self.kind == "code" else [False, True]), None], dtype=object)
        return list(table[self.array[rows]].tolist())  # code -1 (unset) picks the last entry, None

    def truthy(self) -> np.ndarray:
        """A boolean array: True where the row's value is truthy (set and not empty, zero or false)."""
        if self.kind == "code":
            table = np.array([bool(value) for value in self.table] + [False], dtype=bool)
            return np.asarray(table[self.array])  # code -1 (unset) picks the last entry
        if self.kind == "object":
            return np.array([bool(value) for value in self.values], dtype=bool)
        return np.asarray(np.nan_to_num(self.array) != 0 if self.kind == "float" else self.array == 1)

    def present(self) -> np.ndarray:
        """A boolean array: True where the row has a value."""
        if self.kind == "object":
            return np.array([value is not None for value in self.values], dtype=bool)
        return ~np.isnan(self.array) if self.kind == "float" else self.array >= 0


class _Part:
    """The rows of one label or type: ``start`` … ``stop - 1``, typed columns or whole property maps."""

    def __init__(self, start: int, stop: int, fields: Mapping[str, list[Any]], *, keep_rows: bool = False) -> None:
        self.start, self.stop = start, stop
        self.whole: list[dict[str, Any]] | None = fields.get(WHOLE)
        self.columns = {name: Column(values, keep_rows=keep_rows) for name, values in fields.items() if name != WHOLE}

    def get(self, row: int, key: str) -> Any:
        if self.whole is not None:
            return self.whole[row - self.start].get(key)
        column = self.columns.get(key)
        return None if column is None else column[row - self.start]

    def keys(self, row: int) -> list[str]:
        if self.whole is not None:
            return list(self.whole[row - self.start])
        return [name for name, column in self.columns.items() if column[row - self.start] is not None]


class NodeData(Mapping[str, Any]):
    """One node's attributes (``label`` and its fields), read from the columns when asked for."""

    __slots__ = ("_graph", "_node", "_part")

    def __init__(self, graph: CompactGraph, node: int, part: _Part | None = None) -> None:
        self._graph, self._node = graph, node
        self._part = part if part is not None else graph.node_part(node)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        if key == "label":
            return self._graph.label_of_number(self._node)
        value = self._part.get(self._node, key)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        return iter(["label", *self._part.keys(self._node)])

    def __len__(self) -> int:
        return 1 + len(self._part.keys(self._node))

    def __repr__(self) -> str:
        return repr(dict(self))


class NodeView(Mapping[str, NodeData]):
    """``graph.nodes``: ``nodes[id]``, ``nodes.get(id)``, ``id in nodes`` and ``nodes(data=…)``."""

    def __init__(self, graph: CompactGraph) -> None:
        self._graph = graph

    def __getitem__(self, node_id: str) -> NodeData:
        return NodeData(self._graph, self._graph.index[node_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph.ids)

    def __len__(self) -> int:
        return len(self._graph.ids)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._graph.index

    def __call__(self, data: bool | str = False, default: Any = None) -> Iterator[Any]:
        graph = self._graph
        if data is False:
            return iter(graph.ids)
        if data is True:
            return ((node_id, NodeData(graph, i)) for i, node_id in enumerate(graph.ids))
        if data == "label":
            return ((node_id, LABELS[code]) for node_id, code in zip(graph.ids, graph.label_codes.tolist(), strict=True))
        return ((node_id, graph.node_value(i, data, default)) for i, node_id in enumerate(graph.ids))


class Adjacency(Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]]):
    """``graph.pred`` / ``graph.succ``: node → neighbour → edge key → edge attributes."""

    def __init__(self, graph: CompactGraph, direction: Literal["in", "out"]) -> None:
        self._graph, self._direction = graph, direction

    def __getitem__(self, node_id: str) -> dict[str, dict[str, dict[str, Any]]]:
        graph = self._graph
        found: dict[str, dict[str, dict[str, Any]]] = {}
        ends = graph.src if self._direction == "in" else graph.dst
        for edge in graph.incident(graph.index[node_id], self._direction).tolist():
            found.setdefault(graph.ids[ends[edge]], {})[graph.edge_key(edge)] = graph.edge_data(edge)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph.ids)

    def __len__(self) -> int:
        return len(self._graph.ids)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._graph.index


class CompactGraph:
    """The graph of ``AnalysisColumns`` in numpy columns, read-only (see the module)."""

    def __init__(self, columns: AnalysisColumns) -> None:
        self.graph: dict[str, Any] = {}  # graph-level attributes, as networkx's (``stores.base.OUTSIDE_NAMES``)
        self.ids: list[str] = columns.ids
        self.index: dict[str, int] = columns.index if columns.index is not None else {node_id: i for i, node_id in enumerate(self.ids)}
        n = len(self.ids)
        self.label_codes = np.zeros(n, dtype=np.int8)
        self._node_parts: list[tuple[str, _Part]] = []
        for label, part in columns.nodes.items():
            stop = part.start + len(part.ids)
            self.label_codes[part.start:stop] = LABELS.index(label)
            self._node_parts.append((label, _Part(part.start, stop, part.fields, keep_rows=True)))
        self._label_ranges = {label: (node_part.start, node_part.stop) for label, node_part in self._node_parts}
        self._label_bytes = self.label_codes.tobytes()  # label code of a node, read without numpy
        parts = dict(self._node_parts)
        self._part_of_code = [parts.get(label) for label in LABELS]
        sizes = [len(part) for part in columns.rels.values()]
        self.src = np.concatenate([np.frombuffer(part.src, dtype=np.int64) for part in columns.rels.values()] or [np.zeros(0, np.int64)]).astype(np.int32)
        self.dst = np.concatenate([np.frombuffer(part.dst, dtype=np.int64) for part in columns.rels.values()] or [np.zeros(0, np.int64)]).astype(np.int32)
        self.type_codes = np.repeat(np.array([TYPE_CODE[t] for t in columns.rels], dtype=np.int8), sizes)
        self._edge_parts: dict[int, _Part] = {}
        key_table: dict[str, int] = {"": 0}
        keys = []
        start = 0
        for (rel_type, rel_part), size in zip(columns.rels.items(), sizes, strict=True):
            self._edge_parts[TYPE_CODE[rel_type]] = _Part(start, start + size, rel_part.fields)
            for key in dict.fromkeys(rel_part.keys):  # the distinct keys, in order of first appearance
                key_table.setdefault(key, len(key_table))
            keys.append(np.fromiter(map(key_table.__getitem__, rel_part.keys), dtype=np.int32, count=len(rel_part.keys)))
            start += size
        self.key_codes = np.concatenate(keys) if keys else np.zeros(0, np.int32)
        self.key_table = list(key_table)
        self.type_ranges = {TYPES[code]: (part.start, part.stop) for code, part in self._edge_parts.items()}
        self.out_order, self.out_ptr = _csr(self.src, n)
        self.in_order, self.in_ptr = _csr(self.dst, n)
        self.nodes = NodeView(self)
        self.pred = self._pred = Adjacency(self, "in")
        self.succ = self._succ = self.adj = Adjacency(self, "out")

    @classmethod
    def from_records(cls, nodes: Iterable[Mapping[str, Any]], rels: Iterable[Mapping[str, Any]]) -> CompactGraph:
        """The compact graph of node and relationship records (as ``stores.base.build_graph`` takes)."""
        return cls(columns_from_records(nodes, rels))

    # -- nodes -------------------------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, node_id: str) -> dict[str, dict[str, dict[str, Any]]]:
        return self.succ[node_id]

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return len(self.src)

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def label_range(self, label: str) -> tuple[int, int]:
        """The node numbers of one label: ``start``, ``stop`` (empty when none)."""
        return self._label_ranges.get(label, (0, 0))

    def column(self, label: str, field: str) -> Column | None:
        """The typed column of ``field`` over the nodes of ``label`` (None: not a column field)."""
        for name, part in self._node_parts:
            if name == label:
                return part.columns.get(field)
        return None

    def node_part(self, node: int) -> _Part:
        part = self._part_of_code[self._label_bytes[node]]
        assert part is not None
        return part

    def label_of_number(self, node: int) -> str:
        return LABELS[self._label_bytes[node]]

    def node_value(self, node: int, key: str, default: Any = None) -> Any:
        """One attribute of node number ``node`` (``label`` included), ``default`` when unset."""
        if key == "label":
            return LABELS[self._label_bytes[node]]
        value = self.node_part(node).get(node, key)
        return default if value is None else value

    def label_of(self, node_id: str) -> str | None:
        i = self.index.get(node_id)
        return None if i is None else LABELS[self.label_codes[i]]

    # -- edges -------------------------------------------------------------------------------------

    def edge_type(self, edge: int) -> str:
        return TYPES[int(self.type_codes[edge])]

    def edge_key(self, edge: int) -> str:
        """The MultiDiGraph key of an edge: ``TYPE`` or ``TYPE:key`` (``stores.base.edge_key``)."""
        key = self.key_table[self.key_codes[edge]]
        rel_type = TYPES[self.type_codes[edge]]
        return f"{rel_type}:{key}" if key else rel_type

    def edge_value(self, edge: int, key: str, default: Any = None) -> Any:
        code = int(self.type_codes[edge])
        if key == "type":
            return TYPES[code]
        value = self._edge_parts[code].get(edge, key)
        return default if value is None else value

    def edge_data(self, edge: int) -> dict[str, Any]:
        """The attributes of one edge: ``type`` and its fields, as a new dict."""
        part = self._edge_parts[int(self.type_codes[edge])]
        data = {"type": TYPES[self.type_codes[edge]]}
        for name in part.keys(edge):
            data[name] = part.get(edge, name)
        return data

    def edge_column(self, rel_type: str, field: str) -> Column | None:
        """The typed column of ``field`` over the edges of ``rel_type`` (None: not a column field)."""
        part = self._edge_parts.get(TYPE_CODE[rel_type])
        return None if part is None else part.columns.get(field)

    def incident(self, node: int, direction: Literal["in", "out"]) -> np.ndarray:
        """The edges entering (``in``) or leaving (``out``) node number ``node``."""
        order, ptr = (self.in_order, self.in_ptr) if direction == "in" else (self.out_order, self.out_ptr)
        return order[ptr[node]:ptr[node + 1]]

    def incident_many(self, nodes: np.ndarray, direction: Literal["in", "out"]) -> np.ndarray:
        """The edges entering (``in``) or leaving (``out``) any of the node numbers ``nodes``, node by node."""
        order, ptr = (self.in_order, self.in_ptr) if direction == "in" else (self.out_order, self.out_ptr)
        return np.asarray(order[_ranges(ptr[nodes], ptr[nodes + 1])])

    def numbers(self, node_ids: Iterable[str] | str | None) -> np.ndarray:
        """The node numbers of ``node_ids`` (networkx's ``nbunch``: one node, or any iterable; None: all),
        leaving out ids not in the graph."""
        if node_ids is None:
            return np.arange(len(self.ids), dtype=np.int64)
        if isinstance(node_ids, str):
            node_ids = [node_ids] if node_ids in self.index else []
        found = list(map(self.index.get, node_ids))
        if None in found:  # ids not in the graph are left out
            found = [number for number in found if number is not None]
        return np.array(found, dtype=np.int64)

    def _edges(self, nbunch: Any, data: bool | str, default: Any, direction: Literal["in", "out"]) -> Iterator[tuple[Any, ...]]:
        edges = self.incident_many(self.numbers(nbunch), direction).tolist()
        ids, src, dst = self.ids, self.src, self.dst
        if data is False:
            return ((ids[src[e]], ids[dst[e]]) for e in edges)
        if data is True:
            return ((ids[src[e]], ids[dst[e]], self.edge_data(e)) for e in edges)
        if data == "type":
            codes = self.type_codes
            return ((ids[src[e]], ids[dst[e]], TYPES[codes[e]]) for e in edges)
        return ((ids[src[e]], ids[dst[e]], self.edge_value(e, data, default)) for e in edges)

    def in_edges(self, nbunch: Any = None, data: bool | str = False, default: Any = None) -> Iterator[tuple[Any, ...]]:
        """``(source, target[, data])`` of the edges entering the nodes of ``nbunch`` (networkx's semantics)."""
        return self._edges(nbunch, data, default, "in")

    def out_edges(self, nbunch: Any = None, data: bool | str = False, default: Any = None) -> Iterator[tuple[Any, ...]]:
        """``(source, target[, data])`` of the edges leaving the nodes of ``nbunch``."""
        return self._edges(nbunch, data, default, "out")

    def edges(self, nbunch: Any = None, data: bool | str = False, default: Any = None, keys: bool = False) -> Iterator[tuple[Any, ...]]:
        """The edges leaving the nodes of ``nbunch`` (all by default); ``keys`` adds each edge's key."""
        if not keys:
            return self._edges(nbunch, data, default, "out")
        edges = self.incident_many(self.numbers(nbunch), "out").tolist()
        ids = self.ids
        if data is False:
            return ((ids[self.src[e]], ids[self.dst[e]], self.edge_key(e)) for e in edges)
        return ((ids[self.src[e]], ids[self.dst[e]], self.edge_key(e),
                 self.edge_data(e) if data is True else self.edge_value(e, data, default)) for e in edges)

    def predecessors(self, node_id: str) -> Iterator[str]:
        return iter(self.pred[node_id])

    def successors(self, node_id: str) -> Iterator[str]:
        return iter(self.succ[node_id])

    # -- bulk reads for the analyses' index (queries.view, queries.chains) ------------------------------

    def neighbours(self, node_ids: Collection[str], rel_types: Iterable[str], direction: Literal["in", "out"]) -> list[str]:
        """The ids at the other end of the relationships of ``rel_types`` entering (``in``: their
        sources) or leaving (``out``: their targets) the nodes ``node_ids`` — the accessor of
        ``graph_schema.scope.chain_members``."""
        edges = self.incident_many(self.numbers(node_ids), direction)
        wanted = np.isin(self.type_codes[edges], [TYPE_CODE[t] for t in rel_types])
        ends = (self.src if direction == "in" else self.dst)[edges[wanted]]
        ids = self.ids
        return [ids[i] for i in ends.tolist()]

    def edges_of_type(self, rel_type: str) -> np.ndarray:
        """The edge numbers of one type (they are contiguous)."""
        start, stop = self.type_ranges.get(rel_type, (0, 0))
        return np.arange(start, stop, dtype=np.int64)

    def outside_names(self, nodes_by_id: NodesById) -> dict[str, str]:
        """``stores.base.outside_names`` of this graph, from the SUPPLIES ``product`` column's table of
        distinct values instead of every edge's attributes.

        >>> firms = [{"id": "ent:a", "label": "Enterprise", "name": "甲"}, {"id": "ent:b", "label": "Enterprise", "name": "乙"}]
        >>> graph = CompactGraph.from_records(firms, [{"type": "SUPPLIES", "src": "ent:a", "dst": "ent:b", "key": "k",
        ...                                            "product": "product:rice"}])
        >>> graph.outside_names(lambda ids: [{"id": i, "label": "Product", "name": "大米"} for i in ids])
        {'product:rice': '大米'}
        """
        products = self.edge_column("SUPPLIES", "product")
        if products is None or products.kind != "code":
            return outside_names(self, nodes_by_id)  # it reads the networkx API
        missing = {product for product in products.table if product and product not in self.index}
        return {node["id"]: str(node.get("name") or node["id"]) for node in nodes_by_id(missing)} if missing else {}

    def mask(self, node_ids: Iterable[str]) -> np.ndarray:
        """A boolean array over the nodes: True for ``node_ids``."""
        found = np.zeros(len(self.ids), dtype=bool)
        found[self.numbers(node_ids)] = True
        return found


    def without(self, node_ids: Collection[str], links: Collection[tuple[str, str, str]]) -> CompactGraph:
        """A new graph without the nodes ``node_ids`` (and their relationships) and without the
        relationships ``links`` (source, target, key as ``edges(keys=True)`` gives them): what
        ``networkx.restricted_view`` gives of a NetworkX graph.

        >>> from queries.examples import example_batch
        >>> graph = CompactGraph.from_records(*_records(example_batch()))
        >>> smaller = graph.without({"ent:cell2"}, {("ent:sh-cathode", "ent:cell", "SUPPLIES:product:cathode")})
        >>> "ent:cell2" in smaller, sorted(smaller.predecessors("product:cell")) == sorted(set(graph.predecessors("product:cell")) - {"ent:cell2"})
        (False, True)
        >>> graph.number_of_edges() - smaller.number_of_edges() > 1, smaller.graph == graph.graph
        (True, True)
        """
        hidden = set(node_ids)
        nodes = [{"id": node_id, **dict(data)} for node_id, data in self.nodes(data=True) if node_id not in hidden]
        dropped = set(links)
        ids = self.ids
        rels = []
        for edge in range(self.number_of_edges()):
            source, target = ids[self.src[edge]], ids[self.dst[edge]]
            if source in hidden or target in hidden or (source, target, self.edge_key(edge)) in dropped:
                continue
            rels.append({"src": source, "dst": target, "key": self.key_table[self.key_codes[edge]], **self.edge_data(edge)})
        smaller = CompactGraph.from_records(nodes, rels)
        smaller.graph.update(self.graph)
        return smaller


def project_compact(store: GraphStore, chain_id: str | None = None) -> CompactGraph:
    """The compact graph of the whole graph, or of one chain's part (``store.project``'s nodes and
    edges, and its names of the products only other chains make)."""
    graph = CompactGraph(store.analysis_columns(chain_id))
    if chain_id is not None:
        graph.graph[OUTSIDE_NAMES] = graph.outside_names(lambda ids: [node for i in sorted(ids) if (node := store.get_node(i))])
    return graph


def _csr(ends: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Edge numbers ordered by ``ends`` (stable: in edge order within a node), and where each node's run starts."""
    order = np.argsort(ends, kind="stable").astype(np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    return order, ptr


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, stop)`` over the pairs, without a Python loop.

    >>> _ranges(np.array([2, 7, 4]), np.array([4, 7, 6])).tolist()
    [2, 3, 4, 5]
    """
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def _records(batch: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Node and relationship records of a ``WriteBatch`` (for the examples)."""
    nodes = [{"id": node.id, "label": node.label, **node.properties()} for node in batch.nodes]
    rels = [{"type": rel.type, "src": rel.src, "dst": rel.dst, "key": rel.key, **rel.properties()} for rel in batch.relationships]
    return nodes, rels
