"""Store-independent parts of the interface, written once over three small primitives.

Each store supplies ``incident`` (relationships touching some nodes), ``nodes_by_id`` and
``rels_among``; breadth-first neighbourhoods, a chain's scope and the NetworkX projection are
built from those here, so both stores cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TypeVar

import networkx as nx

from graph_schema.registry import check_label, check_relationship_type, label_of
from graph_schema.scope import chain_members
from stores.base import Direction, NodeRecord, RelationshipRecord, Subgraph

T = TypeVar("T")
SEARCH_SEPARATOR = "\x1f"  # between a node's name and its aliases in search text: in no name, so a query holding it finds nothing


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of ``items`` of ``size`` each (the last may be shorter): query parameters
    kept below a store's limit.

    >>> [list(chunk) for chunk in chunks(["a", "b", "c"], 2)]
    [['a', 'b'], ['c']]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]

Incident = Callable[[Collection[str], Sequence[str], Direction], list[RelationshipRecord]]
NodesById = Callable[[Collection[str]], list[NodeRecord]]
RelsAmong = Callable[[Collection[str]], list[RelationshipRecord]]

RESERVED_REL_FIELDS = ("type", "src", "dst", "key")


def checked_rel_types(rel_types: Sequence[str] | None) -> list[str]:
    """The whitelisted relationship types asked for (all of them when None)."""
    from graph_schema.registry import RELATIONSHIP_TYPES

    if rel_types is None:
        return list(RELATIONSHIP_TYPES)
    return [check_relationship_type(name).name for name in rel_types]


def edge_key(rel: RelationshipRecord) -> str:
    """The MultiDiGraph key of a relationship record: ``TYPE`` or ``TYPE:key``."""
    return f"{rel['type']}:{rel['key']}" if rel["key"] else rel["type"]


def build_graph(nodes: Iterable[NodeRecord], rels: Iterable[RelationshipRecord]) -> nx.MultiDiGraph:
    """A MultiDiGraph with node attributes ``label`` + properties and edge attributes ``type`` + properties.

    >>> g = build_graph([{"id": "chain:a", "label": "Chain", "name": "甲"}], [])
    >>> g.nodes["chain:a"]["name"]
    '甲'
    """
    graph = nx.MultiDiGraph()
    for node in nodes:
        attrs = dict(node)
        graph.add_node(attrs.pop("id"), **attrs)
    for rel in rels:
        attrs = {name: value for name, value in rel.items() if name not in ("src", "dst", "key")}
        graph.add_edge(rel["src"], rel["dst"], key=edge_key(rel), **attrs)
    return graph


def breadth_first(
    ids: Sequence[str],
    depth: int,
    rel_types: Sequence[str] | None,
    labels: Sequence[str] | None,
    direction: Direction,
    max_nodes: int,
    *,
    incident: Incident,
    nodes_by_id: NodesById,
    rels_among: RelsAmong,
) -> Subgraph:
    """Nodes reached from ``ids`` within ``depth`` hops, layer by layer, ids sorted within a layer."""
    if depth < 0:
        raise ValueError("depth must be >= 0")
    types = checked_rel_types(rel_types)
    allowed = {check_label(name).name for name in labels} if labels is not None else None
    start = sorted({node_id for node_id in ids if _has_label(node_id, allowed)})
    present = {node["id"] for node in nodes_by_id(start)}
    seen = [node_id for node_id in start if node_id in present][:max_nodes]
    seen_set = set(seen)
    frontier = list(seen)
    truncated = len(present) > max_nodes
    for _ in range(depth):
        if not frontier or truncated:
            break
        found: set[str] = set()
        for rel in incident(frontier, types, direction):
            for node_id in (rel["src"], rel["dst"]):
                if node_id not in seen_set and _has_label(node_id, allowed):
                    found.add(node_id)
        frontier = []
        for node_id in sorted(found):
            if len(seen) >= max_nodes:
                truncated = True
                break
            seen.append(node_id)
            seen_set.add(node_id)
            frontier.append(node_id)
    rels = [rel for rel in rels_among(seen_set) if rel["type"] in types]
    nodes = sorted(nodes_by_id(seen_set), key=lambda node: node["id"])
    return Subgraph(nodes=nodes, relationships=sorted(rels, key=_rel_sort_key), truncated=truncated)


def chain_scope(chain_id: str, incident: Incident) -> set[str]:
    """Ids of the nodes that make up one chain's part of the graph (the rule
    ``graph_schema.scope.chain_members``), read through a store's ``incident`` primitive."""

    def neighbours(ids: Collection[str], rel_types: tuple[str, ...], direction: Direction) -> list[str]:
        end = "src" if direction == "in" else "dst"
        return [rel[end] for rel in incident(ids, list(rel_types), direction)]

    return chain_members(chain_id, neighbours)


def _has_label(node_id: str, allowed: set[str] | None) -> bool:
    return allowed is None or label_of(node_id) in allowed


def _rel_sort_key(rel: RelationshipRecord) -> tuple[str, str, str, str]:
    return (rel["type"], rel["src"], rel["dst"], rel["key"])


def check_window(limit: int | None, offset: int = 0) -> None:
    """Refuse a negative ``limit`` or ``offset`` (both stores, the same ValueError).

    >>> check_window(None, 0)
    >>> check_window(-1)
    Traceback (most recent call last):
    ValueError: limit and offset must not be negative (limit=-1, offset=0)
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit and offset must not be negative (limit={limit}, offset={offset})")
