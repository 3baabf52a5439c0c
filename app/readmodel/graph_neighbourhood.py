"""Neighbourhoods answered from a cached projection instead of the store.

The breadth-first walk is the stores' own (``stores.base.breadth_first``); only its three
primitives read the projected graph here, so the answer is the one ``GraphStore.neighbourhood``
gives over the same revision, without a round trip per hop.

>>> from stores.base import NeighbourhoodQuery, build_graph
>>> graph = build_graph(
...     [{"id": "ent:a", "label": "Enterprise", "name": "甲"}, {"id": "ent:b", "label": "Enterprise", "name": "乙"}],
...     [{"type": "SUPPLIES", "src": "ent:a", "dst": "ent:b", "key": "product:x", "share": 0.5}],
... )
>>> around = neighbourhood(graph, NeighbourhoodQuery(["ent:b"], 1))
>>> [node["id"] for node in around.nodes], around.relationships
(['ent:a', 'ent:b'], [{'type': 'SUPPLIES', 'src': 'ent:a', 'dst': 'ent:b', 'key': 'product:x', 'share': 0.5}])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial
from typing import Any

import networkx as nx

from stores.base import Direction, NeighbourhoodQuery, NodeRecord, RelationshipRecord, Subgraph, breadth_first


def neighbourhood(graph: nx.MultiDiGraph, query: NeighbourhoodQuery) -> Subgraph:
    """``GraphStore.neighbourhood`` over ``graph`` (a whole-graph projection)."""
    return breadth_first(
        query,
        incident=partial(_incident, graph), nodes_by_id=partial(_nodes_by_id, graph), rels_among=partial(_rels_among, graph),
    )


def relationship_record(src: str, dst: str, key: str, attrs: dict[str, Any]) -> RelationshipRecord:
    """A projected edge as the stores return it: ``{"type", "src", "dst", "key", **properties}``.

    >>> relationship_record("ent:a", "ent:b", "SUPPLIES:product:x", {"type": "SUPPLIES", "share": 0.5})["key"]
    'product:x'
    """
    rel_type = attrs["type"]
    record = {"type": rel_type, "src": src, "dst": dst, "key": key[len(rel_type) + 1:] if key != rel_type else ""}
    record.update(attrs)  # its "type" is the same; build_graph keeps src, dst and key out of edge attributes
    return record


def _nodes_by_id(graph: nx.MultiDiGraph, ids: Collection[str]) -> list[NodeRecord]:
    nodes = graph.nodes
    return [{"id": node, **nodes[node]} for node in ids if node in nodes]


# The walk reads the graph's adjacency dicts (``_succ``, ``_pred``: successor/predecessor -> edge key ->
# attributes) directly: NetworkX's read-only views over them cost more than the walk itself.


def _incident(graph: nx.MultiDiGraph, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
    types = set(rel_types)
    found: dict[tuple[str, str, str], RelationshipRecord] = {}
    for node in ids:
        if node not in graph:
            continue
        if direction in ("out", "both"):
            for dst, keyed in graph._succ[node].items():
                _add_edges(found, node, dst, keyed, types)
        if direction in ("in", "both"):
            for src, keyed in graph._pred[node].items():
                _add_edges(found, src, node, keyed, types)
    return list(found.values())


def _add_edges(found: dict[Any, Any], src: str, dst: str, keyed: dict[Any, Any], types: set[str]) -> None:
    """The edges ``keyed`` (key -> attributes) from ``src`` to ``dst`` whose type is wanted, once each."""
    for key, attrs in keyed.items():
        if attrs["type"] in types and (src, dst, key) not in found:
            found[(src, dst, key)] = relationship_record(src, dst, key, attrs)


def _rels_among(graph: nx.MultiDiGraph, ids: Collection[str]) -> list[RelationshipRecord]:
    inside = set(ids)
    return [
        relationship_record(src, dst, key, attrs)
        for src in inside if src in graph
        for dst, keyed in graph._succ[src].items() if dst in inside
        for key, attrs in keyed.items()
    ]
